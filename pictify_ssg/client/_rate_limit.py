"""Rate-limit headers (``X-RateLimit-Limit/Remaining/Reset``) as a small value object.

The headers are documented but no client of the hosted API was seen reading them (wire notes
§3), so the parser trusts nothing: a value that is not a plain non-negative number, or is out
of range (``inf``, ``nan``, ``1e400``, a negative number, a reset after the year 9999), reads
as absent instead of raising.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

#: Largest reset we accept: 9999-12-31T23:59:59Z, the last second ``datetime`` can show.
MAX_RESET = 253_402_300_799
#: Largest limit/remaining we accept; anything bigger is noise, not a request budget.
MAX_COUNT = 10**12
#: Below this a reset is read as "seconds from now" rather than a unix time: 10**9 s after the
#: epoch is September 2001, long before this API existed, while the IETF RateLimit draft and
#: some proxies send a delta in this header.
_EPOCH_FLOOR = 1_000_000_000
_NUMBER = re.compile(r"[0-9]{1,20}(?:\.[0-9]{0,9})?")


@dataclass(frozen=True)
class RateLimitInfo:
    """The rate-limit window reported by the last response that carried the headers.

    Attributes:
        limit: Requests allowed per window.
        remaining: Requests left in the window.
        reset: Unix time (seconds) when the window resets, as sent.
    """

    limit: int | None
    remaining: int | None
    reset: int | None

    @property
    def reset_at(self) -> datetime | None:
        """:attr:`reset` as an aware UTC datetime (``None`` when absent or a delta)."""
        if self.reset is None or self.reset < _EPOCH_FLOOR:
            return None
        try:
            return datetime.fromtimestamp(self.reset, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):  # platform limits below MAX_RESET
            return None

    def seconds_until_reset(self, now: float) -> float | None:
        """Seconds from ``now`` (unix time) until the window resets, never negative.

        A reset below 10**9 is taken as a delta in seconds (see the module notes).
        """
        if self.reset is None:
            return None
        if self.reset < _EPOCH_FLOOR:
            return float(self.reset)
        return max(0.0, self.reset - now)


def parse_count(value: str | None, maximum: int = MAX_COUNT) -> int | None:
    """Read one header value as a non-negative integer; ``None`` when unreadable.

    Only plain decimal numbers are accepted (``"60"``, ``"1700000000.5"``): no sign, exponent,
    ``inf`` or ``nan``. A repeated header (``"60, 60"``, as httpx joins duplicates) uses the
    first value.

    Args:
        value: The raw header value.
        maximum: Largest value accepted.
    """
    if value is None:
        return None
    text = value.split(",", 1)[0].strip()
    if not _NUMBER.fullmatch(text):
        return None
    number = float(text)
    if not math.isfinite(number) or number > maximum:
        return None
    return int(number)


def parse_rate_limit(headers: Mapping[str, str]) -> RateLimitInfo | None:
    """Read the three headers; ``None`` when none of them is present and readable.

    Never raises for any header values.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    info = RateLimitInfo(
        limit=parse_count(lowered.get("x-ratelimit-limit")),
        remaining=parse_count(lowered.get("x-ratelimit-remaining")),
        reset=parse_count(lowered.get("x-ratelimit-reset"), MAX_RESET),
    )
    if info.limit is None and info.remaining is None and info.reset is None:
        return None
    return info
