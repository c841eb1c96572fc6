"""The MkDocs plugin: ``plugins: - pictify`` in ``mkdocs.yml``.

MkDocs reads every page before it renders any, so the plugin snapshots each page late in
``on_page_markdown``, starts the core's build with every page in ``on_env``, hands each page its
card in ``on_page_context`` and has the theme's own render write the tags into ``<head>``
(``on_post_page`` only checks them, and edits the page when the theme wrote image tags of its
own). Cards that need rendering render in the background meanwhile (their URLs come from their
fingerprints, so the tags are known before the images exist); ``on_post_build`` waits for them
and writes the tags again in the few pages whose card failed. The adapter never makes an HTTP
call, hashes or caches: that is the core's job.

MkDocs imports every configured plugin before it reads ``enabled``, so this module imports only
what validating the options needs (the core's settings model, which the option schema is
generated from) and the small text and tag helpers of the per-page hooks. The pipeline, with
its HTTP client and cache, is imported by the hooks that use it: ``enabled: false`` (the usual
toggle for fast local previews) then costs almost nothing, and a warm build loads no HTTP stack
at all.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urljoin

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from pictify_mkdocs.config import PictifyConfig
from pictify_mkdocs.logs import forward_core_logs
from pictify_mkdocs.pages import page_record
from pictify_mkdocs.site import config_dir, is_inside, material_social_enabled, site_info
from pictify_ssg.core import Settings, SettingsError, warm_replay

# Per-page work, imported once here rather than in each call: these are small modules of
# the core (text and tags), not the pipeline.
from pictify_ssg.core.head_slot import HeadSlot
from pictify_ssg.core.html_head import has_tag_block, inject_meta_tags

if TYPE_CHECKING:
    # Annotations only. `mkdocs.livereload` is the dev server, which `mkdocs build` never
    # needs; the core types below come with the pipeline, imported where it is used.
    from jinja2 import Environment
    from mkdocs.livereload import LiveReloadServer

    from pictify_ssg.core import (
        BuildReport,
        CardBuild,
        CardResult,
        PageRecord,
        Pipeline,
        SiteInfo,
    )

# Under ``mkdocs.``, so MkDocs prints these messages and ``--strict`` counts the warnings.
log = get_plugin_logger("pictify")

#: ``page.meta`` key receiving the card's details (url, width, height, type, alt, origin).
CARD_META_KEY = "pictify_card"
#: ``page.meta`` key most themes and overrides read for a page's social image.
IMAGE_META_KEY = "image"
#: Where the page's own ``image`` value is kept when the card's absolute URL replaces it.
ORIGINAL_IMAGE_META_KEY = "image_original"


# MkDocs leaves BasePlugin.__init_subclass__ unannotated; mypy --strict flags the implicit call.
class PictifyPlugin(BasePlugin[PictifyConfig]):  # type: ignore[no-untyped-call]
    """Social cards for every page of a MkDocs site, rendered by Pictify or a local Chromium."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self._options: dict[str, Any] = {}
        self._settings: Settings | None = None
        self._site: SiteInfo | None = None
        # Kept across `mkdocs serve` rebuilds: a dirty rebuild reads only changed pages, and the
        # cards of the others must not be dropped (or pruned as stale) because of it.
        self._records: dict[str, PageRecord] = {}
        self._report: BuildReport | None = None
        self._cards: CardBuild | None = None
        # Where each page's HTML went, for writing its tags again when its card failed.
        self._written: dict[str, str] = {}
        self._sources: list[Path] = []  # the site's page files, as on_files listed them
        # Writes each page's tags as its template renders; the blocks it wrote, by page.
        self._head_slot: HeadSlot | None = None
        self._blocks: dict[str, str] = {}
        self._logs = ExitStack()  # the core's log forwarding, open while cards render
        self._serving = False
        self._stack: ExitStack | None = None
        self._pipeline: Pipeline | None = None
        self._pipeline_key: tuple[Settings, Path] | None = None

    # -- configuration ---------------------------------------------------------------------

    def load_config(
        self, options: dict[str, Any], config_file_path: str | None = None
    ) -> tuple[Any, Any]:
        """Remember the options as written, so only those reach the core (not MkDocs' defaults).

        Unknown names are left out of MkDocs' own validation: the core reports them, with a
        "did you mean", as the one error of the build; MkDocs would add a second message.
        """
        self._options = dict(options)
        known = {name: value for name, value in options.items() if name in Settings.model_fields}
        return super().load_config(known, config_file_path)

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        """Note whether this is ``mkdocs serve``: then one pipeline lives across rebuilds.

        MkDocs keeps one instance of a plugin with startup/shutdown events for the whole
        process, so a new session also starts from an empty set of pages.
        """
        self._serving = command == "serve"
        self._records = {}

    def on_shutdown(self) -> None:
        """Close the pipeline (client, cache, local server) at the end of ``mkdocs serve``."""
        self._close_pipeline()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        """Validate the options into the core's settings and describe the site."""
        source = f"{config.config_file_path or 'mkdocs.yml'}: plugins.pictify"
        try:
            settings = Settings.from_mapping(self._options, source=source)
            if settings.enabled:
                # A missing template or fallback file is a configuration mistake: stop here
                # with the path, rather than warn once per build that no card was made.
                settings.check_files(config_dir(config), source=source)
        except SettingsError as error:
            raise PluginError(str(error)) from None
        self._settings = settings
        self._report = None
        self._cards = None
        self._written = {}
        self._head_slot = None
        self._blocks = {}
        if not self._serving:
            self._records = {}
        if not settings.enabled:
            log.debug("disabled by the 'enabled' option; no cards this build")
            return config
        self._site = site_info(config, serving=self._serving)
        if material_social_enabled(config):
            log.warning(
                "mkdocs-material's social plugin is enabled too: both would write og:image tags. "
                "Disable it (plugins: - social: {cards: false}) or remove the pictify plugin."
            )
        self._check_paths(config, settings)
        return config

    def _check_paths(self, config: MkDocsConfig, settings: Settings) -> None:
        """Warn when the plugin would write inside ``docs_dir``: ``mkdocs serve`` would loop."""
        docs_dir = Path(config.docs_dir)
        path = settings.cache_dir
        if not path.is_absolute():
            path = config_dir(config) / path
        if is_inside(path, docs_dir):
            log.warning(
                "cache_dir %s is inside docs_dir: every render would trigger another rebuild "
                "under `mkdocs serve`; move it out (the default is .cache/pictify)",
                path,
            )

    @property
    def options(self) -> dict[str, Any]:
        """The options as written in ``mkdocs.yml`` (what ``on_config`` validates); read by
        ``pictify-ssg preview``, which loads the config without building."""
        return dict(self._options)

    @property
    def last_report(self) -> BuildReport | None:
        """The core's report of the last build (None before ``on_env`` or when disabled)."""
        return self._report

    @property
    def _active(self) -> bool:
        return self._settings is not None and bool(self._settings.enabled)

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        """Let the core start its renderer now if pages changed since the last build: MkDocs
        reads every page before ``on_env``, so a renderer started here is ready by then."""
        if not self._active or self._settings is None or self._site is None:
            return files
        from pictify_ssg.core import BuildError

        sources = [Path(f.abs_src_path) for f in files.documentation_pages() if f.abs_src_path]
        self._sources = []  # noted by prepare() below; else for on_env, should it need them
        if not self._serving and warm_replay.sources_unchanged(
            self._settings, self._site, config_dir(config), sources
        ):
            self._sources = sources
            return files  # as the last build left them: nothing new to render, start nothing
        try:
            # Forwarded: opening the cache may warn (a damaged cache replaced).
            with forward_core_logs(log):
                self._open_pipeline(self._settings, config).prepare(sources, self._site)
        except BuildError as error:
            raise PluginError(str(error)) from None
        return files

    # -- pages ---------------------------------------------------------------------------------

    @event_priority(-100)  # after every other plugin changed the meta (title, description, ...)
    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Snapshot the page for the core once its front matter is final."""
        if not self._active:
            return markdown
        self._records[page.file.src_uri] = page_record(page, config, lang=self._lang())
        return markdown

    def _record_for(self, page: Page, config: MkDocsConfig) -> PageRecord:
        """The page's snapshot; pages a ``--dirty`` build skipped are read from source here.

        Without them the core would see fewer pages and prune their card files as stale,
        while their (unchanged) HTML still points at those files.
        """
        record = self._records.get(page.file.src_uri)
        if record is None:
            if page.markdown is None:
                page.read_source(config)
            record = self._records[page.file.src_uri] = page_record(page, config, lang=self._lang())
        return record

    def _lang(self) -> str | None:
        return self._site.lang if self._site is not None else None

    def on_env(
        self, env: Environment, /, *, config: MkDocsConfig, files: Files
    ) -> Environment | None:
        """Render (or fetch from the cache) every card of the site in one core build."""
        if not self._active or self._settings is None or self._site is None:
            return env
        from pictify_ssg.core import BuildError

        pages = [
            self._record_for(file.page, config)
            for file in files.documentation_pages()
            if file.page is not None
        ]
        # The core logs its warnings (and report.warnings holds the same): forwarding the log is
        # what makes them visible and counted by --strict, once each. It stays open until the
        # cards rendering in the background are done (on_post_build).
        self._logs.enter_context(forward_core_logs(log))
        self._head_slot = HeadSlot(env)
        if not self._serving:
            # Inputs exactly as the last build's: its outcome again, without the pipeline.
            replayed = warm_replay.replay(self._settings, self._site, pages, config_dir(config))
            if replayed is not None:
                self._report = replayed
                self._logs.close()
                return env
        try:
            pipeline = self._open_pipeline(self._settings, config)
            if self._sources:  # prepare() was skipped: the snapshot still needs them
                pipeline.remember_sources(self._sources)
            self._cards = pipeline.start(
                pages, self._site, last=not self._serving, snapshot=not self._serving
            )
        except BuildError as error:
            self._logs.close()
            raise PluginError(str(error)) from None
        except BaseException:
            self._logs.close()
            raise
        self._report = self._cards.report
        if not self._cards.pending:
            self._logs.close()
        if self._settings.gallery:
            log.info("card gallery: %s", self._gallery_location(config))
        return env

    def _gallery_location(self, config: MkDocsConfig) -> str:
        assert self._settings is not None
        page = f"{self._settings.output_dir}/index.html"
        if self._serving and config.site_url:
            return urljoin(config.site_url, page)  # the local address `mkdocs serve` uses
        return str(Path(config.site_dir) / page)

    def _card(self, page: Page) -> CardResult | None:
        if self._report is None:
            return None
        return self._report.cards.get(page.file.src_uri)

    def _give_card(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        """Give themes the card: ``page.meta.image`` (its URL) and ``page.meta.pictify_card``."""
        card = self._card(page)
        if card is None:
            return context
        original = page.meta.get(IMAGE_META_KEY)
        if original is not None and original != card.url:
            page.meta[ORIGINAL_IMAGE_META_KEY] = original
        page.meta[IMAGE_META_KEY] = card.url
        page.meta[CARD_META_KEY] = {
            "url": card.url,
            "width": card.width,
            "height": card.height,
            "type": card.type,
            "alt": card.alt,
            "origin": card.origin,
        }
        return context

    @event_priority(-100)  # the last hook before MkDocs renders the page's template
    def _arm_head_slot(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        """Have the page's tags written into its ``<head>`` as its template renders."""
        if self._head_slot is None:
            return context
        card = self._card(page)
        block = self._head_slot.arm(card.tags if card is not None else ())
        if block is not None:
            self._blocks[page.file.src_uri] = block
        return context

    on_page_context = CombinedEvent(_give_card, _arm_head_slot)

    @event_priority(-100)  # after other plugins edited the HTML, so our tags are the last word
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        """Write the card's tags into ``<head>``, replacing the theme's image tags."""
        if self._cards is not None and self._cards.pending:
            self._written[page.file.src_uri] = page.file.abs_dest_path
        block = self._blocks.pop(page.file.src_uri, None)
        card = self._card(page)
        if card is None:
            return output
        # Written as the page rendered (see on_env), and checked then or here: never copied.
        slot = self._head_slot
        if (
            block is not None
            and slot is not None
            and (slot.wrote(output) or has_tag_block(output, card.tags, block))
        ):
            return output
        return inject_meta_tags(output, card.tags)

    # -- serve and lifecycle -------------------------------------------------------------------

    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer | None:
        """Rebuild when the card template changes (it usually lives outside ``docs_dir``)."""
        template_file = self._settings.template_file if self._settings else None
        if template_file is not None:
            path = template_file
            if not path.is_absolute():
                path = config_dir(config) / path
            if path.exists():
                server.watch(str(path))
        return server

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Wait for the cards still rendering and rewrite the tags of pages whose card failed;
        close the pipeline after a one-off build (``mkdocs serve`` keeps it)."""
        try:
            self._finish_cards()
        finally:
            if not self._serving:
                self._close_pipeline()

    def _finish_cards(self) -> None:
        cards = self._cards
        if cards is None or not cards.pending:
            return
        from pictify_ssg.core import BuildError

        try:
            self._report = cards.wait()
        except BuildError as error:
            raise PluginError(str(error)) from None
        finally:
            self._logs.close()
        self._rewrite(cards.changed())

    def _rewrite(self, changed: dict[str, CardResult | None]) -> None:
        """Write the final tags into pages written with a card that then failed."""
        for key, card in sorted(changed.items()):
            path = self._written.get(key)
            if path is None:
                continue
            target = Path(path)
            try:
                html = target.read_bytes().decode("utf-8")  # as MkDocs wrote it: no newline
                new = inject_meta_tags(html, card.tags if card else ())  # translation
                target.write_bytes(new.encode("utf-8"))
            except OSError as exc:
                log.warning("cannot write the card tags of page '%s' into %s: %s", key, path, exc)

    def on_build_error(self, *, error: Exception) -> None:
        """Stop rendering and close the pipeline when the build fails (outside ``mkdocs
        serve``, where the next rebuild starts afresh)."""
        if self._cards is not None:
            self._cards.cancel()
        self._logs.close()
        if not self._serving:
            self._close_pipeline()

    def _open_pipeline(self, settings: Settings, config: MkDocsConfig) -> Pipeline:
        key = (settings, config_dir(config))
        if self._pipeline is not None and self._pipeline_key == key:
            return self._pipeline
        # Changed options under `mkdocs serve` need a pipeline built from them.
        self._close_pipeline()
        from pictify_ssg.core import Pipeline  # the heavy part of the core, loaded on first use

        stack = ExitStack()
        self._pipeline = stack.enter_context(Pipeline(settings, config_dir=key[1]))
        self._stack = stack
        self._pipeline_key = key
        return self._pipeline

    def _close_pipeline(self) -> None:
        stack, self._stack = self._stack, None
        self._pipeline = None
        self._pipeline_key = None
        if stack is not None:
            with forward_core_logs(log):
                stack.close()
