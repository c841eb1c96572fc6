"""The Pelican plugin: ``PLUGINS = ["pictify"]`` (or ``["pictify_pelican"]``) in ``pelicanconf.py``.

Signals used, in Pelican's order:

- ``initialized``: validate the ``PICTIFY_*`` settings and the template and fallback files
  they name (fail fast with one clear message, no traceback);
- ``all_generators_finalized``: every article, page and translation exists, and so does every
  category, tag and author, and nothing is written yet: all cards (the listing cards of
  :mod:`pictify_pelican.listings` too, unless ``PICTIFY_LISTING_CARDS = False``) are made in
  one core build and handed out; the build's summary line is printed once, beside Pelican's
  ``Done:`` line, at every verbosity (:mod:`pictify_pelican.summary`);
- ``content_written``: write the tags into the ``<head>`` of each written article, page and
  listing page (every page of a paginated listing), unless ``PICTIFY_WRITE_TAGS = False``;
- ``finalized``: cards that needed rendering render in the background while Pelican writes
  (their URLs come from their fingerprints, so the tags are known before the images exist);
  here the plugin waits for them, prints the summary line and writes the tags again into the
  few pages whose card failed.

What themes can use: ``article.og_image`` / ``page.og_image`` (see
:mod:`pictify_pelican.content`), ``category.og_image``, ``tag.og_image`` and
``author.og_image`` on their listing pages, and ``pictify_site_og_image`` (the site card of
the home page and archives) everywhere.

Pelican-only settings (not options of the core): ``PICTIFY_INCLUDE_DRAFTS`` (default
``False``), ``PICTIFY_WRITE_TAGS`` (default ``True``) and ``PICTIFY_LISTING_CARDS`` (default
``True``).
"""

from __future__ import annotations

import logging
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pelican.plugins.signals as signals

from pictify_pelican.content import apply_card, collect, content_key, record
from pictify_pelican.listings import (
    SITE_KEY,
    Listings,
    collect_listings,
    listing_key,
    normal_url,
    retarget,
    site_description,
    written_url,
)
from pictify_pelican.settings import (
    AdapterOptions,
    config_dir,
    is_configured,
    layout_defaults,
    pelican_build_message,
    read_settings,
    source_dirs,
)
from pictify_pelican.summary import SummaryLine

if TYPE_CHECKING:
    from pictify_ssg.core import (
        BuildReport,
        CardBuild,
        CardResult,
        MetaTag,
        Settings,
        SiteInfo,
    )

# Under ``pelican.``: shown by Pelican's handler; `--fatal warnings` stops on them.
log = logging.getLogger("pelican.plugins.pictify")

#: Settings key carrying the run's state to every signal (Pelican copies settings into contexts).
STATE_KEY = "pictify_state"
#: Context variable with the site card's URL, for themes that write their own tags.
SITE_IMAGE_KEY = "pictify_site_og_image"


@dataclass
class RunState:
    """What one Pelican instance's signals share; lives in its settings under :data:`STATE_KEY`."""

    settings: Settings
    options: AdapterOptions
    config_dir: Path
    cards: dict[str, CardResult] = field(default_factory=dict)
    report: BuildReport | None = None
    listings: Listings = field(default_factory=Listings)
    pending: CardBuild | None = None
    """The build while its cards render (until ``finalized``)."""
    closing: ExitStack | None = None
    """Closes the pipeline and prints the summary line once the cards are done."""
    written: list[tuple[str, str, str | None]] = field(default_factory=list)
    """``(file, card key, page URL)`` of each page written while cards rendered."""


def register() -> None:
    """Connect the plugin to Pelican's signals (called by Pelican for each loaded plugin)."""
    signals.initialized.connect(initialized)
    signals.all_generators_finalized.connect(all_generators_finalized)
    signals.content_written.connect(content_written)
    signals.finalized.connect(finalized)


def initialized(pelican: Any) -> None:
    """Validate the settings; stay inert when the site does not ask for cards."""
    settings = pelican.settings
    settings.pop(STATE_KEY, None)
    if not is_configured(settings):
        log.debug("pictify: no PICTIFY_* setting (or PICTIFY_ENABLED = False): inert")
        return
    core, options = read_settings(settings)
    if not core.enabled:
        return
    settings[STATE_KEY] = RunState(core, options, config_dir(settings))


def site_info(settings: dict[str, Any]) -> SiteInfo:
    """The :class:`SiteInfo` of the site ``settings`` describe (also read by the CLI)."""
    from pictify_ssg.core import SiteInfo

    return SiteInfo(
        name=str(settings.get("SITENAME") or ""),
        url=str(settings.get("SITEURL") or "") or None,
        description=site_description(settings),
        lang=str(settings.get("DEFAULT_LANG") or "en"),
        config_dir=config_dir(settings),
        output_dir=Path(settings["OUTPUT_PATH"]),
        # i18n_subsites builds one site per language with its own DEFAULT_LANG.
        variant=str(settings.get("DEFAULT_LANG") or "en"),
        source_dirs=source_dirs(settings),
        layout_options=layout_defaults(settings),
    )


def all_generators_finalized(generators: list[Any]) -> None:
    """Make every card in one core build and hand each content object and listing its card."""
    if not generators:
        return
    settings = generators[0].settings
    state: RunState | None = settings.get(STATE_KEY)
    if state is None:
        return
    pages = []
    by_key = {}
    for content in collect(generators, include_drafts=state.options.include_drafts):
        # Metadata of the wrong type travels in the record: the core gives the article its
        # previous card or the fallback image and names it in its one grouped warning.
        pages.append(record(content))
        by_key[content_key(content)] = content
    # A page saved over a listing's page (a static home page) is what readers see there.
    claimed = {normal_url(page.url) for page in pages}
    state.listings = (
        collect_listings(generators, settings, claimed=claimed)
        if state.options.listing_cards
        else Listings()
    )
    pages.extend(state.listings.records)
    # The core logs to "pictify_ssg"; Pelican's handler sits on the root logger, so its
    # warnings are shown as they are (re-logging report.warnings would print each twice).
    # Its INFO summary is the exception: SummaryLine prints it once at any verbosity.
    # Imported here, not at the top: Pelican imports every installed namespace plugin, so a
    # site that does not use pictify must not pay for loading the pipeline.
    from pictify_ssg.core import BuildError, Pipeline

    summary = SummaryLine()
    closing = ExitStack()
    closing.enter_context(summary)
    try:
        pipeline = closing.enter_context(Pipeline(state.settings, config_dir=state.config_dir))
        build = pipeline.start(pages, site_info(settings), last=True)  # a pipeline per build
    except BuildError as error:
        closing.close()
        # Pelican prints the message as it is: options named as pelicanconf.py spells them.
        raise BuildError(pelican_build_message(str(error)), error.failed) from None
    except BaseException:
        closing.close()
        raise
    report = build.report
    if build.pending:
        state.pending, state.closing, state.written = build, closing, []
    else:
        summary.fallback = report.summary_line
        closing.close()
    if state.settings.gallery:
        gallery = Path(settings["OUTPUT_PATH"]) / state.settings.output_dir / "index.html"
        log.info("pictify: card gallery: %s", gallery)
    state.report = report
    state.cards = dict(report.cards)
    for key, card in state.cards.items():
        content = by_key.get(key)
        if content is not None:
            apply_card(content, card)
        elif key in state.listings.wrappers:
            # Themes writing their own tags can use {{ tag.og_image }} and the like.
            state.listings.wrappers[key].og_image = card.url
    site_card = state.cards.get(SITE_KEY)
    if site_card is not None:
        # Generators share one context dict: every template sees the variable.
        generators[0].context[SITE_IMAGE_KEY] = site_card.url


def content_written(path: str, context: dict[str, Any]) -> None:
    """Write the card's tags into the ``<head>`` of a written article, page or listing page."""
    state: RunState | None = context.get(STATE_KEY)
    if state is None or not state.options.write_tags:
        return
    key, tags = _tags_for(context, state)
    if key is None:
        return
    if state.pending is not None:
        state.written.append((path, key, written_url(context)))
    if not tags:
        return
    from pictify_ssg.core import inject_meta_tags

    file = Path(path)
    html = file.read_text(encoding="utf-8")
    updated = inject_meta_tags(html, tags)
    if updated != html:
        file.write_text(updated, encoding="utf-8")


def _tags_for(context: dict[str, Any], state: RunState) -> tuple[str | None, tuple[MetaTag, ...]]:
    """The card key and tags for the page written with ``context`` (key ``None``: none of our
    pages)."""
    content = context.get("article") or context.get("page")
    if content is not None and hasattr(content, "relative_source_path"):
        # An article's context also holds its category: never read it as a category page.
        key = content_key(content)
        card = state.cards.get(key)
        return key, card.tags if card is not None else ()
    listing = listing_key(context, state.listings)
    if listing is None:
        return None, ()
    return listing, _listing_tags(state, listing, written_url(context))


def _listing_tags(state: RunState, key: str, page_url: str | None) -> tuple[MetaTag, ...]:
    card = state.cards.get(key)
    if card is None:
        return ()
    return retarget(card.tags, state.listings.urls[key], page_url)


def finalized(pelican: Any) -> None:
    """Wait for the cards still rendering; write the tags again where a card failed."""
    state: RunState | None = pelican.settings.get(STATE_KEY)
    if state is None or state.pending is None or state.closing is None:
        return
    build, closing = state.pending, state.closing
    state.pending = state.closing = None
    from pictify_ssg.core import BuildError

    with closing:  # closes the pipeline and prints the summary line, whatever happens
        try:
            report = build.wait()
        except BuildError as error:
            raise BuildError(pelican_build_message(str(error)), error.failed) from None
        state.report = report
        state.cards = dict(report.cards)
        changed = build.changed()
        if state.options.write_tags and changed:
            _rewrite(state, changed)


def _rewrite(state: RunState, changed: dict[str, CardResult | None]) -> None:
    """Write the final tags into the pages written with a card that then failed."""
    from pictify_ssg.core import inject_meta_tags

    for path, key, page_url in state.written:
        if key not in changed:
            continue
        card = changed[key]
        if key in state.listings.urls:
            tags = _listing_tags(state, key, page_url)
        else:
            tags = card.tags if card is not None else ()
        file = Path(path)
        try:
            html = file.read_text(encoding="utf-8")
            updated = inject_meta_tags(html, tags)
            if updated != html:
                file.write_text(updated, encoding="utf-8")
        except OSError as exc:
            log.warning("pictify: cannot write the card tags of '%s' into %s: %s", key, path, exc)
