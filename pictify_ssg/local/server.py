"""Running the server: in a background thread (`LocalServer`) or in the foreground (`serve`)."""

from __future__ import annotations

import atexit
import logging
import secrets
import signal
import socket
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn

from pictify_ssg.local.app import build_app
from pictify_ssg.local.browser import resolve_chromium
from pictify_ssg.local.exceptions import LocalServerError
from pictify_ssg.local.exposure import exposure_warning, is_loopback
from pictify_ssg.local.network_policy import NetworkPolicy
from pictify_ssg.local.options import ServerOptions
from pictify_ssg.local.renderer import Renderer
from pictify_ssg.local.retention import PruneReport
from pictify_ssg.local.state import ServerState
from pictify_ssg.local.stats import ServerStats
from pictify_ssg.local.storage import Storage, default_data_dir

logger = logging.getLogger(__name__)

STARTUP_TIMEOUT_S = 30.0
SHUTDOWN_TIMEOUT_S = 30.0

# Servers still running at interpreter exit are stopped then, so a forgotten stop() does not
# leave Chromium behind (the daemon thread would otherwise just vanish mid-flight).
_RUNNING: weakref.WeakSet[LocalServer] = weakref.WeakSet()


@atexit.register
def _stop_all() -> None:
    for server in list(_RUNNING):
        server.stop()


class _Runtime:
    """One configured server: state, app, bound socket and uvicorn instance."""

    def __init__(
        self,
        *,
        data_dir: str | Path | None,
        files_dir: str | Path | None,
        api_keys: Iterable[str] | None,
        host: str,
        port: int,
        options: ServerOptions,
        log_config: dict[str, Any] | None,
        stats: ServerStats | None = None,
    ) -> None:
        keys = [key for key in (api_keys or ()) if key]
        if api_keys is not None and not keys:
            raise ValueError("api_keys must contain at least one non-empty key")
        # Checked (never launched) before anything is bound: without a usable Chromium every
        # render would fail, and a caller learns that once here rather than per card.
        executable = resolve_chromium()
        self.api_key = keys[0] if keys else secrets.token_hex(32)
        self.storage = Storage(
            Path(data_dir) if data_dir is not None else default_data_dir(),
            Path(files_dir) if files_dir is not None else None,
        )
        # Binding here (not in uvicorn) makes port 0 resolve before anyone needs the URL.
        self.socket = socket.socket(
            socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM
        )
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self.socket.bind((host, port))
        except OSError:
            self.socket.close()
            self.storage.close()
            raise
        bound_address, bound_port = self.socket.getsockname()[:2]
        url_host = f"[{host}]" if ":" in host else host
        self.base_url = f"http://{url_host}:{bound_port}"
        self.state = ServerState(
            storage=self.storage,
            renderer=Renderer(
                browsers=options.browsers,
                pages_per_browser=options.pages_per_browser,
                capture=options.capture,
                timeout_s=options.render_timeout_s,
                card_timeout_s=options.card_timeout_s,
                executable=executable,
                policy=NetworkPolicy(
                    card_hosts=options.card_hosts,
                    allow_private_network=options.allow_private_network,
                ),
            ),
            options=options,
            stats=stats if stats is not None else ServerStats(),
            api_keys=frozenset(keys or [self.api_key]),
            base_url=self.base_url,
            drop_connection=self._drop_connection,
        )
        # Judged on the address really bound, so a host name resolving to a LAN address warns.
        if not is_loopback(bound_address):
            logger.warning(exposure_warning(self.base_url))
        self.server = uvicorn.Server(
            uvicorn.Config(
                build_app(self.state),
                lifespan="on",
                http="h11",
                loop="asyncio",
                log_config=log_config,
                log_level="warning" if log_config is None else "info",
                access_log=log_config is not None,
                timeout_graceful_shutdown=5,
            )
        )

    def _drop_connection(self, scope: dict[str, Any]) -> bool:
        client = scope.get("client")
        if not client:
            return False
        for connection in list(self.server.server_state.connections):
            if getattr(connection, "client", None) == tuple(client):
                transport = getattr(connection, "transport", None)
                if transport is not None:
                    transport.abort()
                    return True
        return False

    def run(self) -> None:
        """Serve until ``server.should_exit`` (or a signal, in the main thread)."""
        try:
            self.server.run(sockets=[self.socket])
        finally:
            self.socket.close()
            self.storage.close()


class LocalServer:
    """A Pictify-compatible server on a loopback port, run in a background thread.

    ``__enter__`` (or `start`) returns once the server accepts requests; `stop` shuts it down
    and closes every Chromium process it started. Chromium itself starts on the first render.
    Rendered files, image records and finished batches older than ``options.retention_hours``
    (7 days by default) are deleted in the background; templates are kept. Several servers
    may share one ``data_dir``.

    Args:
        data_dir: Where templates, images and batches are kept (default: the user cache dir).
        api_keys: Accepted Bearer tokens (default: one random key, see `api_key`).
        host: Interface to bind; keep the loopback default unless you mean to share it (any
            other address logs a warning: the server has no TLS).
        port: TCP port; 0 picks a free one.
        options: Optional behaviours (all off by default).
        files_dir: Where rendered files are kept (default: ``files/`` in ``data_dir``). A
            build's embedded server uses a folder of its own, removed after the build, so
            the card cache does not hold every card twice.

    Example:
        >>> with LocalServer() as server:  # doctest: +SKIP
        ...     client = Pictify(api_key=server.api_key, base_url=server.base_url)
    """

    def __init__(
        self,
        data_dir: str | Path | None = None,
        api_keys: Iterable[str] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        options: ServerOptions | None = None,
        files_dir: str | Path | None = None,
    ) -> None:
        self._data_dir = data_dir
        self._files_dir = files_dir
        self._api_keys = list(api_keys) if api_keys is not None else None
        self._host = host
        self._port = port
        self.options = options or ServerOptions()
        self.stats = ServerStats()
        self._runtime: _Runtime | None = None
        self._thread: threading.Thread | None = None
        self._failure: BaseException | None = None

    @property
    def base_url(self) -> str:
        """Root URL, e.g. ``http://127.0.0.1:54321`` (no trailing slash)."""
        return self._running().base_url

    @property
    def api_key(self) -> str:
        """A key the server accepts."""
        return self._running().api_key

    @property
    def data_dir(self) -> Path:
        """The directory holding the server's database and files."""
        return self._running().storage.data_dir

    def prune(self) -> PruneReport:
        """Delete what is older than ``options.retention_hours`` now, without waiting for the
        periodic run (which also runs at start-up).

        Returns:
            What was deleted.

        Raises:
            RuntimeError: The server is not started.
        """
        maintenance = self._running().state.maintenance
        assert maintenance is not None
        return maintenance.pruner.prune()

    @property
    def running(self) -> bool:
        """Whether the server thread is serving."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> LocalServer:
        """Bind, start serving in a background thread, and wait until ready.

        Returns:
            ``self``.

        Chromium is not launched here (that happens on the first render), but its executable
        must exist: without one this fails at once instead of answering every render with 503.

        Raises:
            ChromiumNotFoundError: No usable Chromium executable (a `LocalServerError`); the
                message says what to install or which variable to fix.
            DataDirError: The data directory cannot be created or opened (a
                `LocalServerError`).
            LocalServerError: Already started, or the server did not come up.
            OSError: The port cannot be bound.
        """
        if self._runtime is not None:
            raise LocalServerError("LocalServer is already started")
        runtime = _Runtime(
            data_dir=self._data_dir,
            files_dir=self._files_dir,
            api_keys=self._api_keys,
            host=self._host,
            port=self._port,
            options=self.options,
            log_config=None,
            stats=self.stats,
        )
        self._runtime = runtime
        self._failure = None
        self._thread = threading.Thread(
            target=self._serve, args=(runtime,), name="pictify-local-server", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not runtime.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise LocalServerError("the local Pictify server did not start") from self._failure
            time.sleep(0.01)
        _RUNNING.add(self)
        return self

    def stop(self) -> None:
        """Stop serving, close Chromium and the database (idempotent)."""
        runtime, thread = self._runtime, self._thread
        self._runtime = self._thread = None
        _RUNNING.discard(self)
        if runtime is None or thread is None:
            return
        runtime.server.should_exit = True
        thread.join(SHUTDOWN_TIMEOUT_S)
        if thread.is_alive():
            runtime.server.force_exit = True
            thread.join(SHUTDOWN_TIMEOUT_S)

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self._runtime.base_url if self._runtime else "stopped"
        return f"LocalServer({where})"

    def _running(self) -> _Runtime:
        if self._runtime is None:
            raise RuntimeError("LocalServer is not started; use `with LocalServer() as server:`")
        return self._runtime

    def _serve(self, runtime: _Runtime) -> None:
        try:
            runtime.run()
        except BaseException as exc:  # noqa: BLE001 - start() reports it; a thread cannot raise
            self._failure = exc


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 8787,
    data_dir: str | Path | None = None,
    api_keys: Iterable[str] | None = None,
    options: ServerOptions | None = None,
    on_ready: Callable[[str, str], None] | None = None,
) -> None:
    """Serve in the foreground until SIGINT/SIGTERM (what ``pictify-ssg serve`` runs).

    Args:
        host: Interface to bind.
        port: TCP port (0 picks a free one).
        data_dir: State directory (default: the user cache dir).
        api_keys: Accepted keys (default: one random key).
        options: Optional behaviours.
        on_ready: Called with ``(base_url, api_key)`` once the socket is bound.

    Raises:
        ChromiumNotFoundError: No usable Chromium executable (checked before binding).
        DataDirError: The data directory cannot be created or opened.
        OSError: The port cannot be bound.
    """
    runtime = _Runtime(
        data_dir=data_dir,
        files_dir=None,
        api_keys=api_keys,
        host=host,
        port=port,
        options=options or ServerOptions(),
        log_config=uvicorn.config.LOGGING_CONFIG,
    )
    if on_ready is not None:
        on_ready(runtime.base_url, runtime.api_key)
    # uvicorn handles SIGINT/SIGTERM during the run, then re-raises the signal once shut down;
    # answering that re-raise with a no-op makes a requested stop a clean exit (status 0).
    previous = {sig: signal.signal(sig, _ignore_signal) for sig in _STOP_SIGNALS}
    try:
        runtime.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _ignore_signal(signum: int, frame: object) -> None:
    """Swallow the signal uvicorn re-raises after a graceful shutdown."""
