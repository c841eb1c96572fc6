"""Verify (and, for tests or your own relays, create) webhook signatures.

Pictify signs each delivery with ``X-Pictify-Signature: t=<unix seconds>,v1=<hex>``, where the
hex is ``HMAC-SHA256(secret, "<t>.<raw body>")``. Several ``v1`` entries may be present (secret
rotation); one match is enough.

Error policy: :func:`verify_signature` returns ``False`` for anything that does not verify:
a missing or malformed header, no ``v1`` entry, a wrong signature. The one exception it raises
is :class:`WebhookVerificationError` (a ``ValueError``), for a timestamp outside the tolerance
and for an empty secret, so a handler can answer a replay (400) differently from a forgery
(401), as the SDK docs' Flask and FastAPI examples do with ``except ValueError``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time

__all__ = ["SIGNATURE_HEADER", "WebhookVerificationError", "sign", "verify_signature"]

#: Name of the header carrying the signature.
SIGNATURE_HEADER = "X-Pictify-Signature"
_HEX64 = re.compile(r"[0-9a-fA-F]{64}")
_MAX_HEADER = 4096


class WebhookVerificationError(ValueError):
    """The signature cannot be checked meaningfully: stale/future timestamp or empty secret."""


def _key(secret: str | bytes) -> bytes:
    key = secret.encode() if isinstance(secret, str) else secret
    if not key:
        raise WebhookVerificationError("webhook secret is empty")
    return key


def _body(payload: str | bytes) -> bytes:
    return payload.encode() if isinstance(payload, str) else payload


def _digest(payload: bytes, key: bytes, timestamp: int) -> str:
    return hmac.new(key, f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()


def sign(payload: str | bytes, secret: str | bytes, timestamp: int | None = None) -> str:
    """Return an ``X-Pictify-Signature`` value for ``payload``.

    Args:
        payload: The exact body bytes (a ``str`` is UTF-8 encoded).
        secret: The subscription secret.
        timestamp: Unix seconds; defaults to now.

    Returns:
        ``"t=<timestamp>,v1=<hex>"``.
    """
    t = int(time.time()) if timestamp is None else int(timestamp)
    return f"t={t},v1={_digest(_body(payload), _key(secret), t)}"


def _parse_header(header: str) -> tuple[int, list[str]] | None:
    """Return ``(timestamp, [v1 signatures])``, or ``None`` when the header is malformed."""
    if len(header) > _MAX_HEADER:
        return None
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        name, sep, value = part.strip().partition("=")
        if not sep:
            return None
        name, value = name.strip(), value.strip()
        if name == "t":
            if timestamp is not None or not value.isascii() or not value.isdigit():
                return None
            timestamp = int(value)
        elif name == "v1" and _HEX64.fullmatch(value):
            signatures.append(value.lower())
        # Other schemes (v0...) and malformed v1 values are ignored, not fatal.
    if timestamp is None or not signatures:
        return None
    return timestamp, signatures


def verify_signature(
    payload: str | bytes,
    header: str | None,
    secret: str | bytes,
    tolerance: float | None = 300,
    now: float | None = None,
) -> bool:
    """Check a delivery's ``X-Pictify-Signature`` against its raw body.

    Args:
        payload: The raw request body, exactly as received (do not re-serialise JSON).
        header: The ``X-Pictify-Signature`` header value (``None`` when absent).
        secret: The subscription secret returned by ``webhooks.create``.
        tolerance: Maximum age (and clock skew) in seconds; ``None`` disables the check.
        now: Current unix time, for tests; defaults to ``time.time()``.

    Returns:
        ``True`` if one ``v1`` entry matches; ``False`` for a missing/malformed header or a
        wrong signature.

    Raises:
        WebhookVerificationError: For a well-formed header whose timestamp is outside
            ``tolerance``, or an empty ``secret``.
    """
    key = _key(secret)
    if not isinstance(header, str):
        return False
    parsed = _parse_header(header)
    if parsed is None:
        return False
    timestamp, signatures = parsed
    if tolerance is not None:
        current = time.time() if now is None else now
        if abs(current - timestamp) > tolerance:
            raise WebhookVerificationError(
                f"webhook timestamp {timestamp} is outside the {tolerance:g} s tolerance"
            )
    expected = _digest(_body(payload), key, timestamp)
    # Compare against every entry without stopping early: timing reveals nothing.
    matches = [hmac.compare_digest(expected, candidate) for candidate in signatures]
    return any(matches)
