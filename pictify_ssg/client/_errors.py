"""Pure decisions about failed responses: which message, which exception class.

The API has no single error envelope (wire notes §2): render routes send ``{error, code}``,
CRUD and auth routes ``{message[, errors]}``, the compile gate ``{errors: [...]}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._retry_after import retry_after_seconds
from .exceptions import (
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    PictifyError,
    QuotaExceededError,
    RateLimitError,
    ServerError,
    ValidationError,
)

QUOTA_CODES = frozenset({"quota_exceeded", "spending_cap_reached"})
REQUEST_ID_HEADERS = ("x-request-id", "x-pictify-request-id", "request-id")

_BY_STATUS: dict[int, type[PictifyError]] = {
    400: ValidationError,
    401: AuthenticationError,
    402: QuotaExceededError,
    403: PermissionDeniedError,
    404: NotFoundError,
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


def error_class(status: int, body: Mapping[str, Any]) -> type[PictifyError]:
    """Map an HTTP status (and, for 429, the body's code) to an exception class."""
    if status == 429:
        return QuotaExceededError if body.get("code") in QUOTA_CODES else RateLimitError
    if status >= 500:
        return ServerError
    return _BY_STATUS.get(status, PictifyError)


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
) -> PictifyError:
    """Build the exception for an error response (pure: no I/O).

    Args:
        status: HTTP status (>= 400).
        body: Decoded (and already redacted) body.
        headers: Response headers.
        method: Request method, for the error's context.
        url: Request URL, for the error's context.
        now: Current unix time (for HTTP-date ``Retry-After``); defaults to ``time.time()``.
    """
    cls = error_class(status, body)
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
    }
    message = extract_message(body, status)
    if cls is ValidationError:
        errors = body.get("errors")
        return ValidationError(message, errors=errors if isinstance(errors, list) else [], **common)
    if cls is RateLimitError:
        return RateLimitError(
            message, retry_after=retry_after_seconds(headers, body, now=now), **common
        )
    return cls(message, **common)
