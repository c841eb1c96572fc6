"""Thread-safe request counters, keyed by route template (``"POST /templates/{uid}/render"``)."""

from __future__ import annotations

import hashlib
import threading
from collections import Counter


class ServerStats:
    """Counts requests per route and images rendered; readable from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._routes: Counter[str] = Counter()
        self._renders = 0
        self._contents: Counter[str] = Counter()

    def record_request(self, route: str) -> None:
        """Count one request to ``route`` (e.g. ``"GET /templates/{uid}"``)."""
        with self._lock:
            self._routes[route] += 1

    def record_render(self, count: int = 1, *, content: str | None = None) -> None:
        """Count images produced by Chromium; ``content`` (what was rendered: the filled-in
        HTML or the URL, with size and format) also counts renders of the same content, so
        tests can prove nothing was rendered (billed, on the hosted API) twice."""
        digest = hashlib.sha256(content.encode()).hexdigest() if content is not None else None
        with self._lock:
            self._renders += count
            if digest is not None:
                self._contents[digest] += count

    def renders_by_content(self) -> dict[str, int]:
        """Renders per distinct content (a hash of it) since the last reset."""
        with self._lock:
            return dict(self._contents)

    def count(self, route: str) -> int:
        """Requests received for ``route`` (rejected ones included) since the last reset."""
        with self._lock:
            return self._routes[route]

    @property
    def total_renders(self) -> int:
        """Images rendered since the last reset."""
        with self._lock:
            return self._renders

    def snapshot(self) -> dict[str, int]:
        """A copy of every route counter."""
        with self._lock:
            return dict(self._routes)

    def reset(self) -> None:
        """Zero every counter."""
        with self._lock:
            self._routes.clear()
            self._renders = 0
            self._contents.clear()

    def __repr__(self) -> str:
        return f"ServerStats(total_renders={self.total_renders}, routes={self.snapshot()})"
