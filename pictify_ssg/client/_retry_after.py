"""Parse how long the server asked us to wait (``Retry-After`` header or body field)."""

from __future__ import annotations

import email.utils
import math
import time
from collections.abc import Mapping
from typing import Any


def parse_retry_after(value: Any, *, now: float | None = None) -> float | None:
    """Turn a ``Retry-After`` value into seconds from now; never raises.

    Args:
        value: Delay in seconds (``"2"``, ``"1.5"``, ``3``) or an HTTP date
            (``"Wed, 21 Oct 2026 07:28:00 GMT"``). Anything else (other types, ``nan``,
            ``inf``, an unreadable or zone-less date) reads as absent.
        now: Current unix time, for HTTP dates; defaults to ``time.time()``.

    Returns:
        Seconds (finite, >= 0), or ``None`` when the value is missing or unreadable.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:
            seconds = float(value)
        except OverflowError:  # an int beyond float range
            return None
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            seconds = float(text)
        except ValueError:
            found = _http_date_seconds(text, now)
            if found is None:
                return None
            seconds = found
    else:
        return None
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)


def _http_date_seconds(text: str, now: float | None) -> float | None:
    try:
        when = email.utils.parsedate_to_datetime(text)
        if when.tzinfo is None:  # RFC 9110 dates are GMT; a naive parse means no zone was given
            return None
        return when.timestamp() - (time.time() if now is None else now)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def retry_after_seconds(
    headers: Mapping[str, str], body: Mapping[str, Any] | None = None, *, now: float | None = None
) -> float | None:
    """Read the wait from the ``Retry-After`` header, else body ``retry_after``/``retryAfter``."""
    lowered = {k.lower(): v for k, v in headers.items()}
    found = parse_retry_after(lowered.get("retry-after"), now=now)
    if found is None and body:
        for key in ("retry_after", "retryAfter"):
            found = parse_retry_after(body.get(key), now=now)
            if found is not None:
                break
    return found
