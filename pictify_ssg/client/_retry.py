"""Retry policy: a small callable ``(error_or_response, attempt) -> RetryDecision``.

Pure: it never sleeps or sends. The send loops ask it after every failed attempt.

Which failures are retried depends on the endpoint's declared :class:`Effect` (carried by the
error), because a billed render must not be paid twice:

==============================================  ============  ===================
Failure                                         IDEMPOTENT    CREATES / BILLED
==============================================  ============  ===================
connect error, connect or pool timeout          retry         retry (never sent)
408 Request Timeout                             retry         retry (not received)
429 throttle (``Retry-After`` honoured)         retry         retry (refused)
503 with ``Retry-After``                        retry         retry (refused)
dropped connection, read/write timeout          retry         **no**
500, 502, 504, other 5xx, 503 without it        retry         **no**
501, 505, any body with ``"retriable": false``  no            no
429 quota, 402, other 4xx                       no            no
==============================================  ============  ===================

The hosted API ignores ``Idempotency-Key`` on the routes this client calls (see
:mod:`._effects`), so the key cannot make the "no" cells safe.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

import httpx

from ._effects import Effect
from ._error_mapping import make_status_error
from ._retry_after import retry_after_seconds
from .exceptions import (
    APIConnectionError,
    APITimeoutError,
    PictifyError,
    QuotaExceededError,
    RateLimitError,
)

RETRYABLE_STATUSES = frozenset({408, 429})

#: Server errors that say the server will never do this request (501 Not Implemented, 505
#: HTTP Version Not Supported): repeating it cannot help.
PERMANENT_5XX = frozenset({501, 505})


def refused_for_good(error: PictifyError) -> bool:
    """True when the server said no and that asking again will not change it: a 501 or 505,
    or a body with ``"retriable": false`` (the error bodies of Pictify-compatible servers)."""
    return (error.status or 0) in PERMANENT_5XX or error.body.get("retriable") is False


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
    """Any callable deciding retries; see :class:`RetryPolicy` for the default.

    The client passes the error of the failed attempt; its ``effect`` (the endpoint's declared
    :class:`Effect`) and, for connection errors, ``maybe_sent`` tell whether repeating is
    safe. A custom policy that retries a billed call after an uncertain failure can pay twice.
    """

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


def effect_of(error: PictifyError) -> Effect:
    """The failed call's effect; an error made without one counts a POST as billed.

    Errors raised by the clients always carry their endpoint's effect; the fallback covers
    errors built by hand (custom policies, tests) and keeps a POST on the safe side.
    """
    if error.effect is not None:
        return error.effect
    return Effect.BILLED if (error.method or "").upper() == "POST" else Effect.IDEMPOTENT


def server_wait(error: PictifyError) -> float | None:
    """Seconds the server asked us to wait (``RateLimitError.retry_after``, else headers/body)."""
    if isinstance(error, RateLimitError) and error.retry_after is not None:
        return error.retry_after
    return retry_after_seconds(error.headers, error.body)


def outcome_unknown(error: PictifyError) -> bool:
    """True when the server may have done the work although no success came back.

    False only when the request certainly did nothing: it was never sent (connect error,
    connect/pool timeout), or the server refused it before doing it (408, 429, a 503 that names
    a ``Retry-After``, and other 4xx). See :class:`Effect` for why the rest is uncertain.
    """
    if isinstance(error, APIConnectionError):
        return error.maybe_sent
    status = error.status or 0
    if status == 503 and server_wait(error) is not None:
        return False
    return status >= 500 and status not in PERMANENT_5XX


def unsafe_to_repeat(error: PictifyError) -> bool:
    """True for a failure of a non-idempotent call that may already have done its work."""
    return effect_of(error) is not Effect.IDEMPOTENT and outcome_unknown(error)


def unsafe_note(error: PictifyError) -> str:
    """The sentence added to an error that was not retried because repeating was unsafe."""
    call = f"{error.method or 'The'} {error.url or 'request'}".strip()
    if effect_of(error) is Effect.BILLED:
        return (
            f"Not retried: {call} may have reached the server and been rendered and billed, "
            "and the API ignores Idempotency-Key on render routes, so a retry could bill it "
            "twice. Check your renders before calling again"
        )
    return (
        f"Not retried: {call} may have reached the server and created the record, so a "
        "retry could create a duplicate. Check before calling again"
    )


@dataclass(frozen=True)
class RetryPolicy:
    """The default policy (see the module docstring for the full table).

    Retries connection errors, timeouts, 408, 429 (but not quota) and 5xx, with exponential
    backoff and jitter, honouring the server's ``Retry-After`` - except that a call whose
    endpoint is not idempotent (``Effect.BILLED`` renders, ``Effect.CREATES``) is retried only
    when the failed attempt certainly did nothing (:func:`outcome_unknown` is false).

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
        error = _as_error(outcome)
        if isinstance(error, QuotaExceededError):
            return RetryDecision(False, reason="quota exceeded")
        status = error.status or 0
        transport = isinstance(error, APIConnectionError)
        if refused_for_good(error):
            return RetryDecision(False, reason=f"HTTP {status}: the server will not do this")
        if not (transport or status in RETRYABLE_STATUSES or status >= 500):
            return RetryDecision(False, reason=f"HTTP {status} is not retryable")
        if unsafe_to_repeat(error):
            effect = effect_of(error).value
            return RetryDecision(False, reason=f"{effect} call may have been processed")
        if attempt >= self.max_retries:
            return RetryDecision(False, reason="retries exhausted")
        if isinstance(error, APITimeoutError):
            return self._backoff(attempt, f"{error.phase} timeout")
        if transport:
            return self._backoff(attempt, "connection error")
        wait = server_wait(error)
        if wait is not None:
            if wait > self.max_retry_after:
                return RetryDecision(False, reason=f"server asked to wait {wait:.0f} s")
            return RetryDecision(True, wait, f"HTTP {status}, Retry-After")
        return self._backoff(attempt, f"HTTP {status}")

    def _backoff(self, attempt: int, reason: str) -> RetryDecision:
        delay = backoff_delay(
            attempt, base=self.base_delay, cap=self.max_delay, jitter=self.jitter, rng=self.rng
        )
        return RetryDecision(True, delay, reason)
