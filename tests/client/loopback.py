"""A tiny HTTP server on 127.0.0.1 that records what it gets: a webhook receiver and a data source.

Each request is recorded with its path, headers and raw body. Answers come from a script
(``statuses``, consumed in order, the last one repeating) and, for ``GET``, from ``payload``
(JSON, changeable while the server runs). ``hold`` makes every request wait until it is
released, as a receiver that hangs.
"""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

WAIT_S = 60.0
"""Upper bound for waiting on an expected request (a hang guard, not a timing assertion)."""


@dataclass(frozen=True)
class Received:
    """One request the loopback server got."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Loopback:
    """The recording server; use `running` to start and stop it."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.statuses: dict[str, list[int]] = {}
        self.payload: Any = {}
        self.hold: threading.Event | None = None
        self.held = 0
        self._changed = threading.Condition()
        self.url = ""

    def answer(self, path: str, *statuses: int) -> None:
        """Answer requests to ``path`` with ``statuses`` in order (the last one repeats)."""
        self.statuses[path] = list(statuses)

    def received(self, path: str | None = None) -> list[Received]:
        """Requests so far (to ``path`` only, when given)."""
        with self._changed:
            return [r for r in self.requests if path is None or r.path == path]

    def wait_for(self, count: int, path: str | None = None) -> list[Received]:
        """Block until ``count`` requests (to ``path``) arrived; fail after `WAIT_S`."""
        with self._changed:
            done = self._changed.wait_for(
                lambda: len([r for r in self.requests if path in (None, r.path)]) >= count,
                timeout=WAIT_S,
            )
        got = self.received(path)
        assert done, f"expected {count} request(s) to {path or 'any path'}, got {len(got)}"
        return got

    def wait_held(self, count: int) -> None:
        """Block until ``count`` requests are being held."""
        with self._changed:
            assert self._changed.wait_for(lambda: self.held >= count, timeout=WAIT_S)

    def _record(self, received: Received) -> int:
        with self._changed:
            self.requests.append(received)
            script = self.statuses.get(received.path, [200])
            seen = len([r for r in self.requests if r.path == received.path])
            self._changed.notify_all()
            return script[min(seen, len(script)) - 1]

    def _wait_if_held(self) -> None:
        hold = self.hold
        if hold is None:
            return
        with self._changed:
            self.held += 1
            self._changed.notify_all()
        hold.wait(WAIT_S)
        with self._changed:
            self.held -= 1

    @contextmanager
    def running(self) -> Iterator[Loopback]:
        """Serve on an ephemeral port of 127.0.0.1 while the block runs."""
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status = owner._record(
                    Received(self.command, self.path, dict(self.headers.items()), body)
                )
                owner._wait_if_held()
                data = json.dumps(owner.payload).encode() if self.command == "GET" else b"{}"
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _handle

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            yield self
        finally:
            if self.hold is not None:
                self.hold.set()
            server.shutdown()
            server.server_close()
            thread.join()
