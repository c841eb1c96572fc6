"""The public entry point: :class:`Pipeline` (reusable across builds) and :func:`build`."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from collections.abc import Awaitable, Callable, Iterable, Iterator
from pathlib import Path
from types import TracebackType

from pictify_ssg.core import cache_keys, source_changes
from pictify_ssg.core.backend import BackendChoice, ServiceOpener, choose_backend
from pictify_ssg.core.build_report import BuildReport
from pictify_ssg.core.errors import BuildError, StoreError
from pictify_ssg.core.loop import LoopThread, Running
from pictify_ssg.core.phases.context import BuildContext
from pictify_ssg.core.phases.run import BuildRun
from pictify_ssg.core.records import PageRecord, SiteInfo
from pictify_ssg.core.results import CardResult
from pictify_ssg.core.settings import Settings, resolve_path
from pictify_ssg.core.site_checks import site_warnings
from pictify_ssg.core.site_files import FileState, file_state
from pictify_ssg.core.store import Store

log = logging.getLogger("pictify_ssg")


class Pipeline:
    """Turns page records into cards and meta tags; one instance can serve many builds.

    The cache, the API client and the local server are opened on first need and kept until
    :meth:`close` (``mkdocs serve`` rebuilds reuse them). Use it as a context manager::

        with Pipeline(settings, config_dir=Path("docs-root")) as pipeline:
            report = pipeline.build(pages, site)

    Args:
        settings: Validated settings.
        config_dir: Folder relative settings paths start from (default: ``site.config_dir``
            of the first build).
    """

    def __init__(self, settings: Settings, *, config_dir: Path | None = None) -> None:
        self.settings = settings
        self._config_dir = config_dir
        self._lock = threading.Lock()
        self._loop: LoopThread | None = None
        self._store: Store | None = None
        self._choice: BackendChoice | None = None
        self._opener: ServiceOpener | None = None
        self._warned: set[str] = set()
        self._closed = False
        self._running: CardBuild | None = None
        self._warming: Running[None] | None = None
        self._sources: dict[str, FileState] = {}

    # -- lifecycle ----------------------------------------------------------------------------

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the clients, stop the local server and close the cache (idempotent).

        A build started with :meth:`start` and not waited for is cancelled first.
        """
        running, self._running = self._running, None
        if running is not None:
            running.cancel()
        warming, self._warming = self._warming, None
        if warming is not None:
            # A server still starting would be left running: let the start finish, then stop it.
            warming.result()
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if self._opener is not None and self._loop is not None:
                try:
                    self._loop.run(self._opener.close_clients())
                finally:
                    self._opener.stop_server()
            if self._loop is not None:
                self._loop.close()
            if self._store is not None:
                self._store.close()

    # -- building -----------------------------------------------------------------------------

    def prepare(self, sources: Iterable[Path], site: SiteInfo) -> bool:
        """Start the local renderer in the background when the site's sources changed since
        the last build, before the site generator reads its pages.

        A changed page may need a new card, and the renderer takes a second or more to start:
        started here it is ready when the build gets to its cards. A build with no changed
        file starts nothing (and writes nothing). Calling this is optional; :meth:`start`
        opens the renderer anyway when cards are missing.

        Args:
            sources: The site's page files.
            site: The site about to be built.

        Returns:
            Whether the renderer is being started.
        """
        settings = self.settings
        if not settings.enabled:
            return False
        sources = list(sources)
        self.remember_sources(sources)
        with self._lock:
            if self._closed:
                return False
            config_dir = self._config_dir or site.config_dir
            choice, opener, store = self._open(config_dir)
            if choice.kind != "local" or self._warming is not None or opener.service is not None:
                return False
            template = settings.template_file
            design = [resolve_path(config_dir, template)] if template else []
            key = cache_keys.sources(
                cache_keys.site_id(site.name, settings.site_url or site.url), site.variant or ""
            )
            with _store_errors(store):
                changes = source_changes.look(store, key, sources, design)
            if not changes.any:
                return False
            # Few changed pages mean few cards: a renderer sized for them starts fastest.
            renders = None if changes.first or changes.design else changes.pages
            if self._loop is None:
                self._loop = LoopThread()
            self._warming = self._loop.submit(self._warm_up(opener, renders))
            return True

    def remember_sources(self, sources: Iterable[Path]) -> None:
        """Note the site's page files as they are now, for the snapshot the next build may
        replay (see `warm_replay`); :meth:`prepare` does it too."""
        self._sources = {str(path): file_state(path) for path in sources}

    @staticmethod
    async def _warm_up(opener: ServiceOpener, renders: int | None) -> None:
        try:
            await opener.open(renders=renders)
        except Exception as exc:  # noqa: BLE001 - the build opens it again and reports why
            log.debug("pictify: starting the renderer early failed: %s", exc)

    def build(self, pages: Iterable[PageRecord], site: SiteInfo) -> BuildReport:
        """Make the cards for one site build.

        Args:
            pages: Every page of the build.
            site: The site.

        Returns:
            The report: cards by page key, counts, API calls, failures and warnings.

        Raises:
            BuildError: When cards failed and ``on_error`` is ``"fail"``, or the cache
                cannot be used.
        """
        return self.start(pages, site, background=False).wait()

    def start(
        self,
        pages: Iterable[PageRecord],
        site: SiteInfo,
        *,
        background: bool = True,
        last: bool = False,
        snapshot: bool = False,
    ) -> CardBuild:
        """Begin one site build; cards that need rendering render in the background.

        Everything up to rendering happens before this returns (cache lookups, fingerprints),
        so :attr:`CardBuild.report` already holds every page's card URL and tags: a card's
        file name comes from its fingerprint. The site generator writes its pages with them
        while the cards render, and calls :meth:`CardBuild.wait` at the end of its build;
        pages whose card then failed are listed by :meth:`CardBuild.changed`, to be written
        again. A build with nothing to render (or with cards hosted by Pictify, whose URLs
        come from the service) finishes before this returns.

        Args:
            pages: Every page of the build.
            site: The site.
            background: ``False`` finishes the build before returning.
            last: No build follows on this pipeline (``mkdocs build``, not ``serve``): the
                local renderer is stopped as soon as this build's cards are done, while the
                site generator still writes pages, rather than by :meth:`close`.
            snapshot: Leave this build's outcome for
                :func:`~pictify_ssg.core.warm_replay.replay` (when it can be replayed), for a
                site generator that tries a replay before starting a build.

        Raises:
            BuildError: As :meth:`build`; with ``background``, errors of the rendering part
                are raised by :meth:`CardBuild.wait`.
        """
        page_list = list(pages)
        _check_unique(page_list)
        previous, self._running = self._running, None
        if previous is not None:
            previous.cancel()  # a rebuild under `mkdocs serve` that never waited
        with self._lock:
            if self._closed:
                raise RuntimeError("this Pipeline is closed")
            if not self.settings.enabled:
                report = BuildReport(backend="disabled")
                for page in page_list:
                    report.outcomes[page.key] = "skipped"
                return CardBuild(report)
            # Once per build, not once per pipeline: `mkdocs serve --strict` must fail every
            # rebuild that still has the problem, as MkDocs does for its own warnings.
            self._warned.clear()
            config_dir = self._config_dir or site.config_dir
            choice, opener, store = self._open(config_dir)
            # Problems of the whole site (an http site URL, pages sharing a URL): once each.
            notes = [*choice.warnings, *site_warnings(self.settings, site, page_list)]
            for message in notes:
                self._warn(message)
            run = BuildRun(
                BuildContext.create(
                    self.settings,
                    site,
                    config_dir=config_dir,
                    choice=choice,
                    opener=opener,
                    store=store,
                    warn=self._warn,
                )
            )
            run.sources = self._sources
            run.snapshot = snapshot
            run.notes = notes
            if self._loop is None:
                self._loop = LoopThread()
            with _store_errors(store):
                self._loop.run(run.plan(page_list))
            provisional = None
            if background and run.to_render and choice.hosting == "site":
                provisional = run.provisional()
            work = _then_release(run.complete(), opener) if last else run.complete()
            build = CardBuild(provisional, running=self._loop.submit(work), store=store)
            build.on_cancel = run.cancel
            build.extra_warnings = notes
            if provisional is None:
                build.wait()
            else:
                self._running = build
            return build

    def _open(self, config_dir: Path) -> tuple[BackendChoice, ServiceOpener, Store]:
        if self._choice is None:
            self._choice = choose_backend(self.settings)
        cache_dir = resolve_path(config_dir, self.settings.cache_dir)
        if self._store is None:
            try:
                self._store = Store(cache_dir, max_age_days=self.settings.cache_max_age_days)
            except StoreError as exc:
                raise BuildError(f"pictify: {exc}") from None
        if self._opener is None:
            self._opener = ServiceOpener(self.settings, self._choice, cache_dir)
        return self._choice, self._opener, self._store

    def _warn(self, message: str) -> None:
        # Once per build (see build()): a problem on 400 pages is one line, not 400.
        if message not in self._warned:
            self._warned.add(message)
            log.warning("%s", message)


async def _then_release(work: Awaitable[BuildReport], opener: ServiceOpener) -> BuildReport:
    """``work``, then the local renderer let go (see ``Pipeline.start(last=True)``)."""
    try:
        return await work
    finally:
        opener.release_server()


class CardBuild:
    """One build's cards, possibly still rendering (see :meth:`Pipeline.start`).

    Attributes:
        report: The provisional report while cards render (every page's card as it will be
            when they all succeed), the final one after :meth:`wait`.
    """

    def __init__(
        self,
        report: BuildReport | None,
        *,
        running: Running[BuildReport] | None = None,
        store: Store | None = None,
    ) -> None:
        self.report = report if report is not None else BuildReport()
        self._provisional = report
        self._running = running
        self._store = store
        self._final: BuildReport | None = report if running is None else None
        self.extra_warnings: list[str] = []
        self.on_cancel: Callable[[], None] = lambda: None

    @property
    def pending(self) -> bool:
        """Whether cards are still rendering (:meth:`wait` has not returned yet)."""
        return self._final is None

    def wait(self) -> BuildReport:
        """Wait for the cards, publish them and return the final report.

        Raises:
            BuildError: When cards failed and ``on_error`` is ``"fail"``, or the cache
                failed.
        """
        if self._final is not None:
            return self._final
        assert self._running is not None
        assert self._store is not None
        with _store_errors(self._store):
            report = self._running.result()
        report.warnings[:0] = [w for w in self.extra_warnings if w not in report.warnings]
        self._final = self.report = report
        return report

    def cancel(self) -> None:
        """Stop rendering (cards rendered so far stay cached; nothing is published)."""
        if self._final is None and self._running is not None:
            self._running.cancel()
            self.on_cancel()

    def changed(self) -> dict[str, CardResult | None]:
        """Pages whose card differs from the provisional report, after :meth:`wait`: their
        card failed (now the previous card, the fallback or none) or came out another size.
        The site generator writes these pages' tags again. Empty for a build that finished
        before :meth:`Pipeline.start` returned."""
        if self._provisional is None or self._final is None:
            return {}
        before, after = self._provisional.cards, self._final.cards
        return {
            key: after.get(key)
            for key in before.keys() | after.keys()
            if _differs(before.get(key), after.get(key))
        }


def _differs(before: CardResult | None, after: CardResult | None) -> bool:
    if before is None or after is None:
        return before is not after
    return (before.url, before.tags) != (after.url, after.tags)


@contextlib.contextmanager
def _store_errors(store: Store) -> Iterator[None]:
    """Damage that appeared after the cache was opened and checked, as a clear BuildError."""
    try:
        yield
    except (StoreError, sqlite3.DatabaseError) as exc:
        raise BuildError(
            f"pictify: the card cache at {store.directory} failed ({exc}); delete that "
            "folder to start with an empty cache"
        ) from None


def _check_unique(pages: list[PageRecord]) -> None:
    seen: set[str] = set()
    for page in pages:
        if page.key in seen:
            raise BuildError(f"pictify: two pages share the key {page.key!r}; keys must be unique")
        seen.add(page.key)


def build(pages: Iterable[PageRecord], settings: Settings, site: SiteInfo) -> BuildReport:
    """Make the cards of one build with a fresh :class:`Pipeline` (closed afterwards)."""
    with Pipeline(settings, config_dir=site.config_dir) as pipeline:
        return pipeline.build(pages, site)
