"""Who runs a batch, and whether that server is gone.

Two servers may share one data directory (the core can run two builds at once), so a server
starting up must not fail batches another live server is still rendering. Every batch records
its owner: a random id per server instance plus the host, pid and process start time. A batch
is orphaned when that instance has stopped in this process, its process is gone (or the pid now
belongs to another process), or it is older than `STALE_BATCH_HOURS` whoever owns it.
"""

from __future__ import annotations

import os
import secrets
import socket
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from pictify_ssg.local.processes import pid_alive, process_start

STALE_BATCH_HOURS = 24.0
"""Age after which an unfinished batch is failed even if its owner still runs.

A batch holds at most 100 items of at most one render timeout each, so a day is generous.
"""

_LIVE: set[str] = set()
_LIVE_LOCK = threading.Lock()


@dataclass(frozen=True)
class Owner:
    """One server instance, as recorded on the batches it runs.

    Attributes:
        instance: Random id of the server instance (a new one per start).
        pid: Its process id.
        host: The machine's host name (pids mean nothing on another host).
        started: The process start time in clock ticks since boot, when known; guards against
            a pid that was reused by an unrelated process.
    """

    instance: str
    pid: int
    host: str
    started: int | None

    @classmethod
    def new(cls) -> Owner:
        """A fresh identity for a server starting in this process."""
        pid = os.getpid()
        return cls(
            instance=secrets.token_hex(8),
            pid=pid,
            host=socket.gethostname(),
            started=process_start(pid),
        )

    def to_doc(self) -> dict[str, Any]:
        """The JSON form stored on a batch."""
        return asdict(self)

    def register(self) -> None:
        """Mark this instance as running (its batches are not orphans)."""
        with _LIVE_LOCK:
            _LIVE.add(self.instance)

    def unregister(self) -> None:
        """Mark this instance as stopped."""
        with _LIVE_LOCK:
            _LIVE.discard(self.instance)


def owner_gone(owner: Mapping[str, Any] | None) -> bool:
    """Whether the server recorded as ``owner`` is certainly no longer running.

    Args:
        owner: The ``owner`` field of a batch (``None`` for batches written before owners were
            recorded, which are treated as orphans, as they always were).

    Returns:
        ``True`` when the instance stopped in this process or its process is gone; ``False``
        when it may still run (including owners on another host, which cannot be checked).
    """
    if not isinstance(owner, Mapping):
        return True
    instance, pid, host = owner.get("instance"), owner.get("pid"), owner.get("host")
    with _LIVE_LOCK:
        if instance in _LIVE:
            return False
    if not isinstance(pid, int):
        return True
    if host != socket.gethostname():
        return False  # another machine's pids cannot be checked; only the age bound applies
    if pid == os.getpid():
        # Same process but not a live instance: that server was stopped (or crashed).
        return True
    if not pid_alive(pid):
        return True
    recorded = owner.get("started")
    current = process_start(pid)
    return recorded is not None and current is not None and recorded != current
