"""The card cache: diskcache behind a small interface that stores JSON and bytes, never pickles.

diskcache pickles values by default, and a writable cache folder then runs code on read
(CVE-2025-69872). Our :class:`_SafeDisk` writes only bytes, and refuses any row that is not
raw bytes or text when reading, so a planted pickle is reported, not loaded. The folder is
created owner-only (0o700).

Crash safety comes from diskcache itself: a value file is fully written before its SQLite row
is committed in one transaction, so a build killed at any point leaves either the old row or
the new one (an orphaned file at worst). SQLite's locking makes two concurrent builds safe;
diskcache retries the one step SQLite does not wait for (switching a new database to WAL), and
moving a damaged database aside waits until no other build is opening the cache and is done by
one build at a time (see :func:`_directory_lock`).

Card images are plain files next to the database (:attr:`Store.files`, see
:mod:`pictify_ssg.core.card_files`), so they can be linked into a site. Caches written before
that keep card bytes as tagged diskcache values, read by streaming (:meth:`Store.scan_bytes`)
until the card moves into a file.

"Last used" is tracked with diskcache's expiry: every read of an entry in a build pushes its
expiry ``max_age`` into the future (:meth:`Store.touch`), and :meth:`Store.prune` drops what
expired, i.e. what no build used for ``max_age``.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import shutil
import sqlite3
import stat
import sys
import time
import zlib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple, TypeAlias

import diskcache

from pictify_ssg.core import cache_keys
from pictify_ssg.core.card_files import CardFiles
from pictify_ssg.core.errors import StoreError, UnsafeCacheRowError

log = logging.getLogger("pictify_ssg")

JSON: TypeAlias = "bool | int | float | str | list[JSON] | dict[str, JSON] | None"

# Rows we write: raw bytes inline (MODE_RAW) or in a file (MODE_BINARY).
_SAFE_MODES = frozenset({diskcache.core.MODE_RAW, diskcache.core.MODE_BINARY})
_JSON_PREFIX = b"J"  # one tag byte tells JSON values from card bytes
_BYTES_PREFIX = b"B"
_SCAN_CHUNK = 256 * 1024  # read size of `Store.scan_bytes`: a card is never in memory whole
#: Keys per query of `Store.get_json_many` (SQLite allowed 999 variables before 3.32).
_MANY_CHUNK = 900
#: An entry whose expiry was pushed this recently is not touched again: a warm build then
#: writes nothing for it (at worst it expires a day early).
_TOUCH_SLACK_S = 86400.0


class BytesScan(NamedTuple):
    """What :meth:`Store.scan_bytes` read from a stored bytes value.

    Attributes:
        head: Its first bytes (as many as asked for).
        size: Its length.
        crc32: Its CRC-32 (``zlib.crc32``).
    """

    head: bytes
    size: int
    crc32: int


class _SafeDisk(diskcache.Disk):
    """A diskcache ``Disk`` that stores bytes only and never unpickles."""

    def put(self, key: Any) -> Any:
        if not isinstance(key, str):
            raise TypeError("cache keys must be str")
        return super().put(key)

    def get(self, key: Any, raw: bool) -> Any:
        if not raw:
            raise UnsafeCacheRowError("refusing a pickled cache key")
        return super().get(key, raw)

    def store(self, value: Any, read: bool, key: Any = diskcache.core.UNKNOWN) -> Any:
        if read or not isinstance(value, bytes):
            raise TypeError("cache values must be bytes")
        return super().store(value, read, key=key)

    def fetch(self, mode: int, filename: Any, value: Any, read: bool) -> Any:
        if mode not in _SAFE_MODES:
            raise UnsafeCacheRowError(f"refusing a cache row stored in mode {mode} (pickle?)")
        data = super().fetch(mode, filename, value, read)  # type: ignore[call-overload]
        if read and mode == diskcache.core.MODE_BINARY and isinstance(data, io.BufferedReader):
            return data  # an open handle on a value file we wrote (see Store.scan_bytes)
        if not isinstance(data, bytes):
            raise UnsafeCacheRowError("refusing a cache row that is not bytes")
        return data


def _check_database(path: Path) -> None:
    """Raise ``sqlite3.DatabaseError`` when the cache database is damaged.

    Opening reads only diskcache's settings table, so a damaged page elsewhere would surface
    mid-build as a traceback. ``quick_check`` reads every page once; the database holds no
    card bytes above a few KB (bigger values live in files), so this is fast.
    """
    if not path.is_file():
        return
    connection = sqlite3.connect(str(path), timeout=60)
    try:
        rows = connection.execute("PRAGMA quick_check").fetchall()
    finally:
        connection.close()
    if rows != [("ok",)]:
        raise sqlite3.DatabaseError(f"integrity check failed: {rows[0][0] if rows else '?'}")


def _is_damage(exc: sqlite3.DatabaseError, database: Path) -> bool:
    """Whether SQLite refused the database's content (worth moving aside).

    Cannot open, locked, read-only (``OperationalError``): not damage, and not ours to move.
    """
    return not isinstance(exc, sqlite3.OperationalError) and database.is_file()


def _move_aside(path: Path) -> Path:
    """Rename a damaged database file (and its journals) out of the way; returns the new path."""
    aside = path.with_name(f"{path.name}.damaged-{int(time.time())}")
    path.replace(aside)
    for suffix in ("-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    return aside


@contextlib.contextmanager
def _directory_lock(folder: Path, *, exclusive: bool) -> Iterator[None]:
    """Hold a ``flock`` on ``folder`` itself (no lock file to clean up): shared to open the
    cache, exclusive to move a damaged database aside.

    Without it, a build that opened the folder just after another one renamed the damaged
    file started a new database there, whose WAL the first one then deleted (``disk I/O
    error``), or two builds both moved a file aside, the second one the new database the
    first had started. Opening holds the lock shared, so opens never wait for each other,
    only for a move. The local server's storage does the same; they share no module because
    the core must not import the optional local server.

    Where there is no ``flock`` (Windows, where an open database cannot be renamed anyway) or
    the file system refuses it, the cache is opened without a lock rather than not at all.
    """
    if sys.platform == "win32":
        yield
        return
    import fcntl

    descriptor = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        except OSError as exc:
            log.debug("pictify: cannot lock %s (%s); opening it without a lock", folder, exc)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def _owner_only_dir(path: Path) -> None:
    """Create ``path`` (0o700) or tighten it; refuse a folder owned by someone else."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.stat()
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise StoreError(
            f"the cache folder {path} belongs to another user; remove it or set cache_dir"
        )
    if stat.S_IMODE(info.st_mode) & 0o077:
        path.chmod(0o700)


class Store:
    """Key -> JSON value or bytes, persisted in a folder, shared safely between processes.

    Args:
        directory: The cache folder (created owner-only).
        max_age_days: Entries not used for this many days expire; 0 keeps them forever.
    """

    def __init__(self, directory: Path, *, max_age_days: int = 30) -> None:
        self.directory = directory
        self.files = CardFiles(directory / "cards")
        self._max_age = max_age_days * 86400.0 if max_age_days > 0 else None
        # Expiry times seen by get_json_many, so touch() can skip entries used recently.
        self._expiry: dict[str, float | None] = {}
        # Keys used by each open session (see session()).
        self._sessions: list[set[str]] = []
        try:
            if directory.exists() and not directory.is_dir():
                raise StoreError(
                    f"the card cache folder {directory} is a file; remove it or set cache_dir "
                    "to another folder"
                )
            _owner_only_dir(directory)
            database = directory / diskcache.core.DBNAME
            with _directory_lock(directory, exclusive=False):
                try:
                    self._cache = self._open()
                    return
                except sqlite3.DatabaseError as exc:
                    if not _is_damage(exc, database):
                        raise
            self._cache = self._recover(database)
        except (OSError, diskcache.Timeout, sqlite3.DatabaseError) as exc:
            raise StoreError(
                f"cannot open the card cache at {directory}: {exc}; make the folder writable "
                "or set cache_dir to another folder"
            ) from None

    def _recover(self, database: Path) -> diskcache.Cache:
        """Move the damaged database aside and open an empty cache (one build at a time)."""
        with _directory_lock(self.directory, exclusive=True):
            try:
                # Another build may have moved it aside while this one waited for the lock.
                return self._open()
            except sqlite3.DatabaseError as exc:
                if not _is_damage(exc, database):
                    raise
                # A cache is disposable: keep the damaged file for inspection, start afresh.
                aside = _move_aside(database)
                log.warning(
                    "pictify: the card cache %s was damaged (%s) and was moved to %s; "
                    "starting with an empty cache, so cards are rendered again",
                    self.directory,
                    exc,
                    aside.name,
                )
            return self._open()

    def _open(self) -> diskcache.Cache:
        _check_database(self.directory / diskcache.core.DBNAME)
        return diskcache.Cache(
            str(self.directory),
            disk=_SafeDisk,
            eviction_policy="none",  # we prune by last use, never by size behind the back
            size_limit=2**62,
            statistics=0,
            timeout=60,
        )

    # -- reading ------------------------------------------------------------------------------

    def _get(self, key: str, prefix: bytes) -> bytes | None:
        try:
            raw, expire_time = self._cache.get(key, default=None, expire_time=True, retry=True)
        except UnsafeCacheRowError:
            log.warning("pictify: ignoring an unsafe cache entry %r in %s", key, self.directory)
            return None
        except OSError:
            return None  # the value file vanished (concurrent prune): a miss, not a failure
        if not isinstance(raw, bytes) or not raw.startswith(prefix):
            return None
        self._expiry[key] = expire_time
        self._used((key,))
        return raw[len(prefix) :]

    def _used(self, keys: Iterable[str]) -> None:
        for used in self._sessions:
            used.update(keys)

    def _written(self, keys: Iterable[str]) -> None:
        # Writing sets a fresh expiry: the session's touch can leave these keys alone.
        expiry = time.time() + self._max_age if self._max_age is not None else None
        for key in keys:
            self._expiry[key] = expiry
        self._used(keys)

    def get_json(self, key: str) -> JSON:
        """The JSON value stored under ``key``, or ``None``."""
        raw = self._get(key, _JSON_PREFIX)
        if raw is None:
            return None
        try:
            value: JSON = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None
        return value

    def get_json_many(self, keys: Iterable[str]) -> dict[str, JSON]:
        """The JSON values stored under ``keys`` (missing ones left out), in one query per
        900 keys instead of one per key: a warm build of 10 000 pages reads its records in
        a dozen queries.

        Rows are checked as in :meth:`get_json`: only our own raw rows are read; anything
        else (a planted pickle, a row in a file) is read through :meth:`get_json`.
        """
        wanted = list(dict.fromkeys(keys))
        found: dict[str, JSON] = {}
        now = time.time()
        for start in range(0, len(wanted), _MANY_CHUNK):
            chunk = wanted[start : start + _MANY_CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._query(
                "SELECT key, expire_time, mode, value FROM Cache "
                f"WHERE raw = 1 AND key IN ({marks}) "
                "AND (expire_time IS NULL OR expire_time > ?)",
                (*chunk, now),
            )
            for key, expire_time, mode, value in rows:
                self._expiry[key] = expire_time
                if mode != diskcache.core.MODE_RAW or not isinstance(value, bytes):
                    slow = self.get_json(key)  # a large value in a file: the checked way
                    if slow is not None:
                        found[key] = slow
                    continue
                if not value.startswith(_JSON_PREFIX):
                    continue
                try:
                    found[key] = json.loads(value[len(_JSON_PREFIX) :].decode("utf-8"))
                except (UnicodeDecodeError, ValueError):
                    continue
        self._used(found)
        return found

    def get_bytes(self, key: str) -> bytes | None:
        """The bytes stored under ``key``, or ``None``."""
        return self._get(key, _BYTES_PREFIX)

    def scan_bytes(self, key: str, *, head: int) -> BytesScan | None:
        """Read the bytes stored under ``key`` once, keeping only their first ``head`` bytes.

        For checking a value without holding it (see ``cards.bytes_problem``); streamed like
        diskcache's value file. A value without its tag byte (emptied, or overwritten from the
        start) scans as empty: it is a bytes entry that has lost its content.

        Returns:
            The scan, or ``None`` when there is nothing to read: no entry, an unsafe row, a
            vanished value file, or a JSON value.
        """
        reader = self._open_value(key)
        if reader is None:
            return None
        first, size, crc = b"", 0, 0
        with reader:
            try:
                tag = reader.read(len(_BYTES_PREFIX))
                if tag == _JSON_PREFIX:
                    return None
                while tag == _BYTES_PREFIX and (chunk := reader.read(_SCAN_CHUNK)):
                    if len(first) < head:
                        first += chunk[: head - len(first)]
                    size += len(chunk)
                    crc = zlib.crc32(chunk, crc)
            except OSError:
                return None  # the value file vanished mid-read: as if it had gone before
        return BytesScan(first, size, crc)

    def _open_value(self, key: str) -> BinaryIO | None:
        """A handle on the raw stored value (tag byte first), or ``None`` when unreadable."""
        try:
            value = self._cache.get(key, default=None, read=True, retry=True)
        except UnsafeCacheRowError:
            log.warning("pictify: ignoring an unsafe cache entry %r in %s", key, self.directory)
            return None
        except OSError:
            return None  # the value file vanished (concurrent prune): a miss, not a failure
        if value is None:
            return None
        self._used((key,))
        reader: BinaryIO = io.BytesIO(value) if isinstance(value, bytes) else value
        return reader

    def keys(self, prefix: str = "") -> list[str]:
        """Every live key starting with ``prefix`` (for tests and tooling; not for hot paths)."""
        try:
            keys = list(self._cache.iterkeys())
        except UnsafeCacheRowError:
            return []  # a planted row: listing is for tooling, reads stay safe regardless
        return [k for k in keys if isinstance(k, str) and k.startswith(prefix) and k in self._cache]

    def __contains__(self, key: str) -> bool:
        # A presence check reads neither the value nor its file (one indexed SQLite lookup).
        return key in self._cache

    # -- writing ------------------------------------------------------------------------------

    def set_json(self, key: str, value: object) -> None:
        """Store a JSON-serialisable value (refreshes its expiry).

        Raises:
            TypeError: When ``value`` is not JSON (nothing else is ever written).
        """
        data = json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)
        self._cache.set(key, _JSON_PREFIX + data.encode("utf-8"), expire=self._max_age, retry=True)
        self._written((key,))

    def set_json_many(self, items: Mapping[str, object]) -> None:
        """Store many JSON values in one transaction (one commit instead of one per value)."""
        with self._cache.transact(retry=True):
            for key, value in items.items():
                self.set_json(key, value)

    def set_bytes(self, key: str, data: bytes) -> None:
        """Store bytes (refreshes their expiry)."""
        self._cache.set(key, _BYTES_PREFIX + data, expire=self._max_age, retry=True)
        self._written((key,))

    def delete(self, key: str) -> None:
        """Forget ``key`` (no error when absent)."""
        self._cache.delete(key, retry=True)

    # -- liveness -----------------------------------------------------------------------------

    def session(self) -> StoreSession:
        """Start recording the keys a build uses (see :class:`StoreSession`)."""
        session = StoreSession(self)
        self._sessions.append(session.used)
        return session

    def _end_session(self, used: set[str]) -> None:
        # By identity: two sessions with the same keys are still two sessions.
        self._sessions[:] = [s for s in self._sessions if s is not used]

    def touch(self, keys: Iterable[str]) -> None:
        """Mark entries as used now, so :meth:`prune` keeps them another ``max_age``."""
        if self._max_age is None:
            return
        # Entries read by get_json_many whose expiry is still nearly a full max_age away were
        # touched by a build less than a day ago: leave them, so a warm build writes nothing.
        # (A tenth of max_age when that is shorter, so short lifetimes still get refreshed.)
        fresh_after = time.time() + self._max_age - min(_TOUCH_SLACK_S, self._max_age / 10)
        stale = [k for k in keys if (self._expiry.get(k) or 0.0) < fresh_after]
        if not stale:
            return
        with self._cache.transact(retry=True):
            for key in stale:
                self._cache.touch(key, expire=self._max_age, retry=True)
                self._expiry.pop(key, None)

    def prune(self) -> int:
        """Remove entries not used for ``max_age``; returns how many went."""
        if self._max_age is None:
            return 0
        removed: int = self._cache.expire(retry=True)
        return removed

    def live_keys(self, prefix: str) -> list[str]:
        """Every unexpired key starting with ``prefix``, in one query (for sweeping files)."""
        rows = self._query(
            "SELECT key FROM Cache WHERE raw = 1 AND key >= ? AND key < ? "
            "AND (expire_time IS NULL OR expire_time > ?)",
            (prefix, prefix + "\U0010ffff", time.time()),
        )
        return [key for (key,) in rows if isinstance(key, str)]

    def _query(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        """Run a read-only query on diskcache's table with diskcache's own connection (its
        schema, ``Cache(key, raw, expire_time, mode, filename, value, ...)``, is stable
        across diskcache 5; the version is pinned below 6)."""
        execute = self._cache._sql  # type: ignore[attr-defined]
        rows: list[tuple[Any, ...]] = execute(sql, params).fetchall()
        return rows

    def clear(self) -> int:
        """Forget every entry and delete every card file; returns how many entries went."""
        removed: int = self._cache.clear(retry=True)
        self.files.remove_all()
        shutil.rmtree(self.directory / cache_keys.SNAPSHOTS_FOLDER, ignore_errors=True)
        return removed

    def close(self) -> None:
        """Close the SQLite connection (the store can be reopened later)."""
        self._cache.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class StoreSession:
    """The keys one build used, so the entries it still needs outlive the prune.

    Every key read with a hit or written while the session is open is recorded by the store
    itself; :meth:`close` refreshes their expiry and prunes what no build used for
    ``max_age``. No caller keeps a list of keys by hand.

    Attributes:
        used: The keys recorded so far.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.used: set[str] = set()
        self._open = True

    def close(self) -> int:
        """Refresh every recorded key, then prune; returns how many entries the prune removed.

        Entries refreshed less than a day ago are left as they are (see :meth:`Store.touch`),
        so a warm build writes nothing.
        """
        if not self._open:
            return 0
        self.discard()
        self.store.touch(sorted(self.used))
        return self.store.prune()

    def discard(self) -> None:
        """Stop recording without refreshing anything (a build that was cancelled)."""
        self._open = False
        self.store._end_session(self.used)
