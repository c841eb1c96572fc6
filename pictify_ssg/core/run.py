"""One build: collect -> variables -> fingerprint -> cache -> render -> publish -> report."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pictify_ssg.core.backend import BackendChoice, ServiceOpener
from pictify_ssg.core.cards import (
    Card,
    load_card,
    load_cards,
    publish_card_file,
    read_image,
    record_key,
    replace_image,
    save_card,
    sweep_card_files,
)
from pictify_ssg.core.errors import BuildError, PageError
from pictify_ssg.core.fingerprint import card_fingerprint, sha256_bytes
from pictify_ssg.core.gallery import write_gallery
from pictify_ssg.core.local_templates import load_local_template
from pictify_ssg.core.markup import inline_html
from pictify_ssg.core.overrides import PageOverrides, read_overrides
from pictify_ssg.core.planner import RenderJob
from pictify_ssg.core.png_optimize import optimize_png
from pictify_ssg.core.publish import (
    Fallback,
    card_file_name,
    check_own_image,
    explicit_image_url,
    meta_tags,
    mime_type,
    mime_type_for,
    prepare_fallback,
    public_url,
    remove_stale,
)
from pictify_ssg.core.records import PageRecord, SiteInfo
from pictify_ssg.core.rendering import Renderer, RenderOptions, RenderOutcome
from pictify_ssg.core.report import BuildReport, Outcome, Progress
from pictify_ssg.core.results import CardResult, Origin
from pictify_ssg.core.selection import selected
from pictify_ssg.core.service import Rendered, Service, explain_error
from pictify_ssg.core.settings import Settings, resolve_path
from pictify_ssg.core.site_files import SiteFolders
from pictify_ssg.core.store import Store
from pictify_ssg.core.template_help import check_template_variables
from pictify_ssg.core.templates import (
    TemplateVersion,
    ensure_remote_copy,
    file_record_key,
    read_remote_version,
    version_key,
)
from pictify_ssg.core.text import shorten
from pictify_ssg.core.variables import (
    DEFAULT_VARIABLES,
    card_context,
    merge_expressions,
    render_variables,
)

log = logging.getLogger("pictify_ssg")
#: The build's summary line, on its own logger so adapters recognise it by the record's logger
#: name instead of by its wording. A child of ``pictify_ssg``: it still propagates there, so
#: an adapter forwarding ``pictify_ssg`` (MkDocs) shows it like before.
summary_log = logging.getLogger("pictify_ssg.summary")

#: Cards to render from which encoding moves to worker processes (see BuildRun._encode).
PROCESS_POOL_MIN_CARDS = 64

#: Why a cached card found at lookup could not be published (its bytes went in between).
VANISHED = "its cached image disappeared from the card cache during the build"


@dataclass(frozen=True)
class _TemplateRef:
    kind: str  # "uid" | "file" | "layout"
    value: str  # uid, absolute file path, or layout name
    what: str  # for messages: the setting or page asking for it
    page_named: bool = False  # a file the page named: read under the untrusted-content rules

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.value}"

    @property
    def label(self) -> str:
        """The design, as the gallery names it."""
        if self.kind == "file":
            return Path(self.value).name
        return f"{self.kind if self.kind == 'layout' else 'template'} {self.value}"


@dataclass
class _Entry:
    page: PageRecord
    overrides: PageOverrides
    template: _TemplateRef
    title: str
    description: str
    fingerprint: str = ""
    variables: dict[str, str] | None = None
    error: str | None = None
    """Why this page cannot get a new card (bad front matter, template, variable)."""


class BuildRun:
    """The state of one build. Created by :class:`~pictify_ssg.core.Pipeline` per ``build()``."""

    def __init__(
        self,
        settings: Settings,
        site: SiteInfo,
        *,
        config_dir: Path,
        choice: BackendChoice,
        opener: ServiceOpener,
        store: Store,
        warn: Callable[[str], None],
    ) -> None:
        self.s = settings
        self.site = site
        self.config_dir = config_dir
        self.choice = choice
        self.opener = opener
        self.store = store
        self.report = BuildReport(backend=choice.kind)
        self._warn_sink = warn
        self.site_url = settings.site_url or site.url
        self.variant = site.variant or ""
        self.out_dir = site.output_dir / settings.output_dir
        self.used_keys: set[str] = set()
        self.templates: dict[str, TemplateVersion] = {}
        self.template_errors: dict[str, str] = {}
        self.service: Service | None = None
        self.rendered: set[str] = set()
        self.kept: dict[str, Card] = {}  # fingerprint -> card rendered and stored this build
        self._executor: Executor | None = None  # for encoding cards
        self.file_sizes: dict[str, int] = {}  # card file name -> bytes, published this build
        self.oversized: dict[str, int] = {}  # page key -> bytes of its card file, over the limit
        self._default: _TemplateRef | None = None
        # Filled by plan(), used by complete().
        self._start = 0.0
        self._pages: Sequence[PageRecord] = ()
        self._entries: list[_Entry] = []
        self._cards: dict[str, Card] = {}
        self._missing: list[_Entry] = []
        self.folders = SiteFolders.of(
            config_dir,
            [
                *(site.source_dirs or (config_dir,)),
                *(resolve_path(config_dir, folder) for folder in settings.allowed_dirs),
            ],
        )

    # -- helpers ------------------------------------------------------------------------------

    def warn(self, message: str) -> None:
        if message not in self.report.warnings:
            self.report.warnings.append(message)
            self._warn_sink(message)

    def _outcome(self, page: PageRecord, outcome: Outcome) -> None:
        self.report.outcomes[page.key] = outcome

    def _resolve_path(self, value: str | Path) -> Path:
        return resolve_path(self.config_dir, value)

    def _default_template(self) -> _TemplateRef:
        if self._default is None:
            self._default = self._find_default_template()
        return self._default

    def _find_default_template(self) -> _TemplateRef:
        if self.s.template:
            return _TemplateRef("uid", self.s.template, "option 'template'")
        if self.s.template_file:
            path = self._resolve_path(self.s.template_file)
            return _TemplateRef("file", str(path), "option 'template_file'")
        return _TemplateRef("layout", self.s.layout, "option 'layout'")

    def _template_for(self, page: PageRecord, overrides: PageOverrides) -> _TemplateRef:
        if overrides.template_file:
            # Page content is untrusted: the file must be inside the site (see site_files).
            path = self.folders.page_file(
                overrides.template_file, page=page.key, option="pictify.template_file"
            )
            return _TemplateRef("file", str(path), "'pictify.template_file'", page_named=True)
        if overrides.template:
            return _TemplateRef("uid", overrides.template, "'pictify.template'")
        if overrides.layout:
            return _TemplateRef("layout", overrides.layout, f"page '{page.key}': 'pictify.layout'")
        return self._default_template()

    async def _service(self, renders: int | None = None) -> Service:
        """The service, opened on first need; ``renders``: the cards about to be rendered
        (``None`` when unknown), so the opener can size a local server to the work."""
        if self.service is None:
            self.service = await self.opener.open(renders=renders)
        return self.service

    # -- the build ----------------------------------------------------------------------------

    async def run(self, pages: Sequence[PageRecord]) -> BuildReport:
        """The whole build: :meth:`plan`, then :meth:`complete`."""
        await self.plan(pages)
        return await self.complete()

    async def plan(self, pages: Sequence[PageRecord]) -> None:
        """Everything up to rendering: pages, templates, fingerprints, cache lookups."""
        self._start = time.monotonic()
        self._pages = pages
        self._entries = self._collect(pages)
        await self._resolve_templates(self._entries)
        self._fingerprint(self._entries)
        self._cards, self._missing = self._lookup(self._entries)

    @property
    def to_render(self) -> int:
        """Distinct cards :meth:`complete` will render (known after :meth:`plan`)."""
        return len(self._missing)

    def provisional(self) -> BuildReport:
        """The results as they will be when every missing card renders, before rendering.

        A card's file name comes from its fingerprint, so its URL and tags are known before
        it exists: the site generator writes its pages with these while the cards render.
        Pages whose card then fails differ in :meth:`complete`'s report, and are rewritten.
        Pages that already failed (bad front matter) have no card here.
        """
        report = BuildReport(backend=self.report.backend)
        report.cards.update(self.report.cards)  # explicit images, known at collection
        fmt = self.s.format
        for entry in self._entries:
            if entry.error is not None or not entry.fingerprint:
                continue
            card = self._cards.get(entry.fingerprint)
            if card is None:
                card = Card(entry.fingerprint, None, self.s.width, self.s.height, fmt)
            name = card_file_name(card.fingerprint, card.format)
            url = public_url(self.site_url, entry.page, f"{self.s.output_dir}/{name}")
            origin: Origin = "cached" if entry.fingerprint in self._cards else "rendered"
            report.cards[entry.page.key] = self._result(entry, card, url, origin)
        return report

    async def complete(self) -> BuildReport:
        """Render what is missing, publish every card and report (after :meth:`plan`)."""
        cards = dict(self._cards)
        failures: dict[str, str] = {}
        try:
            if self._missing:
                rendered, failures = await self._render(self._missing)
                cards.update(rendered)
            await self._upgrade_images(cards)
        finally:
            if self._executor is not None:
                self._executor.shutdown(wait=False)
        self._publish(self._pages, self._entries, cards, failures)
        self._finish(self._start)
        return self.report

    def _collect(self, pages: Sequence[PageRecord]) -> list[_Entry]:
        entries: list[_Entry] = []
        for page in pages:
            if not selected(page.source_path, self.s.include, self.s.exclude):
                self._outcome(page, "excluded")
                continue
            problem = page_problem(page)
            template: _TemplateRef | None = None
            try:
                overrides = read_overrides(page.key, page.meta)
                image = overrides.image or page.existing_image
                if image:
                    check_own_image(image, page=page.key)
                elif not problem and overrides.enabled:
                    template = self._template_for(page, overrides)
            except PageError as exc:
                problem = problem or page_reason(page, str(exc))
                overrides = PageOverrides()
            if problem:
                # Bad front matter fails the page like a failed render: it keeps its previous
                # card or gets the fallback image, instead of silently losing its tags.
                title = shorten(page.title, self.s.title_max_length)
                description = shorten(
                    page.description or self.site.description or "", self.s.description_max_length
                )
                entries.append(
                    _Entry(
                        page, overrides, self._default_template(), title, description, error=problem
                    )
                )
                continue
            if not overrides.enabled:
                self._outcome(page, "skipped")
                continue
            title = shorten(overrides.title or page.title, self.s.title_max_length)
            description = overrides.description or page.description
            if not description and self.site.description:
                description = self.site.description
            description = shorten(description, self.s.description_max_length)
            if image:
                self._explicit(page, image, title, description)
                continue
            assert template is not None  # set above for every enabled page without a problem
            entries.append(_Entry(page, overrides, template, title, description))
        return entries

    def _alt(self, title: str) -> str:
        name = self.site.name.strip()
        if name and title and name != title:
            return f"{title} \u2013 {name}"
        return title or name

    def _tags(
        self, page: PageRecord, url: str, width: int, height: int, mime: str, title: str, desc: str
    ) -> tuple[Any, ...]:
        if not self.s.meta_tags:
            return ()
        return meta_tags(
            image_url=url,
            width=width,
            height=height,
            type=mime,
            alt=self._alt(title),
            page=page,
            site=self.site,
            site_url=self.site_url,
            title=title,
            description=desc,
        )

    def _explicit(self, page: PageRecord, image: str, title: str, description: str) -> None:
        url = explicit_image_url(self.site_url, page, image)
        mime = mime_type_for(url)
        self.report.cards[page.key] = CardResult(
            url=url,
            width=0,
            height=0,
            type=mime,
            alt=self._alt(title),
            origin="explicit",
            tags=self._tags(page, url, 0, 0, mime, title, description),
        )
        self._outcome(page, "explicit")

    # -- templates ----------------------------------------------------------------------------

    async def _resolve_templates(self, entries: Sequence[_Entry]) -> None:
        refs = {e.template.key: e.template for e in entries if e.error is None}
        for key, ref in refs.items():
            result = await self._template(ref)
            if isinstance(result, str):
                self.template_errors[key] = result
            else:
                self.templates[key] = result
        page_names = {name for e in entries for name in e.overrides.variables}
        check_template_variables(self.templates.values(), self.s, page_names, self.warn)

    async def _template(self, ref: _TemplateRef) -> TemplateVersion | str:
        """The template version, or an error message for its pages."""
        try:
            if ref.kind in ("file", "layout"):
                return load_local_template(ref, self.s, self.site, self.folders, self.warn)
            return await self._remote_template(ref)
        except PageError as exc:
            return str(exc)

    async def _remote_template(self, ref: _TemplateRef) -> TemplateVersion:
        identity = self.choice.identity
        version, remembered = await read_remote_version(
            self._service,
            self.store,
            identity=identity,
            uid=ref.value,
            what=ref.what,
            warn=self.warn,
        )
        if remembered:
            self.used_keys.add(version_key(identity, ref.value))
        return version

    # -- fingerprints and cache ---------------------------------------------------------------

    def _fingerprint(self, entries: list[_Entry]) -> None:
        for entry in entries:
            if entry.error is not None:
                continue
            key = entry.template.key
            template = self.templates.get(key)
            if template is None:
                entry.error = self.template_errors.get(key, "template unavailable")
                continue
            expressions = merge_expressions(
                DEFAULT_VARIABLES, self.s.variables, entry.overrides.variables
            )
            if template.variables is not None:
                # Only what the design reads: unrelated page changes keep the cached card.
                expressions = {k: v for k, v in expressions.items() if k in template.variables}
            page_ctx, site_ctx = card_context(
                entry.page, entry.title, entry.description, self.site, self.site_url
            )
            try:
                variables = render_variables(
                    expressions, page=page_ctx, site=site_ctx, page_key=entry.page.key
                )
            except PageError as exc:
                entry.error = page_reason(entry.page, str(exc))
                continue
            raw = template.raw_variables
            # Page text printed with {{{ }}} could carry live markup: keep inline formatting only.
            entry.variables = {
                name: inline_html(value) if raw is None or name in raw else value
                for name, value in variables.items()
            }
            entry.fingerprint = card_fingerprint(
                service=self.choice.identity,
                template=self._template_identity(template),
                variables=entry.variables,
                width=self.s.width,
                height=self.s.height,
                format=self.s.format,
                quality=self.s.quality,
                # Only a non-default mode counts: the default keeps existing fingerprints (cards
                # cached before optimisation are optimised in place, not rendered again).
                options={"png_optimize": self.s.png_optimize}
                if self.s.format == "png" and self.s.png_optimize != "palette"
                else None,
            )

    def _template_identity(self, template: TemplateVersion) -> dict[str, str]:
        """What of the template goes into fingerprints: with hosts the local renderer may
        fetch from, a card can look different (web fonts), so they count too. Left out when
        empty, so fingerprints of sites without them stay as they were."""
        if self.choice.kind != "local" or not self.s.renderer_hosts:
            return template.identity
        return {**template.identity, "renderer_hosts": ",".join(sorted(self.s.renderer_hosts))}

    def _cached(self, fingerprint: str) -> Card | None:
        card = load_card(self.store, fingerprint, need_bytes=self.choice.hosting == "site")
        if card is not None:
            self.used_keys.add(record_key(fingerprint))
        return card

    def _lookup(self, entries: Sequence[_Entry]) -> tuple[dict[str, Card], list[_Entry]]:
        wanted = list(dict.fromkeys(e.fingerprint for e in entries if e.fingerprint))
        # One query per 900 cards, not one per page (see Store.get_json_many).
        cards = load_cards(self.store, wanted, need_bytes=self.choice.hosting == "site")
        self.used_keys.update(record_key(fp) for fp in cards)
        missing: list[_Entry] = []
        seen: set[str] = set()
        for entry in entries:
            fp = entry.fingerprint
            if fp and fp not in cards and fp not in seen:
                seen.add(fp)
                missing.append(entry)  # one entry per distinct missing fingerprint
        return cards, missing

    # -- rendering ----------------------------------------------------------------------------

    async def _render(self, missing: list[_Entry]) -> tuple[dict[str, Card], dict[str, str]]:
        failures: dict[str, str] = {}
        if self.choice.kind == "skip":
            return {}, {e.fingerprint: "rendering is off (backend: skip)" for e in missing}
        try:
            # `missing` holds one entry per distinct fingerprint (see _lookup).
            service = await self._service(renders=len(missing))
        except Exception as exc:  # noqa: BLE001 - cannot open the service: every miss fails
            # Reported once, by the per-problem warning at the end of the build.
            message = f"cannot start the {self.choice.kind} renderer: {exc}"
            return {}, {e.fingerprint: message for e in missing}
        uids: dict[str, str] = {}
        for key in {e.template.key for e in missing}:
            template = self.templates[key]
            uid = await self._prepare_template(service, template)
            if isinstance(uid, Exception):
                message = explain_error(uid)
                if _is_unreachable(uid):
                    message = (
                        f"{message}; check that the service is running and that base_url "
                        "(or PICTIFY_BASE_URL) points at it"
                    )
                elif not _is_account_error(uid):
                    # Name the file: a Handlebars error is only useful next to its template.
                    name = f" {template.path}" if template.path is not None else ""
                    message = f"the card template{name} was refused: {message}"
                failures.update({e.fingerprint: message for e in missing if e.template.key == key})
            else:
                uids[key] = uid
        jobs = [
            RenderJob(e.fingerprint, e.template.key, e.variables or {})
            for e in missing
            if e.template.key in uids
        ]
        outcome = await self._render_jobs(service, uids, jobs)
        gone = {k for k in outcome.gone_templates if self.templates[k].path is not None}
        if gone:
            # The remote copy of a file template was deleted on the service: upload the file
            # again and render its cards once more, instead of failing until the cache is wiped.
            await self._reupload(service, gone, uids)
            again = [j for j in jobs if j.template_key in gone and j.fingerprint in outcome.failed]
            retried = await self._render_jobs(service, uids, again)
            outcome.done.update(retried.done)
            for fingerprint in retried.done:
                outcome.failed.pop(fingerprint, None)
            outcome.failed.update(retried.failed)
        failures.update(outcome.failed)
        self.rendered.update(outcome.done)
        return {fp: self.kept[fp] for fp in outcome.done if fp in self.kept}, failures

    async def _reupload(self, service: Service, keys: set[str], uids: dict[str, str]) -> None:
        for key in keys:
            template = self.templates[key]
            assert template.path is not None
            self.store.delete(file_record_key(service.identity, service.account, template.path))
            uid = await self._prepare_template(service, template)
            if not isinstance(uid, Exception):
                uids[key] = uid

    async def _render_jobs(
        self, service: Service, uids: Mapping[str, str], jobs: Sequence[RenderJob]
    ) -> RenderOutcome:
        options = RenderOptions(
            format=self.s.format,
            quality=self.s.quality,
            width=self.s.width,
            height=self.s.height,
            mode=self.s.render_mode,
            direct_threshold=self.s.direct_threshold,
            batch_size=self.s.batch_size,
            concurrency=self.s.concurrency,
            timeout=self.s.timeout,
            download=self.choice.hosting == "site",
        )
        progress = Progress(len({j.fingerprint for j in jobs}))
        renderer = Renderer(service, self.store, uids, options, progress.advance, self._keep)
        try:
            outcome = await renderer.run(jobs)
        finally:
            progress.close()
        for message in outcome.warnings:
            self.warn(message)
        self.report.batches += outcome.batches
        self.report.direct_renders += outcome.direct
        return outcome

    async def _prepare_template(
        self, service: Service, template: TemplateVersion
    ) -> str | Exception:
        """The remote uid, or the error (this template's cards fail, others go on)."""
        try:
            uid = await ensure_remote_copy(
                service, self.store, template, width=self.s.width, height=self.s.height
            )
        except Exception as exc:  # noqa: BLE001 - reported per page by the caller
            return exc
        if template.path is not None:
            self.used_keys.add(file_record_key(service.identity, service.account, template.path))
        return uid

    async def _keep(self, fingerprint: str, card: Rendered) -> str | None:
        """Optimise and store a rendered card as soon as it arrives (only successes are ever
        stored); ``None`` when kept, else why it cannot be used."""
        optimized = None
        if card.data is not None and self.s.format == "png":
            data = await self._encode(card.data)
            card = Rendered(card.url, card.width, card.height, data)
            optimized = self.s.png_optimize
        saved = save_card(self.store, fingerprint, card, format=self.s.format, optimized=optimized)
        if card.data is not None and not saved.has_bytes:
            return "the renderer's answer is not a PNG, JPEG or WebP image"
        self.kept[fingerprint] = saved
        return None

    async def _encode(self, data: bytes) -> bytes:
        """The optimised PNG, encoded while the renderer works on the next cards.

        A few cards are encoded on a worker thread. Many cards go to worker processes: the
        embedded renderer's server, the HTTP client and the site generator are Python in this
        process, and Pillow's quantiser holds the GIL, so threads left the second core idle.
        """
        if self._executor is None:
            cores = os.cpu_count() or 1
            if len(self._missing) >= PROCESS_POOL_MIN_CARDS and cores > 1:
                # Spawned, not forked: this process runs threads (event loop, local server).
                self._executor = ProcessPoolExecutor(
                    max(1, min(4, cores // 2)), mp_context=multiprocessing.get_context("spawn")
                )
            else:
                workers = max(1, min(4, cores))
                self._executor = ThreadPoolExecutor(workers, thread_name_prefix="pictify-encode")
        loop = asyncio.get_running_loop()
        mode = self.s.png_optimize
        result = await loop.run_in_executor(self._executor, optimize_png, data, mode)
        return result.data

    async def _upgrade_images(self, cards: dict[str, Card]) -> None:
        """Optimise PNG cards cached before cards were optimised (once; no render needed)."""
        if self.s.png_optimize == "off":
            return
        old = [c for c in cards.values() if c.has_bytes and c.format == "png" and not c.optimized]

        async def upgrade(card: Card) -> None:
            data = read_image(self.store, card)
            if data is not None:
                smaller = await self._encode(data)
                cards[card.fingerprint] = replace_image(
                    self.store, card, smaller, optimized=self.s.png_optimize
                )

        await asyncio.gather(*(upgrade(card) for card in old))

    def _check_size(self, page: PageRecord, name: str) -> None:
        """Note a page whose card file is over ``size_warning_kb``: every build checks every
        published card, cached or new, so the warning (and ``--strict``) does not depend on
        the state of the cache."""
        limit = self.s.size_warning_kb * 1024
        if not limit:
            return
        size = self.file_sizes.get(name)
        if size is None:
            try:
                size = self.file_sizes[name] = (self.out_dir / name).stat().st_size
            except OSError:
                return
        if size > limit:
            self.oversized[page.key] = size

    # -- publishing ---------------------------------------------------------------------------

    def _page_record_key(self, page: PageRecord) -> str:
        # The site's name and URL are in the key: an absolute cache_dir shared by two projects
        # must not hand one site's "previous card" to the other's page of the same name.
        # (Not the config path: it differs between a laptop and CI restoring the same cache.)
        site = sha256_bytes(f"{self.site.name}\0{self.site_url or ''}".encode())[:12]
        return f"page:{site}:{self.variant}:{page.key}"

    def _previous(self, page: PageRecord) -> Card | None:
        record = self.store.get_json(self._page_record_key(page))
        if isinstance(record, dict) and isinstance(record.get("fingerprint"), str):
            return self._cached(str(record["fingerprint"]))
        return None

    def _publish(
        self,
        pages: Sequence[PageRecord],
        entries: Sequence[_Entry],
        cards: dict[str, Card],
        failures: dict[str, str],
    ) -> None:
        written: set[str] = set()
        sources: dict[str, str] = {}
        page_records: dict[str, object] = {}
        fallback = self._fallback(written)
        stored = self.store.get_json_many(self._page_record_key(e.page) for e in entries)
        for entry in entries:
            page = entry.page
            card = cards.get(entry.fingerprint) if entry.error is None else None
            url = self._card_url(page, card, written, sources) if card is not None else None
            origin: Origin
            if card is not None and url is not None:
                origin = "rendered" if entry.fingerprint in self.rendered else "cached"
                key = self._page_record_key(page)
                record = {"fingerprint": card.fingerprint}
                # A warm build must not rewrite every page's record: only changed ones are
                # written; unchanged ones are kept alive by the touch at the end of the build.
                if stored.get(key) != record:
                    page_records[key] = record
                else:
                    self.used_keys.add(key)
            else:
                # Every failed page takes the same way out, whatever failed: its previous card,
                # else the fallback image, else no card (and the failure is reported).
                if entry.error is not None:
                    message = entry.error
                elif card is not None:
                    message = VANISHED
                else:
                    message = failures.get(entry.fingerprint, "not rendered")
                skipping = self.choice.kind == "skip" and entry.error is None and card is None
                if not skipping:
                    self.report.failed.append((page.key, message))
                card = self._previous(page)
                origin = "previous"
                url = self._card_url(page, card, written, sources) if card is not None else None
                if card is None or url is None:
                    if fallback is not None:
                        self._use_fallback(entry, fallback, sources)
                        continue
                    self._outcome(page, "skipped" if skipping else "failed")
                    continue
            self.report.cards[page.key] = self._result(entry, card, url, origin)
            self._outcome(page, origin)
        if page_records:
            self.store.set_json_many(page_records)
        if self.choice.hosting == "site":
            self._remove_stale(written)
        if self.s.gallery:
            write_gallery(
                self.out_dir / "index.html",
                site_name=self.site.name,
                output_dir=self.s.output_dir,
                pages=pages,
                cards=self.report.cards,
                sources=sources,
                designs={e.page.key: e.template.label for e in entries},
            )

    def _result(self, entry: _Entry, card: Card, url: str, origin: Origin) -> CardResult:
        mime = mime_type(card.format)
        page = entry.page
        return CardResult(
            url=url,
            width=card.width,
            height=card.height,
            type=mime,
            alt=self._alt(entry.title),
            origin=origin,
            tags=self._tags(
                page, url, card.width, card.height, mime, entry.title, entry.description
            ),
            fingerprint=card.fingerprint,
        )

    def _card_url(
        self, page: PageRecord, card: Card, written: set[str], sources: dict[str, str]
    ) -> str | None:
        """The card's public URL, its file published first (``None``: its bytes are gone)."""
        if self.choice.hosting == "pictify" and card.url:
            return card.url
        name = card_file_name(card.fingerprint, card.format)
        if name not in written:
            # Streamed from the store one card at a time (never all cards in memory at once).
            if publish_card_file(self.store, card, self.out_dir / name) is None:
                return None
            written.add(name)
            if card.size:
                self.file_sizes[name] = card.size
        sources[page.key] = name
        self._check_size(page, name)
        if not self.site_url:
            self.warn(
                "pictify: site_url is not set, so card URLs are relative; social platforms need "
                "absolute URLs: set site_url (MkDocs) / SITEURL (Pelican) or the site_url option"
            )
        return public_url(self.site_url, page, f"{self.s.output_dir}/{name}")

    def _fallback(self, written: set[str]) -> Fallback | None:
        value = self.s.fallback_image
        if not value:
            return None
        is_url = "://" in value or value.startswith("//")
        try:
            fallback = prepare_fallback(
                value if is_url else self._resolve_path(value), self.out_dir, self.s.output_dir
            )
        except OSError as exc:
            self.warn(f"pictify: cannot use fallback_image {value!r}: {exc}")
            return None
        if fallback.file_name:
            written.add(fallback.file_name)
        return fallback

    def _use_fallback(self, entry: _Entry, fallback: Fallback, sources: dict[str, str]) -> None:
        page = entry.page
        target = fallback.target
        url = target if "://" in target else public_url(self.site_url, page, target)
        if fallback.file_name:
            sources[page.key] = fallback.file_name
        self.report.cards[page.key] = CardResult(
            url=url,
            width=fallback.width,
            height=fallback.height,
            type=fallback.type,
            alt=self._alt(entry.title),
            origin="fallback",
            tags=self._tags(
                page,
                url,
                fallback.width,
                fallback.height,
                fallback.type,
                entry.title,
                entry.description,
            ),
        )
        self._outcome(page, "fallback")

    def _remove_stale(self, written: set[str]) -> None:
        """Delete card files no page of this variant uses, sparing other variants' files."""
        record_key = f"published:{self.out_dir.resolve()}"
        record = self.store.get_json(record_key)
        claims: dict[str, Any] = dict(record) if isinstance(record, dict) else {}
        claims[self.variant] = sorted(written)
        unchanged = claims == record
        keep = set(written)
        for variant, names in claims.items():
            if variant != self.variant and isinstance(names, list):
                keep.update(str(n) for n in names)
        removed = remove_stale(self.out_dir, keep)
        if removed:
            log.debug("pictify: removed %d stale card file(s)", len(removed))
        if unchanged:
            self.used_keys.add(record_key)  # kept alive by the touch, not rewritten
        else:
            self.store.set_json(record_key, claims)

    # -- the end ------------------------------------------------------------------------------

    def _finish(self, start: float) -> None:
        if self.oversized:
            # One line per build, not one per card, naming the pages.
            large = sorted(self.oversized, key=lambda key: (-self.oversized[key], key))
            shown = ", ".join(f"'{key}' ({self.oversized[key] // 1024} KB)" for key in large[:5])
            more = f" and {len(large) - 5} more" if len(large) > 5 else ""
            self.warn(
                f"pictify: {len(large)} card(s) are over {self.s.size_warning_kb} KB: "
                f"{shown}{more}; some platforms show no preview for large images, and "
                "'format: jpeg' or a flatter design makes much smaller files "
                "(size_warning_kb: 0 silences this)"
            )
        if self.service is not None:
            self.report.api_calls.update(self.service.calls)
            self.service.calls.clear()
        if self.used_keys:
            self.store.touch(sorted(self.used_keys))
        removed = self.store.prune()
        if self.choice.hosting == "site":
            sweep_card_files(self.store, records_removed=removed)
        self.report.duration = time.monotonic() - start
        # The message is exactly the summary line (no arguments): adapters that show it their
        # own way take record.getMessage() as is.
        summary_log.info(self.report.summary_line)
        # One line per distinct problem: a bad template or key must not print a line per page.
        by_message: dict[str, list[str]] = {}
        for key, message in self.report.failed:
            by_message.setdefault(message, []).append(key)
        lines = []
        for message, keys in by_message.items():
            shown = ", ".join(f"'{k}'" for k in keys[:3]) + (", ..." if len(keys) > 3 else "")
            pages = f"page {shown}" if len(keys) == 1 else f"{len(keys)} pages ({shown})"
            lines.append((pages, message))
        if self.report.failed and self.s.on_error == "fail":
            listing = "\n".join(f"  - {pages}: {message}" for pages, message in lines)
            raise BuildError(
                f"pictify: {len(self.report.failed)} card(s) could not be made "
                f"(on_error: fail):\n{listing}",
                self.report.failed,
            )
        for pages, message in lines:
            self.warn(f"pictify: no new card for {pages}: {message}")


def _is_unreachable(exc: BaseException) -> bool:
    """No answer at all: a network or address problem, not something wrong with the template."""
    from pictify_ssg.client import exceptions as errors

    return isinstance(exc, errors.APIConnectionError)


def _is_account_error(exc: BaseException) -> bool:
    """A refused key or used-up quota: about the account, not about the template."""
    from pictify_ssg.client import exceptions as errors

    return isinstance(
        exc,
        (errors.AuthenticationError, errors.PermissionDeniedError, errors.QuotaExceededError),
    )


def page_problem(page: PageRecord) -> str | None:
    """A front-matter problem the adapter found while snapshotting the page, if any."""
    return page.problems[0] if page.problems else None


def page_reason(page: PageRecord, message: str) -> str:
    """``message`` without its leading ``page '<key>':``: the warning names the pages itself,
    and identical reasons on many pages are then reported once, not once per page."""
    for prefix in (f"page '{page.key}': ", f"page '{page.key}' "):
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message
