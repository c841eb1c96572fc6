"""Server state: JSON documents in SQLite plus rendered files, all under one data directory.

Documents (templates, images, batches) are stored as JSON text, never pickles, so a data
directory cannot smuggle code into the server. The default directory is the user's cache dir,
because every file in it can be re-rendered.

Several servers may use one directory at once (each with its own connection): every change is
one statement or one short transaction, and SQLite's busy timeout serialises the writers. The
one step the busy timeout does not cover is switching a new database to WAL: SQLite answers
``database is locked`` at once when two connections try it together, so that step is retried.

A database SQLite refuses as damaged is renamed aside (``state.sqlite3.damaged-<time>``, with
its WAL and shared-memory files) and a new one is started, with a warning naming the file:
everything in it can be made again (templates are uploaded again by the build, images are
rendered again).

Everything here is owner-only: the directories 0700, the database, its WAL and shared-memory
files and every rendered file 0600, whatever the umask; state left by an older version is
tightened when a server opens the directory.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import random
import re
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import platformdirs

from pictify_ssg.local.exceptions import DataDirError
from pictify_ssg.local.private_files import (
    FILE_MODE,
    make_private_dir,
    restrict,
    restrict_files,
    touch_private,
    write_private,
)

logger = logging.getLogger(__name__)

Kind = Literal["template", "image", "batch", "gif", "pdf", "subscription", "binding"]

MEDIA_KINDS: tuple[Kind, ...] = ("image", "gif", "pdf")
"""Kinds whose records own a rendered file (retention deletes the two together)."""

CONTENT_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
    "pdf": "application/pdf",
    "gif": "image/gif",
}
"""File extension -> content type, for everything the renderer writes."""

_FILE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}\.(png|jpg|jpeg|webp|pdf|gif)$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (kind, id)
)
"""

# Version 1: ``open`` flags unfinished batches (found through a partial index instead of
# parsing every batch), ``(kind, created_at)`` makes the retention query a range scan, and
# ``meta`` holds shared bookkeeping such as the last orphan-file sweep.
_MIGRATION_1 = (
    "ALTER TABLE documents ADD COLUMN open INTEGER NOT NULL DEFAULT 0",
    "CREATE INDEX IF NOT EXISTS documents_age ON documents (kind, created_at)",
    "CREATE INDEX IF NOT EXISTS documents_open ON documents (kind) WHERE open = 1",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)
_SCHEMA_VERSION = 1
_LEGACY_OPEN_STATUSES = ("pending", "processing")

DATABASE_NAME = "state.sqlite3"
# Files SQLite keeps beside the database: the WAL, its shared-memory index, and the rollback
# journal (used before WAL mode is switched on).
_DATABASE_COMPANIONS = ("-wal", "-shm", "-journal")

BUSY_TIMEOUT_S = 30.0
"""How long a statement waits for another server's write on a shared data directory."""

# SQLite result codes (the primary code is the low byte of an extended one). Named here
# because the `sqlite3` module only exports them from Python 3.11 on.
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26

# Pause between tries of the WAL switch: short, because the other server holds the lock for
# a few milliseconds, and jittered so that two servers that collided once do not again.
_WAL_RETRY_FIRST_S = 0.005
_WAL_RETRY_MAX_S = 0.2


@dataclass(frozen=True)
class StoredFile:
    """A file under ``files/`` as seen by a directory scan."""

    name: str
    mtime: float


def is_file_name(name: str) -> bool:
    """Whether ``name`` is a name the server could have given a rendered file."""
    return bool(_FILE_NAME.match(name))


def default_data_dir() -> Path:
    """The directory used when none is given: ``<user cache dir>/pictify-ssg/local-server``."""
    return Path(platformdirs.user_cache_dir("pictify-ssg")) / "local-server"


class Storage:
    """Documents and files of one server.

    Args:
        data_dir: Root directory; created (owner-only) when missing.
        files_dir: Where rendered files go (default: ``data_dir/files``).

    Raises:
        DataDirError: The directory or its database cannot be created or opened.
    """

    def __init__(self, data_dir: Path, files_dir: Path | None = None) -> None:
        self.data_dir = data_dir
        self.files_dir = files_dir if files_dir is not None else data_dir / "files"
        self.database = data_dir / DATABASE_NAME
        self._lock = threading.Lock()
        try:
            make_private_dir(data_dir)
            make_private_dir(self.files_dir)
            restrict_files(self.files_dir)
            self._db = self._open()
        except (OSError, sqlite3.Error) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise DataDirError(f"cannot use the data directory {data_dir}: {reason}") from exc
        self.restrict_database()

    def _open(self) -> sqlite3.Connection:
        """Connect, moving a damaged database aside first when SQLite refuses it."""
        with _directory_lock(self.data_dir, exclusive=False):
            try:
                return self._connect()
            except sqlite3.DatabaseError as exc:
                if not _is_damage(exc):
                    raise
        # The shared lock is let go first: two servers waiting to upgrade theirs would wait
        # for each other forever.
        with _directory_lock(self.data_dir, exclusive=True):
            try:
                # Another server may have replaced the damaged file while this one waited.
                return self._connect()
            except sqlite3.DatabaseError as exc:
                if not _is_damage(exc):
                    raise
                aside = _move_aside(self.database)
                logger.warning(
                    "the local renderer's database %s was damaged (%s) and was moved to %s; "
                    "starting with an empty one (templates are uploaded and images rendered "
                    "again as needed)",
                    self.database,
                    exc,
                    aside.name,
                )
            return self._connect()

    def _connect(self) -> sqlite3.Connection:
        # Created owner-only before SQLite opens it: SQLite gives its WAL and shared-memory
        # files the database's own mode, so this one decision covers all three.
        touch_private(self.database)
        # One connection shared by the event loop and the thread that stops the server; the lock
        # serialises them, which SQLite's own check_same_thread guard cannot express. `timeout`
        # sets SQLite's busy timeout as the connection opens, before any statement or pragma.
        db = sqlite3.connect(
            self.database, check_same_thread=False, isolation_level=None, timeout=BUSY_TIMEOUT_S
        )
        try:
            _use_wal(db, self.database)
            # Every render writes a row; NORMAL skips the per-commit fsync (WAL stays
            # consistent, and anything lost in a power cut is a cache entry to render again).
            db.execute("PRAGMA synchronous=NORMAL")
            _check_integrity(db)
            self._migrate(db)
        except BaseException:
            db.close()
            raise
        return db

    def restrict_database(self) -> None:
        """Make the database and the companion files SQLite created beside it owner-only.

        SQLite already creates them with the database's mode; this also tightens files left by
        a version that did not, and costs one ``stat`` each.
        """
        restrict(self.database, FILE_MODE)
        for suffix in _DATABASE_COMPANIONS:
            restrict(self.database.with_name(DATABASE_NAME + suffix), FILE_MODE)

    @staticmethod
    def _migrate(db: sqlite3.Connection) -> None:
        # BEGIN IMMEDIATE takes the write lock first, so two servers starting on one directory
        # cannot both add the same column.
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute(_SCHEMA)
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version < 1:
                columns = {row[1] for row in db.execute("PRAGMA table_info(documents)")}
                for statement in _MIGRATION_1:
                    if "ADD COLUMN open" in statement and "open" in columns:
                        continue
                    db.execute(statement)
                for doc_id, text in db.execute(
                    "SELECT id, doc FROM documents WHERE kind = 'batch'"
                ).fetchall():
                    if _load(text).get("status") in _LEGACY_OPEN_STATUSES:
                        db.execute(
                            "UPDATE documents SET open = 1 WHERE kind = 'batch' AND id = ?",
                            (doc_id,),
                        )
                db.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")
            db.execute("COMMIT")
        except BaseException:
            _rollback(db)
            raise

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    def put(
        self,
        kind: Kind,
        doc_id: str,
        doc: dict[str, Any],
        created_at: str,
        *,
        unfinished: bool = False,
    ) -> None:
        """Insert or replace a document.

        Args:
            kind: Document kind.
            doc_id: Its id.
            doc: The JSON document.
            created_at: ISO-8601 UTC creation time (what retention compares).
            unfinished: Whether it is work in progress (a running batch): such documents are
                never pruned and are listed by `open_documents`.
        """
        text = json.dumps(doc, separators=(",", ":"), sort_keys=True)
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO documents (kind, id, created_at, doc, open) "
                "VALUES (?, ?, ?, ?, ?)",
                (kind, doc_id, created_at, text, int(unfinished)),
            )

    def get(self, kind: Kind, doc_id: str) -> dict[str, Any] | None:
        """One document, or ``None`` when unknown."""
        with self._lock:
            row = self._db.execute(
                "SELECT doc FROM documents WHERE kind = ? AND id = ?", (kind, doc_id)
            ).fetchone()
        return _load(row[0]) if row else None

    def delete(self, kind: Kind, doc_id: str) -> bool:
        """Remove a document; ``True`` when it existed."""
        with self._lock:
            cursor = self._db.execute(
                "DELETE FROM documents WHERE kind = ? AND id = ?", (kind, doc_id)
            )
        return cursor.rowcount > 0

    def all(self, kind: Kind) -> list[dict[str, Any]]:
        """Every document of a kind, newest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT doc FROM documents WHERE kind = ? ORDER BY created_at DESC, id",
                (kind,),
            ).fetchall()
        return [_load(row[0]) for row in rows]

    def open_documents(self, kind: Kind) -> list[dict[str, Any]]:
        """Every document of a kind stored with ``unfinished=True`` (an indexed lookup)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT doc FROM documents WHERE kind = ? AND open = 1", (kind,)
            ).fetchall()
        return [_load(row[0]) for row in rows]

    def expired(self, kind: Kind, before: str, limit: int) -> list[tuple[str, dict[str, Any]]]:
        """Up to ``limit`` finished documents created before ``before``, oldest first.

        An index range scan: when nothing is due, it reads no document at all.
        """
        with self._lock:
            rows = self._db.execute(
                "SELECT id, doc FROM documents WHERE kind = ? AND created_at < ? AND open = 0 "
                "ORDER BY created_at LIMIT ?",
                (kind, before, limit),
            ).fetchall()
        return [(row[0], _load(row[1])) for row in rows]

    def delete_expired(self, kind: Kind, ids: Sequence[str], before: str) -> int:
        """Delete the listed documents that are still finished and created before ``before``.

        The conditions are checked again so a row replaced in the meantime (by this or another
        server) survives. Returns how many rows went.
        """
        if not ids:
            return 0
        marks = ",".join("?" * len(ids))
        with self._lock:
            cursor = self._db.execute(
                f"DELETE FROM documents WHERE kind = ? AND created_at < ? AND open = 0 "
                f"AND id IN ({marks})",
                (kind, before, *ids),
            )
        return cursor.rowcount

    def exists(self, kind: Kind, doc_id: str) -> bool:
        """Whether a document exists (a primary-key lookup)."""
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM documents WHERE kind = ? AND id = ?", (kind, doc_id)
            ).fetchone()
        return row is not None

    def claim(self, key: str, stamp: str, due_before: str) -> bool:
        """Set ``meta[key]`` to ``stamp`` if it is missing or older than ``due_before``.

        Done under SQLite's write lock, so of several servers sharing the directory exactly
        one wins a due chore. Returns whether this call won.
        """
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
                due = row is None or row[0] < due_before
                if due:
                    self._db.execute(
                        "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, stamp)
                    )
                self._db.execute("COMMIT")
            except BaseException:
                _rollback(self._db)
                raise
        return due

    def write_file(self, name: str, data: bytes) -> Path:
        """Store a rendered file under ``files/`` (written atomically, owner-only)."""
        if not _FILE_NAME.match(name):
            raise ValueError(f"invalid file name {name!r}")
        path = self.files_dir / name
        partial = path.with_suffix(path.suffix + ".part")
        write_private(partial, data)
        partial.replace(path)
        return path

    def file_path(self, name: str) -> Path | None:
        """The path of a stored file, or ``None`` for unknown or unsafe names."""
        if not _FILE_NAME.match(name):
            return None
        path = self.files_dir / name
        return path if path.is_file() else None

    def delete_file(self, name: str) -> bool:
        """Remove a stored file (or a leftover ``.part``); ``True`` when it existed."""
        if not (_FILE_NAME.match(name) or _FILE_NAME.match(name.removesuffix(".part"))):
            raise ValueError(f"invalid file name {name!r}")
        try:
            (self.files_dir / name).unlink()
        except FileNotFoundError:
            return False
        return True

    def scan_files(self) -> Iterator[StoredFile]:
        """Every regular file under ``files/`` with its modification time."""
        with os.scandir(self.files_dir) as entries:
            for entry in entries:
                with contextlib.suppress(FileNotFoundError):
                    if entry.is_file(follow_symlinks=False):
                        yield StoredFile(entry.name, entry.stat(follow_symlinks=False).st_mtime)


def _use_wal(db: sqlite3.Connection, database: Path) -> None:
    """Switch the database to WAL, retrying while another connection holds it.

    Switching needs the database to itself, and when two connections want it at once SQLite
    fails one at once with ``database is locked`` instead of calling the busy handler (waiting
    could deadlock them), so the busy timeout alone does not help: two servers opening a new
    data directory together made one fail. Once the database is in WAL mode (which persists
    in the file) the switch is a no-op for every later connection.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    delay = _WAL_RETRY_FIRST_S
    while True:
        try:
            mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc) or time.monotonic() + delay > deadline:
                raise
            logger.debug("switching %s to WAL: %s; retrying in %.3f s", database, exc, delay)
            time.sleep(delay * random.uniform(0.5, 1.5))
            delay = min(delay * 2, _WAL_RETRY_MAX_S)
            continue
        if str(mode).lower() != "wal":
            # A file system without shared memory (some network mounts): the rollback journal
            # still works, only with readers and writers waiting for each other more.
            logger.debug("%s stays in %s journal mode (WAL unavailable)", database, mode)
        return


def _rollback(db: sqlite3.Connection) -> None:
    # SQLite has already rolled back after some errors (a full disk, a corrupt page); a second
    # ROLLBACK would then fail and hide the error that matters.
    if db.in_transaction:
        db.execute("ROLLBACK")


def _check_integrity(db: sqlite3.Connection) -> None:
    """Raise ``sqlite3.DatabaseError`` when a page of the database is damaged.

    Opening reads only the schema, so a damaged page elsewhere would break requests later,
    one by one. ``quick_check`` reads every page once; the database holds JSON documents only
    (rendered files live beside it), so it is small and this takes milliseconds.
    """
    rows = db.execute("PRAGMA quick_check(1)").fetchall()
    if rows != [("ok",)]:
        raise sqlite3.DatabaseError(f"integrity check failed: {rows[0][0] if rows else '?'}")


def _error_code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)  # Python 3.11+
    return code & 0xFF if isinstance(code, int) else None


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    """Whether another connection holds the lock (worth retrying), not a real failure."""
    code = _error_code(exc)
    if code is not None:
        return code in (_SQLITE_BUSY, _SQLITE_LOCKED)
    return "locked" in str(exc) or "busy" in str(exc)


def _is_damage(exc: sqlite3.DatabaseError) -> bool:
    """Whether SQLite refused the file's content (not a lock, permission or disk problem).

    Only "corrupt" and "not a database" count: a locked, read-only or unopenable database is
    a problem to report, and moving it aside would lose a healthy database.
    """
    code = _error_code(exc)
    if code is not None:
        return code in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    # Python 3.10 has no error codes: SQLite's damage errors are the plain DatabaseError,
    # while lock and I/O errors are its OperationalError subclass.
    return type(exc) is sqlite3.DatabaseError


def _move_aside(database: Path) -> Path:
    """Rename a damaged database and its companions to ``<name>.damaged-<time>[-wal...]``.

    The companions move with it (under the same new name, as SQLite expects them) rather than
    being deleted: a WAL may hold the last changes, worth having for inspection, and a stale
    WAL left at the old name would be replayed into the new database.
    """
    aside = database.with_name(f"{database.name}.damaged-{int(time.time())}")
    database.replace(aside)
    for suffix in _DATABASE_COMPANIONS:
        with contextlib.suppress(FileNotFoundError):
            database.with_name(database.name + suffix).replace(aside.with_name(aside.name + suffix))
    return aside


@contextlib.contextmanager
def _directory_lock(folder: Path, *, exclusive: bool) -> Iterator[None]:
    """Hold a ``flock`` on ``folder`` itself (no lock file to clean up): shared to open the
    database, exclusive to move a damaged one aside.

    Without it, a server that opened the directory just after another one renamed the
    damaged file started a new database there whose WAL the first one then renamed away, or
    two servers both moved a file aside, the second one the new database the first had just
    started. Opening holds the lock shared, so opens never wait for each other, only for a
    move. The card cache (``core/store.py``) does the same; the local server imports nothing
    from the core, hence two copies.

    Where there is no ``flock`` (Windows, where an open database cannot be renamed anyway) or
    the file system refuses it, the database is opened without a lock rather than not at all.
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
            logger.debug("cannot lock %s (%s); opening it without a lock", folder, exc)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def _load(text: str) -> dict[str, Any]:
    value = json.loads(text)
    if not isinstance(value, dict):
        raise ValueError("corrupt document in the local server database")
    return value
