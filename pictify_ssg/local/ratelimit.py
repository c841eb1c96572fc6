"""A per-key request budget with the headers the hosted API documents."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

WINDOW_SECONDS = 60.0


@dataclass(frozen=True)
class Decision:
    """The outcome of one request against the budget."""

    allowed: bool
    limit: int
    remaining: int
    reset_at: float  # unix time when the window restarts
    retry_after: int  # whole seconds until the window restarts (at least 1)

    def headers(self) -> dict[str, str]:
        """``X-RateLimit-*`` headers, plus ``Retry-After`` when refused."""
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(math.ceil(self.reset_at)),
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after)
        return headers


class RateLimiter:
    """``limit`` requests per key per 60-second window.

    The window starts at a key's first request (not on the wall-clock minute), so a test that
    sends ``limit + 1`` quick requests sees exactly one refusal whatever the time of day.

    Args:
        limit: Requests allowed per window.
        clock: Source of unix time (tests may pass a fake).
    """

    def __init__(self, limit: int, clock: Callable[[], float] = time.time) -> None:
        self.limit = limit
        self._clock = clock
        self._windows: dict[str, tuple[float, int]] = {}

    def hit(self, key: str) -> Decision:
        """Count one request for ``key`` and say whether it may proceed."""
        now = self._clock()
        start, used = self._windows.get(key, (now, 0))
        if now - start >= WINDOW_SECONDS:
            start, used = now, 0
        allowed = used < self.limit
        if allowed:
            used += 1
        self._windows[key] = (start, used)
        reset_at = start + WINDOW_SECONDS
        return Decision(
            allowed=allowed,
            limit=self.limit,
            remaining=max(0, self.limit - used),
            reset_at=reset_at,
            retry_after=max(1, math.ceil(reset_at - now)),
        )
