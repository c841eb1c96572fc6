"""The public entry point: :class:`Pipeline` (reusable across builds) and :func:`build`."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

from pictify_ssg.core.backend import BackendChoice, ServiceOpener, choose_backend
from pictify_ssg.core.errors import BuildError, StoreError
from pictify_ssg.core.loop import LoopThread
from pictify_ssg.core.records import PageRecord, SiteInfo
from pictify_ssg.core.report import BuildReport
from pictify_ssg.core.run import BuildRun
from pictify_ssg.core.settings import Settings
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
        """Close the clients, stop the local server and close the cache (idempotent)."""
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
        page_list = list(pages)
        _check_unique(page_list)
        with self._lock:
            if self._closed:
                raise RuntimeError("this Pipeline is closed")
            if not self.settings.enabled:
                report = BuildReport(backend="disabled")
                for page in page_list:
                    report.outcomes[page.key] = "skipped"
                return report
            # Once per build, not once per pipeline: `mkdocs serve --strict` must fail every
            # rebuild that still has the problem, as MkDocs does for its own warnings.
            self._warned.clear()
            config_dir = self._config_dir or site.config_dir
            choice, opener, store = self._open(config_dir)
            for message in choice.warnings:
                self._warn(message)
            run = BuildRun(
                self.settings,
                site,
                config_dir=config_dir,
                choice=choice,
                opener=opener,
                store=store,
                warn=self._warn,
            )
            if self._loop is None:
                self._loop = LoopThread()
            try:
                report = self._loop.run(run.run(page_list))
            except (StoreError, sqlite3.DatabaseError) as exc:
                # Damage that appeared after the cache was opened and checked.
                raise BuildError(
                    f"pictify: the card cache at {store.directory} failed ({exc}); delete that "
                    "folder to start with an empty cache"
                ) from None
            report.warnings[:0] = [w for w in choice.warnings if w not in report.warnings]
            return report

    def _open(self, config_dir: Path) -> tuple[BackendChoice, ServiceOpener, Store]:
        if self._choice is None:
            self._choice = choose_backend(self.settings)
        cache_dir = self.settings.cache_dir.expanduser()
        if not cache_dir.is_absolute():
            cache_dir = (config_dir / cache_dir).resolve()
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
