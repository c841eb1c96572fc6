"""Rate-limit headers (``X-RateLimit-Limit/Remaining/Reset``) as a small value object."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone


@dataclass(frozen=True)
class RateLimitInfo:
    """The rate-limit window reported by the last response that carried the headers.

    Attributes:
        limit: Requests allowed per window.
        remaining: Requests left in the window.
        reset: Unix time (seconds) when the window resets.
    """

    limit: int | None
    remaining: int | None
    reset: int | None

    @property
    def reset_at(self) -> datetime | None:
        """:attr:`reset` as an aware UTC datetime."""
        return None if self.reset is None else datetime.fromtimestamp(self.reset, tz=timezone.utc)


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(float(value.strip()))
    except ValueError:
        return None


def parse_rate_limit(headers: Mapping[str, str]) -> RateLimitInfo | None:
    """Read the three headers; ``None`` when none of them is present and readable."""
    lowered = {k.lower(): v for k, v in headers.items()}
    info = RateLimitInfo(
        limit=_int(lowered.get("x-ratelimit-limit")),
        remaining=_int(lowered.get("x-ratelimit-remaining")),
        reset=_int(lowered.get("x-ratelimit-reset")),
    )
    if info.limit is None and info.remaining is None and info.reset is None:
        return None
    return info
