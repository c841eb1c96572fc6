"""Parse how long the server asked us to wait (``Retry-After`` header or body field)."""

from __future__ import annotations

import email.utils
import math
import time
from collections.abc import Mapping
from typing import Any


def parse_retry_after(value: Any, *, now: float | None = None) -> float | None:
    """Turn a ``Retry-After`` value into seconds from now.

    Args:
        value: Delay in seconds (``"2"``, ``"1.5"``, ``3``) or an HTTP date
            (``"Wed, 21 Oct 2026 07:28:00 GMT"``).
        now: Current unix time, for HTTP dates; defaults to ``time.time()``.

    Returns:
        Seconds (>= 0), or ``None`` when the value is missing or unreadable.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        seconds = float(value)
    else:
        text = str(value).strip()
        if not text:
            return None
        try:
            seconds = float(text)
        except ValueError:
            try:
                when = email.utils.parsedate_to_datetime(text)
            except (TypeError, ValueError, IndexError):
                return None
            if when.tzinfo is None:  # RFC 9110 dates are GMT; a naive parse means "GMT"
                return None
            seconds = when.timestamp() - (time.time() if now is None else now)
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(0.0, seconds)


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
