"""The request body size limit, enforced while the body arrives rather than after.

A body that declares a length over `MAX_BODY_BYTES` is refused before a byte of it is read. A
body without a declared length (chunked) is counted as it streams, and refused as soon as the
count passes the limit; the rest is never handed to the application. Either way the 413 goes
out at once and uvicorn discards whatever the client still sends (its flow control holds at
most one 64 KiB buffer), so the keep-alive connection stays usable for the next request.
"""

from __future__ import annotations

from typing import Final

from starlette.datastructures import Headers
from starlette.types import Message, Receive, Scope

from pictify_ssg.local.api_errors import ApiError

MAX_BODY_BYTES: Final = 12 * 1024 * 1024
"""Largest request body accepted (12 MiB).

Room for the largest valid template: 500 KB of HTML for the template and for each of its 20
layouts (about 10.3 MiB) plus JSON overhead. Everything else the API takes is far smaller.
"""

PAYLOAD_TOO_LARGE: Final = "PAYLOAD_TOO_LARGE"


class BodyTooLarge(ApiError):
    """A 413 for a request body over the limit.

    Args:
        limit: The limit that was passed, in bytes.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(
            413,
            f"Request body exceeds the limit of {limit} bytes ({limit / 1024 / 1024:g} MiB)",
            PAYLOAD_TOO_LARGE,
            extra={"limit": limit},
        )


def declared_too_large(scope: Scope, limit: int = MAX_BODY_BYTES) -> BodyTooLarge | None:
    """The 413 for a request whose ``Content-Length`` is over ``limit``, else ``None``.

    A missing or malformed header is not judged here: h11 already refuses a malformed one,
    and a body without one is counted by `limit_body`.
    """
    raw = Headers(scope=scope).get("content-length")
    if raw is None or not raw.isdigit():
        return None
    return BodyTooLarge(limit) if int(raw) > limit else None


def limit_body(receive: Receive, limit: int = MAX_BODY_BYTES) -> Receive:
    """``receive``, raising `BodyTooLarge` as soon as more than ``limit`` body bytes arrived.

    Raising (rather than truncating) means no handler can mistake a cut-off body for a whole
    one; the error handlers turn the exception into the 413.
    """
    seen = 0

    async def limited() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(limit)
        return message

    return limited
