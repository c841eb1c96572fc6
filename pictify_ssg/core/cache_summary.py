"""What a card cache holds, for ``pictify-ssg cache info``, and emptying it."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from pictify_ssg.core import cache_keys
from pictify_ssg.core.cards import cache_file_name
from pictify_ssg.core.store import Store

_RECORD_PREFIX = cache_keys.card("")


@dataclass(frozen=True)
class CacheSummary:
    """A card cache at a glance.

    Attributes:
        directory: The cache folder.
        cards: Card records (each a rendered card: its image file, or a hosted URL).
        card_bytes: Bytes of the cached card images.
        disk_bytes: Bytes of everything in the folder (database, local renderer data...).
        oldest: When the oldest cached card image was written (UTC), if any.
        newest: When the newest one was written (UTC), if any.
    """

    directory: Path
    cards: int
    card_bytes: int
    disk_bytes: int
    oldest: dt.datetime | None
    newest: dt.datetime | None


def summarize(store: Store) -> CacheSummary:
    """Count the card records of ``store`` and measure their image files (read-only)."""
    keys = store.keys(_RECORD_PREFIX)
    records = store.get_json_many(keys)
    count, size, times = 0, 0, []
    for key, record in records.items():
        if not isinstance(record, dict):
            continue
        count += 1
        fmt = record.get("format")
        name = cache_file_name(key[len(_RECORD_PREFIX) :], fmt if isinstance(fmt, str) else "png")
        try:
            stamp = store.files.stamp(name)
        except ValueError:  # not a fingerprint of ours
            stamp = None
        if stamp is not None:
            size += stamp.size
            times.append(dt.datetime.fromtimestamp(stamp.mtime_ns / 1e9, tz=dt.timezone.utc))
    return CacheSummary(
        directory=store.directory,
        cards=count,
        card_bytes=size,
        disk_bytes=folder_bytes(store.directory),
        oldest=min(times, default=None),
        newest=max(times, default=None),
    )


def folder_bytes(folder: Path) -> int:
    """Bytes of the files under ``folder`` (links not followed; vanished files count 0)."""
    return sum(
        _size(os.path.join(root, name)) for root, _dirs, names in os.walk(folder) for name in names
    )


def _size(path: str) -> int:
    try:
        return os.lstat(path).st_size
    except OSError:  # removed by a concurrent build meanwhile
        return 0
