"""Pure decisions about failed responses: which message, which exception class.

The API has no single error envelope (wire notes §2): render routes send ``{error, code}``,
CRUD and auth routes ``{message[, errors]}``, the compile gate ``{errors: [...]}``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from typing import Any

from ._effects import Effect
from ._rate_limit import parse_rate_limit
from ._retry_after import retry_after_seconds
from .exceptions import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    PictifyError,
    QuotaExceededError,
    RateLimitError,
    RequestTimeoutError,
    ServerError,
    ValidationError,
)

QUOTA_CODES = frozenset({"quota_exceeded", "spending_cap_reached"})
#: Body fields only the quota answer carries (the dashboard's quota handler reads them).
QUOTA_FIELDS = ("upgradeUrl", "checkoutUrl", "upgrade_url", "checkout_url")
#: Codes that name a short-window throttle.
THROTTLE_CODES = frozenset({"rate_limited", "rate_limit_exceeded", "too_many_requests"})
#: Words of a quota message, e.g. the old backend's "You have exhausted your plan limit".
QUOTA_WORDS = re.compile(
    r"quota|plan limit|exhausted|spending cap|out of credits|no credits|upgrade", re.IGNORECASE
)
#: A 429 whose ``X-RateLimit-Remaining`` is 0 and whose window resets further away than this
#: (seconds) is a quota: a daily or monthly budget, not a throttle worth waiting out.
QUOTA_RESET_HORIZON = 3600.0
REQUEST_ID_HEADERS = ("x-request-id", "x-pictify-request-id", "request-id")

_BY_STATUS: dict[int, type[PictifyError]] = {
    400: ValidationError,
    401: AuthenticationError,
    402: QuotaExceededError,
    403: PermissionDeniedError,
    404: NotFoundError,
    408: RequestTimeoutError,
    409: ConflictError,
    413: ValidationError,
    422: ValidationError,
}


def _error_text(item: Any) -> str:
    if isinstance(item, Mapping):
        field = item.get("field")
        text = item.get("message") or item.get("error") or item.get("detail") or str(dict(item))
        return f"{field}: {text}" if field else str(text)
    return str(item)


def extract_message(body: Mapping[str, Any], status: int | None = None) -> str:
    """Pick the error message: ``error`` -> ``message`` -> ``detail`` -> joined ``errors``.

    Args:
        body: Decoded error body.
        status: HTTP status, used for the fallback text.

    Returns:
        A non-empty message.
    """
    for key in ("error", "message", "detail"):
        value = body.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    errors = body.get("errors")
    if isinstance(errors, list) and errors:
        return "; ".join(_error_text(e) for e in errors)
    return f"HTTP {status}" if status else "Unknown Pictify error"


def is_quota_429(
    body: Mapping[str, Any], headers: Mapping[str, str] | None = None, now: float | None = None
) -> bool:
    """Tell a quota 429 (do not retry) from a throttling 429 (wait and retry).

    The hosted API uses 429 for both (wire notes §3, conflict C5), and not every quota answer
    carries a code. In order, the first rule that applies decides:

    1. a quota ``code`` (``quota_exceeded``, ``spending_cap_reached``) or the quota answer's
       ``upgradeUrl``/``checkoutUrl`` fields: quota;
    2. a throttle signal: a ``Retry-After`` (header or body; quota answers never carry one)
       or a throttle code (``rate_limited``...): throttle;
    3. a quota message ("...exhausted your plan limit", "quota", "upgrade"...): quota;
    4. ``X-RateLimit-Remaining: 0`` with a reset more than :data:`QUOTA_RESET_HORIZON` away:
       quota (a daily or monthly budget);
    5. otherwise: throttle.

    Args:
        body: Decoded error body.
        headers: Response headers.
        now: Current unix time; defaults to ``time.time()``.
    """
    headers = headers or {}
    code = body.get("code") or body.get("errorCode")
    code = code if isinstance(code, str) else None  # a server-sent dict is not hashable
    if code in QUOTA_CODES or any(body.get(name) for name in QUOTA_FIELDS):
        return True
    if code in THROTTLE_CODES or retry_after_seconds(headers, body, now=now) is not None:
        return False
    texts = [body.get(key) for key in ("error", "message", "detail")]
    if any(isinstance(t, str) and QUOTA_WORDS.search(t) for t in texts):
        return True
    info = parse_rate_limit(headers)
    if info is not None and info.remaining == 0:
        wait = info.seconds_until_reset(time.time() if now is None else now)
        return wait is not None and wait > QUOTA_RESET_HORIZON
    return False


def error_class(
    status: int,
    body: Mapping[str, Any],
    headers: Mapping[str, str] | None = None,
    now: float | None = None,
) -> type[PictifyError]:
    """Map an HTTP status (and, for 429, the body and headers) to an exception class."""
    if status == 429:
        return QuotaExceededError if is_quota_429(body, headers, now) else RateLimitError
    if status >= 500:
        return ServerError
    return _BY_STATUS.get(status, PictifyError)


def throttle_wait(
    headers: Mapping[str, str], body: Mapping[str, Any], now: float | None = None
) -> float | None:
    """Seconds a throttled caller should wait: ``Retry-After`` (header, then body), else the
    time until ``X-RateLimit-Reset`` when ``X-RateLimit-Remaining`` is 0."""
    found = retry_after_seconds(headers, body, now=now)
    if found is not None:
        return found
    info = parse_rate_limit(headers)
    if info is not None and info.remaining == 0:
        return info.seconds_until_reset(time.time() if now is None else now)
    return None


def request_id_of(headers: Mapping[str, str], body: Mapping[str, Any]) -> str | None:
    """Find the request id in the response headers, else in the body."""
    lowered = {k.lower(): v for k, v in headers.items()}
    for name in REQUEST_ID_HEADERS:
        if lowered.get(name):
            return lowered[name]
    value = body.get("requestId") or body.get("request_id")
    return str(value) if value else None


def make_status_error(
    status: int,
    body: Mapping[str, Any],
    headers: Mapping[str, str],
    *,
    method: str | None = None,
    url: str | None = None,
    now: float | None = None,
    effect: Effect | None = None,
) -> PictifyError:
    """Build the exception for an error response (pure: no I/O).

    Args:
        status: HTTP status (>= 400).
        body: Decoded (and already redacted) body.
        headers: Response headers.
        method: Request method, for the error's context.
        url: Request URL, for the error's context.
        now: Current unix time (for HTTP-date ``Retry-After``); defaults to ``time.time()``.
        effect: The failed endpoint's declared effect (read by the retry policy).
    """
    cls = error_class(status, body, headers, now)
    code = body.get("code") or body.get("errorCode")
    error_type = body.get("type")
    common: dict[str, Any] = {
        "status": status,
        "error_type": error_type if isinstance(error_type, str) else None,
        "code": str(code) if code is not None else None,
        "body": body,
        "request_id": request_id_of(headers, body),
        "headers": headers,
        "method": method,
        "url": url,
        "effect": effect,
    }
    message = extract_message(body, status)
    if cls is ValidationError:
        errors = body.get("errors")
        return ValidationError(message, errors=errors if isinstance(errors, list) else [], **common)
    if cls is RateLimitError:
        return RateLimitError(message, retry_after=throttle_wait(headers, body, now), **common)
    return cls(message, **common)
