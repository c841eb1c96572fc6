"""The Pelican plugin: ``PLUGINS = ["pictify"]`` (or ``["pictify_pelican"]``) in ``pelicanconf.py``.

Signals used, in Pelican's order:

- ``initialized``: validate the ``PICTIFY_*`` settings (fail fast with a clear message);
- ``all_generators_finalized``: every article, page and translation exists and nothing is
  written yet, so all cards are made in one core build and handed to the content objects;
- ``content_written``: write the tags into the ``<head>`` of each written article or page.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pelican.plugins.signals as signals

from pictify_pelican.content import apply_card, collect, content_key, content_options, record
from pictify_pelican.settings import AdapterOptions, config_dir, is_configured, read_settings
from pictify_ssg.core import BuildReport, CardResult, Pipeline, Settings, SiteInfo, inject_meta_tags

# Under ``pelican.``: shown by Pelican's handler; `--fatal warnings` stops on them.
log = logging.getLogger("pelican.plugins.pictify")

#: Settings key carrying the run's state to every signal (Pelican copies settings into contexts).
STATE_KEY = "pictify_state"


@dataclass
class RunState:
    """What one Pelican instance's signals share; lives in its settings under :data:`STATE_KEY`."""

    settings: Settings
    options: AdapterOptions
    config_dir: Path
    cards: dict[str, CardResult] = field(default_factory=dict)
    report: BuildReport | None = None


def register() -> None:
    """Connect the plugin to Pelican's signals (called by Pelican for each loaded plugin)."""
    signals.initialized.connect(initialized)
    signals.all_generators_finalized.connect(all_generators_finalized)
    signals.content_written.connect(content_written)


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


def _site(settings: dict[str, Any]) -> SiteInfo:
    return SiteInfo(
        name=str(settings.get("SITENAME") or ""),
        url=str(settings.get("SITEURL") or "") or None,
        description=str(settings.get("SITESUBTITLE") or "") or None,
        lang=str(settings.get("DEFAULT_LANG") or "en"),
        config_dir=config_dir(settings),
        output_dir=Path(settings["OUTPUT_PATH"]),
        # i18n_subsites builds one site per language with its own DEFAULT_LANG.
        variant=str(settings.get("DEFAULT_LANG") or "en"),
    )


def all_generators_finalized(generators: list[Any]) -> None:
    """Make every card in one core build and hand each content object its card."""
    if not generators:
        return
    settings = generators[0].settings
    state: RunState | None = settings.get(STATE_KEY)
    if state is None:
        return
    contents = collect(generators, include_drafts=state.options.include_drafts)
    pages = []
    by_key = {}
    for content in contents:
        try:
            options = content_options(content.metadata)
        except ValueError as error:
            log.warning("pictify: %s: %s", content_key(content), error)
            options = {}
        pages.append(record(content, options))
        by_key[content_key(content)] = content
    # The core logs to "pictify_ssg"; Pelican's handler sits on the root logger, so those
    # records are shown as they are (re-logging report.warnings would print each twice).
    with Pipeline(state.settings, config_dir=state.config_dir) as pipeline:
        report = pipeline.build(pages, _site(settings))
    if state.settings.gallery:
        gallery = Path(settings["OUTPUT_PATH"]) / state.settings.output_dir / "index.html"
        log.info("pictify: card gallery: %s", gallery)
    state.report = report
    state.cards = dict(report.cards)
    for key, card in state.cards.items():
        content = by_key.get(key)
        if content is not None:
            apply_card(content, card)


def content_written(path: str, context: dict[str, Any]) -> None:
    """Write the card's tags into the ``<head>`` of a written article or page."""
    state: RunState | None = context.get(STATE_KEY)
    if state is None or not state.options.write_tags:
        return
    content = context.get("article") or context.get("page")
    if content is None or not hasattr(content, "relative_source_path"):
        return
    card = state.cards.get(content_key(content))
    if card is None:
        return
    file = Path(path)
    html = file.read_text(encoding="utf-8")
    updated = inject_meta_tags(html, card.tags)
    if updated != html:
        file.write_text(updated, encoding="utf-8")
