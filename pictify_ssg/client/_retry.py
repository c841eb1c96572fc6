"""Retry policy: a small callable ``(error_or_response, attempt) -> RetryDecision``.

Pure: it never sleeps or sends. The send loops ask it after every failed attempt.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

import httpx

from ._errors import make_status_error
from ._retry_after import retry_after_seconds
from .exceptions import (
    APIConnectionError,
    APITimeoutError,
    PictifyError,
    QuotaExceededError,
    RateLimitError,
)

RETRYABLE_STATUSES = frozenset({408, 429})


class RetryDecision(NamedTuple):
    """What to do after a failed attempt.

    Attributes:
        retry: Whether to send again.
        delay: Seconds to wait before the next attempt.
        reason: Short text for the debug log.
    """

    retry: bool
    delay: float = 0.0
    reason: str = ""


class RetryPolicyFn(Protocol):
    """Any callable deciding retries; see :class:`RetryPolicy` for the default."""

    def __call__(
        self, outcome: PictifyError | httpx.Response, attempt: int, /
    ) -> RetryDecision: ...


def backoff_delay(
    attempt: int,
    *,
    base: float = 0.5,
    cap: float = 8.0,
    jitter: float = 0.25,
    rng: Callable[[], float] = random.random,
) -> float:
    """Exponential backoff with jitter: ``min(base * 2**attempt, cap)`` minus up to ``jitter``.

    Jitter subtracts a random fraction (rather than adding one) so the cap stays a true cap.
    """
    delay = min(base * (2.0**attempt), cap)
    return max(0.0, float(delay) * (1.0 - jitter * rng()))


def _as_error(outcome: PictifyError | httpx.Response) -> PictifyError:
    if isinstance(outcome, PictifyError):
        return outcome
    try:
        body: Any = outcome.json()
    except ValueError:
        body = {}
    return make_status_error(
        outcome.status_code, body if isinstance(body, dict) else {}, dict(outcome.headers)
    )


@dataclass(frozen=True)
class RetryPolicy:
    """The default policy.

    Retries connection errors, timeouts, 408, 429 (but not quota) and 5xx, with exponential
    backoff and jitter, honouring the server's ``Retry-After``.

    A POST is never retried after a *read* or *write* timeout: the hosted render endpoints
    ignore ``Idempotency-Key`` (wire notes §4), so the server may still be rendering, and billing,
    the first request. Connect and pool timeouts are safe (nothing was sent).

    Attributes:
        max_retries: Retries after the first attempt.
        base_delay: First backoff delay in seconds.
        max_delay: Backoff cap in seconds.
        max_retry_after: Longest server-requested wait we honour; when the server asks for more,
            the error is raised instead (with ``retry_after`` set) so the caller can decide.
        jitter: Fraction (0-1) of the delay that may be randomly removed.
        rng: Random source in [0, 1), injectable for tests.
    """

    max_retries: int = 2
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    jitter: float = 0.25
    rng: Callable[[], float] = field(default=random.random, repr=False, compare=False)

    def __call__(self, outcome: PictifyError | httpx.Response, attempt: int, /) -> RetryDecision:
        """Decide after a failure; ``attempt`` counts the retries already made (0-based)."""
        if attempt >= self.max_retries:
            return RetryDecision(False, reason="retries exhausted")
        error = _as_error(outcome)
        if isinstance(error, APITimeoutError):
            if error.method == "POST" and error.phase in ("read", "write"):
                return RetryDecision(False, reason="POST may still be running after a timeout")
            return self._backoff(attempt, f"{error.phase} timeout")
        if isinstance(error, APIConnectionError):
            return self._backoff(attempt, "connection error")
        if isinstance(error, QuotaExceededError):
            return RetryDecision(False, reason="quota exceeded")
        status = error.status or 0
        if status in RETRYABLE_STATUSES or status >= 500:
            wait = error.retry_after if isinstance(error, RateLimitError) else None
            if wait is None:
                wait = self._header_wait(error)
            if wait is not None:
                if wait > self.max_retry_after:
                    return RetryDecision(False, reason=f"server asked to wait {wait:.0f} s")
                return RetryDecision(True, wait, f"HTTP {status}, Retry-After")
            return self._backoff(attempt, f"HTTP {status}")
        return RetryDecision(False, reason=f"HTTP {status} is not retryable")

    def _backoff(self, attempt: int, reason: str) -> RetryDecision:
        delay = backoff_delay(
            attempt, base=self.base_delay, cap=self.max_delay, jitter=self.jitter, rng=self.rng
        )
        return RetryDecision(True, delay, reason)

    @staticmethod
    def _header_wait(error: PictifyError) -> float | None:
        return retry_after_seconds(error.headers, error.body)
