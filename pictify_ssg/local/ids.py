"""Identifiers and timestamps in the hosted API's formats."""

from __future__ import annotations

import secrets
from datetime import datetime, timezone

_UID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def new_uid(length: int = 10) -> str:
    """A random uid like the hosted API's (10 characters from ``0-9A-Z``)."""
    return "".join(secrets.choice(_UID_ALPHABET) for _ in range(length))


def new_batch_id() -> str:
    """A random batch id; the hosted format is unknown, so it only needs to be URL-safe."""
    return f"batch_{secrets.token_hex(8)}"


def now_iso() -> str:
    """The current UTC time as ISO-8601 with microseconds.

    Microseconds (not the hosted API's milliseconds) so two updates in quick succession still get
    different ``updatedAt`` values, which clients use as a change marker.
    """
    return iso(datetime.now(timezone.utc))


def iso(moment: datetime) -> str:
    """``moment`` (timezone-aware) in the stored format, which sorts as text like in time."""
    utc = moment.astimezone(timezone.utc)
    return utc.isoformat(timespec="microseconds").replace("+00:00", "Z")
