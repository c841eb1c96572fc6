"""Retention: rendered files, image records and finished batches expire; templates never do.

The hosted API keeps batch results for 7 days; the local server does the same by default, so
neither a site's ``.cache/pictify`` nor the user cache dir of ``pictify-ssg serve`` grows
forever. Pruning is driven by the indexed ``created_at`` column, in small chunks, so a run with
nothing due costs one index probe per kind. Files that lost their record (a crash between
writing the file and its row) are found by a directory scan that runs at most once a day per
data directory, whichever server sharing it gets there first.

What is never deleted: templates, open (running) batches, images a running batch refers to,
and any file younger than `FILE_GRACE` — a render writes its file just before its record, so a
young file without a record may be one another server is about to record.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from pictify_ssg.local.ids import iso
from pictify_ssg.local.storage import CONTENT_TYPES, MEDIA_KINDS, Kind, Storage, is_file_name

logger = logging.getLogger(__name__)

CHUNK = 200
"""Rows handled per statement, so other writers (requests, other servers) wait only briefly."""

FILE_GRACE = timedelta(hours=1)
"""Files younger than this are never swept, whatever the retention."""

SWEEP_EVERY = timedelta(hours=24)
"""How often the orphan-file scan may run per data directory."""

_SWEEP_KEY = "last_file_sweep"
_MAX_RETENTION_HOURS = 24 * 365 * 100

Clock = Callable[[], datetime]
"""Returns the current time (timezone-aware); injectable for tests."""


def utc_now() -> datetime:
    """The current UTC time."""
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class PruneReport:
    """What one prune removed.

    Attributes:
        images: Image records deleted.
        batches: Finished batches deleted.
        files: Files deleted (those of the images plus swept orphans).
        swept: Whether the orphan-file scan ran this time.
    """

    images: int = 0
    batches: int = 0
    files: int = 0
    swept: bool = False


class Pruner:
    """Deletes what is older than the retention period from one data directory.

    Thread-safe (the storage serialises statements, and runs of one pruner do not overlap);
    safe next to other servers pruning the same directory (every step is idempotent and rows
    are only deleted while still old and finished).

    Args:
        storage: The data directory.
        retention_hours: Age after which things go; 0 keeps everything.
        clock: The current time.
    """

    def __init__(self, storage: Storage, retention_hours: float, clock: Clock = utc_now) -> None:
        self._storage = storage
        # Capped so absurd values (even ``inf``) mean "about forever" instead of overflowing.
        hours = min(retention_hours, _MAX_RETENTION_HOURS)
        self._retention = timedelta(hours=hours) if hours > 0 else None
        self._clock = clock
        self._running = threading.Lock()
        self._stopping = threading.Event()

    def stop(self) -> None:
        """Make a run in progress end after its current chunk (used when the server stops)."""
        self._stopping.set()

    def prune(self) -> PruneReport:
        """Delete expired batches, images and files once.

        Returns:
            Counts of what went.
        """
        if self._retention is None:
            return PruneReport()
        with self._running:
            now = self._clock()
            cutoff = iso(now - self._retention)
            batches = self._prune_batches(cutoff)
            keep = _referenced_images(self._storage.open_documents("batch"))
            images, files = self._prune_images(cutoff, keep)
            swept = 0
            did_sweep = False
            if not self._stopping.is_set() and self._storage.claim(
                _SWEEP_KEY, iso(now), iso(now - SWEEP_EVERY)
            ):
                did_sweep = True
                swept = self._sweep(min(now - self._retention, now - FILE_GRACE))
        report = PruneReport(images=images, batches=batches, files=files + swept, swept=did_sweep)
        if report.images or report.batches or report.files:
            logger.info(
                "pictify local server: pruned %d image(s), %d file(s), %d batch(es) older than %s",
                report.images,
                report.files,
                report.batches,
                self._retention,
            )
        return report

    def _prune_batches(self, cutoff: str) -> int:
        # `expired` never returns open (running) batches, whatever their age.
        deleted = 0
        while not self._stopping.is_set():
            rows = self._storage.expired("batch", cutoff, CHUNK)
            removed = self._storage.delete_expired("batch", [doc_id for doc_id, _ in rows], cutoff)
            deleted += removed
            if len(rows) < CHUNK or not removed:
                break
        return deleted

    def _prune_images(self, cutoff: str, keep: set[str]) -> tuple[int, int]:
        images = files = 0
        for kind in MEDIA_KINDS:
            pruned = self._prune_media(kind, cutoff, keep)
            images, files = images + pruned[0], files + pruned[1]
        return images, files

    def _prune_media(self, kind: Kind, cutoff: str, keep: set[str]) -> tuple[int, int]:
        images = files = 0
        while not self._stopping.is_set():
            rows = self._storage.expired(kind, cutoff, CHUNK)
            due = []
            # Files first: a crash in between leaves a record without a file (pruned next
            # time), never a file nobody knows about. A file that cannot be deleted (in use,
            # on Windows) keeps its record, so the next run tries again.
            for doc_id, doc in rows:
                if doc_id in keep:
                    continue
                try:
                    files += sum(self._storage.delete_file(n) for n in file_names(doc_id, doc))
                except OSError as exc:
                    logger.debug("pictify local server: cannot delete %s yet: %s", doc_id, exc)
                    continue
                due.append(doc_id)
            removed = self._storage.delete_expired(kind, due, cutoff)
            images += removed
            if len(rows) < CHUNK or not removed:
                break
        return images, files

    def _sweep(self, older_than: datetime) -> int:
        """Delete files with no image record (and stale ``.part`` files) older than the bound."""
        limit = older_than.timestamp()
        removed = 0
        for entry in self._storage.scan_files():
            if self._stopping.is_set():
                break
            if entry.mtime >= limit:
                continue
            name = entry.name
            if name.endswith(".part"):
                orphan = is_file_name(name.removesuffix(".part"))
            else:
                # Anything not named like a rendered file is not ours: leave it alone.
                stem = name.rsplit(".", 1)[0]
                orphan = is_file_name(name) and not any(
                    self._storage.exists(kind, stem) for kind in MEDIA_KINDS
                )
            if orphan:
                try:
                    removed += self._storage.delete_file(name)
                except OSError as exc:
                    logger.debug("pictify local server: cannot delete %s yet: %s", name, exc)
        return removed


def file_names(image_id: str, doc: Mapping[str, Any]) -> list[str]:
    """The file(s) an image record may own.

    Records written before the ``file`` field existed are matched through their URL, and
    failing that through every extension the renderer writes (file names are the image id).
    """
    for candidate in (doc.get("file"), str(doc.get("url", "")).rsplit("/", 1)[-1]):
        if isinstance(candidate, str) and is_file_name(candidate):
            return [candidate]
    names = [f"{image_id}.{ext}" for ext in CONTENT_TYPES]
    return [name for name in names if is_file_name(name)]


def _referenced_images(batches: Iterable[Mapping[str, Any]]) -> set[str]:
    ids: set[str] = set()
    for batch in batches:
        for item in batch.get("items", {}).values():
            if item.get("id"):
                ids.add(item["id"])
            ids.update(image["id"] for image in item.get("images", ()) if image.get("id"))
    return ids


class Maintenance:
    """The periodic chores of one running server: take over orphaned batches, prune.

    Runs once right away (in a worker thread, so start-up is not delayed by a large first
    prune) and then every ``interval_s`` until `stop`.

    Args:
        pruner: Deletes expired things.
        recover: Fails batches whose server is gone; returns how many.
        interval_s: Pause between runs.
    """

    def __init__(self, pruner: Pruner, recover: Callable[[], int], interval_s: float) -> None:
        self._pruner = pruner
        self._recover = recover
        self._interval = interval_s
        self.pruner = pruner
        self._task: asyncio.Task[None] | None = None
        self._current: asyncio.Future[None] | None = None

    def start(self) -> None:
        """Start the background task on the running loop."""
        self._task = asyncio.get_running_loop().create_task(self._loop())

    async def stop(self) -> None:
        """Stop the task; a run in progress ends after its current chunk and is awaited."""
        self._pruner.stop()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._current is not None:
            # The worker thread cannot be cancelled; wait so storage is not closed under it.
            with contextlib.suppress(Exception):
                await self._current

    def run_once(self) -> None:
        """One round of chores (blocking; errors are logged, never raised)."""
        try:
            self._recover()
            self._pruner.prune()
        except Exception:
            logger.exception("pictify local server: retention run failed")

    async def _loop(self) -> None:
        while True:
            self._current = asyncio.ensure_future(asyncio.to_thread(self.run_once))
            await asyncio.shield(self._current)
            self._current = None
            await asyncio.sleep(self._interval)
