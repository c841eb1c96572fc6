"""Choosing the backend, and opening the service lazily (the local server only on a miss)."""

from __future__ import annotations

import asyncio
import hashlib
import importlib.util
import logging
import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pictify_ssg.core.service import Service
from pictify_ssg.core.settings import Settings

if TYPE_CHECKING:
    # httpx is imported when a service is opened, not with the core: with `rich` installed it
    # loads its command-line interface too (~65 ms), a cost a warm build (nothing to render)
    # should not pay.
    import httpx

    from pictify_ssg.local import ServerOptions
    from pictify_ssg.local.spawned import SpawnedServer

log = logging.getLogger("pictify_ssg")

DEFAULT_BASE_URL = "https://api.pictify.io"
LOCAL_IDENTITY = "local"

Backend = Literal["hosted", "local", "skip"]


@dataclass(frozen=True)
class BackendChoice:
    """The backend of one build.

    Attributes:
        kind: ``hosted``, ``local`` or ``skip``.
        identity: Service identity for fingerprints and store keys.
        hosting: Effective hosting (``pictify`` is impossible with the local backend).
        warnings: Configuration warnings (shown once per build).
    """

    kind: Backend
    identity: str
    hosting: Literal["site", "pictify"]
    warnings: tuple[str, ...] = ()


def local_available() -> bool:
    """Whether the embedded local server can be imported (the ``[local]`` extra)."""
    try:
        return all(
            importlib.util.find_spec(name) is not None
            for name in ("pictify_ssg.local", "playwright", "uvicorn", "starlette")
        )
    except (ImportError, ValueError):
        return False


def hosted_base_url(settings: Settings) -> str:
    """The API base URL: setting, then ``PICTIFY_BASE_URL``, then the public API."""
    url = settings.base_url or os.environ.get("PICTIFY_BASE_URL", "").strip() or DEFAULT_BASE_URL
    return url.rstrip("/")


def account_id(api_key: str) -> str:
    """A short, non-reversible id of an API key, to keep per-account records apart."""
    return hashlib.sha256(b"pictify-ssg account\0" + api_key.encode()).hexdigest()[:16]


def choose_backend(settings: Settings) -> BackendChoice:
    """Pick the backend from the settings and what is installed."""
    warnings: list[str] = []
    kind: Backend
    if settings.backend == "skip":
        kind = "skip"
    elif settings.backend == "hosted":
        kind = "hosted"
    elif settings.backend == "local":
        kind = "local"
    elif settings.api_key is not None:
        kind = "hosted"
    elif local_available():
        kind = "local"
    else:
        kind = "skip"
        warnings.append(
            "pictify: no PICTIFY_API_KEY is set and the local renderer is not installed, so no "
            "cards are rendered (cached cards are still used). Set PICTIFY_API_KEY or install "
            "'pictify-ssg[local]'."
        )
    hosting = settings.hosting
    if kind != "hosted" and hosting == "pictify":
        hosting = "site"
        if kind == "local":
            warnings.append(
                "pictify: hosting 'pictify' needs the hosted backend; the local server's URLs "
                "do not outlive the build, so cards are written into the site (hosting: site)"
            )
    # "skip" still looks cards up under the service that would render them.
    hosted = kind == "hosted" or (kind == "skip" and settings.api_key is not None)
    identity = hosted_base_url(settings) if hosted else LOCAL_IDENTITY
    return BackendChoice(kind=kind, identity=identity, hosting=hosting, warnings=tuple(warnings))


class ServiceOpener:
    """Opens the service on first need and keeps it for later builds of the same pipeline.

    The local server is started only when a card must be rendered, so a warm build never
    starts Chromium.
    """

    def __init__(self, settings: Settings, choice: BackendChoice, cache_dir: Path) -> None:
        self.settings = settings
        self.choice = choice
        self.cache_dir = cache_dir
        self.service: Service | None = None
        self.server: SpawnedServer | None = None
        self._renders_dir: Path | None = None
        self._stopping: threading.Thread | None = None
        self._downloads: httpx.AsyncClient | None = None
        # Made on first use, on the pipeline's event loop (the only loop that opens services).
        self._opening: asyncio.Lock | None = None

    async def open(self, *, renders: int | None = None) -> Service:
        """The service, opened on the first call.

        Args:
            renders: How many cards the build is about to render (``None``: unknown); a local
                server started for a few of them runs one Chromium instead of two.

        Raises:
            RuntimeError: When the backend is ``skip`` or the service cannot be opened.
        """
        if self._opening is None:
            self._opening = asyncio.Lock()
        # One service however many ask at once: a build may open it while the warm-up started
        # by Pipeline.prepare is still starting it.
        async with self._opening:
            if self.service is None:
                self.service = await self._open(renders)
            return self.service

    async def _open(self, renders: int | None) -> Service:
        import httpx

        from pictify_ssg.client import AsyncPictify

        kind = self.choice.kind
        if kind == "skip":
            raise RuntimeError("rendering is off (backend: skip)")
        if kind == "hosted":
            if self.settings.api_key is None:
                raise RuntimeError(
                    "backend 'hosted' needs an API key: set PICTIFY_API_KEY (or api_key)"
                )
            key = self.settings.api_key.get_secret_value()
            base_url = self.choice.identity
            account = account_id(key)
        else:
            server = await self._start_local(renders)
            key, base_url, account = server.api_key, server.base_url, LOCAL_IDENTITY
        client = AsyncPictify(
            api_key=key, base_url=base_url, timeout=self.settings.timeout, max_retries=2
        )
        # A separate client for card files: no Authorization header ever goes to a media host.
        self._downloads = httpx.AsyncClient(timeout=self.settings.timeout, follow_redirects=True)
        return Service(
            client,
            identity=self.choice.identity,
            account=account,
            downloads=self._downloads,
            concurrency=self.settings.concurrency,
        )

    def local_options(self, renders: int | None) -> ServerOptions:
        """The local server's options for a build about to render ``renders`` cards.

        One Chromium: a build shares the machine with the site generator, and a second
        browser costs about 90 MB for a few per cent of speed (a heavy gradient design loses
        ~10 % with one; ``bench/site_builds.py`` measures the whole build). Up to
        ``direct_threshold`` cards (rendered one by one anyway, see the planner) it has one
        page, which starts soonest; more cards, or an unknown number, get two pages, so one
        is drawn while the other's screenshot is encoded. The server then lives for the whole
        pipeline (``mkdocs serve``), sized by the build that started it.
        """
        from pictify_ssg.local import ServerOptions

        hosts = tuple(self.settings.renderer_hosts)
        few = renders is not None and renders <= self.settings.direct_threshold
        # Started only when cards are to be rendered, so Chromium is launched with it.
        return ServerOptions(
            browsers=1, pages_per_browser=1 if few else 2, card_hosts=hosts, launch_at_start=True
        )

    async def _start_local(self, renders_expected: int | None) -> Any:
        # In a process of its own: its Python work would otherwise compete with the site
        # generator's for this process' interpreter lock (see pictify_ssg.local.spawned).
        from pictify_ssg.local.spawned import SpawnedServer

        data_dir = self.cache_dir / "local-server"
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Rendered files are needed only until the build has downloaded them into the card
        # cache: a folder of this process's own, removed when the server stops, keeps the
        # cache at one copy of each card (another build sharing the cache has its own).
        renders = render_folder(data_dir)
        server = SpawnedServer(
            data_dir=data_dir, options=self.local_options(renders_expected), files_dir=renders
        )
        log.debug("pictify: starting the local renderer (data in %s)", data_dir)
        try:
            await asyncio.to_thread(server.start)
        except BaseException:
            shutil.rmtree(renders, ignore_errors=True)
            raise
        self.server = server
        self._renders_dir = renders
        return server

    async def close_clients(self) -> None:
        """Close the HTTP clients (they belong to the pipeline's event loop)."""
        if self.service is not None:
            await self.service.aclose()
            self.service = None
        if self._downloads is not None:
            await self._downloads.aclose()
            self._downloads = None

    def release_server(self) -> None:
        """Start stopping the local server, if this opener started one, without waiting for it
        (`stop_server` waits). For a pipeline that will build no more: its renderer and
        Chromium are gone while the site generator still writes pages."""
        if self.server is not None and self._stopping is None:
            self._stopping = threading.Thread(target=self.stop_server, name="pictify-release")
            self._stopping.start()

    def stop_server(self) -> None:
        """Stop the local server, if this opener started one, and wait until it is gone."""
        stopping = self._stopping
        if stopping is not None and stopping is not threading.current_thread():
            stopping.join()
            self._stopping = None
        server, self.server = self.server, None
        if server is not None:
            server.stop()
        if self._renders_dir is not None:
            shutil.rmtree(self._renders_dir, ignore_errors=True)
            self._renders_dir = None


#: Prefix of the per-build folders of rendered files of the embedded server.
_RENDERS_PREFIX = "renders-"
#: A render folder of a process that is gone, left this long, is removed by the next build.
_STALE_RENDERS_S = 3600.0


def render_folder(data_dir: Path) -> Path:
    """A new folder for one embedded server's rendered files, under ``data_dir``; folders
    that killed builds left behind (their process gone, untouched for an hour) are removed
    on the way."""
    now = time.time()
    try:
        entries = list(os.scandir(data_dir))
    except OSError:
        entries = []
    for entry in entries:
        if not entry.name.startswith(_RENDERS_PREFIX) or not entry.is_dir(follow_symlinks=False):
            continue
        try:
            idle = now - entry.stat(follow_symlinks=False).st_mtime > _STALE_RENDERS_S
        except OSError:
            continue
        if idle and not _alive(entry.name[len(_RENDERS_PREFIX) :].split("-", 1)[0]):
            shutil.rmtree(entry.path, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{_RENDERS_PREFIX}{os.getpid()}-", dir=data_dir))


def _alive(pid: str) -> bool:
    """Whether the process ``pid`` (a folder name's part) still runs on this machine."""
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, not ours to signal
    return True
