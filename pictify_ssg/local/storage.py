"""Server state: JSON documents in SQLite plus rendered files, all under one data directory.

Documents (templates, images, batches) are stored as JSON text, never pickles, so a data
directory cannot smuggle code into the server. The default directory is the user's cache dir,
because every file in it can be re-rendered.

Several servers may use one directory at once (each with its own connection): every change is
one statement or one short transaction, and SQLite's busy timeout serialises the writers.

Everything here is owner-only: the directories 0700, the database, its WAL and shared-memory
files and every rendered file 0600, whatever the umask; state left by an older version is
tightened when a server opens the directory.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import threading
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

Kind = Literal["template", "image", "batch"]

CONTENT_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
    "pdf": "application/pdf",
}
"""File extension -> content type, for everything the renderer writes."""

_FILE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}\.(png|jpg|jpeg|webp|pdf)$")

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

    Raises:
        DataDirError: The directory or its database cannot be created or opened.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.files_dir = data_dir / "files"
        self.database = data_dir / DATABASE_NAME
        self._lock = threading.Lock()
        try:
            make_private_dir(data_dir)
            make_private_dir(self.files_dir)
            restrict_files(self.files_dir)
            # Created owner-only before SQLite opens it: SQLite gives its WAL and shared-memory
            # files the database's own mode, so this one decision covers all three.
            touch_private(self.database)
            self._db = self._connect()
        except (OSError, sqlite3.Error) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise DataDirError(f"cannot use the data directory {data_dir}: {reason}") from exc
        self.restrict_database()

    def _connect(self) -> sqlite3.Connection:
        # One connection shared by the event loop and the thread that stops the server; the lock
        # serialises them, which SQLite's own check_same_thread guard cannot express.
        db = sqlite3.connect(
            self.database, check_same_thread=False, isolation_level=None, timeout=BUSY_TIMEOUT_S
        )
        try:
            db.execute("PRAGMA journal_mode=WAL")
            # Every render writes a row; NORMAL skips the per-commit fsync (WAL stays
            # consistent, and anything lost in a power cut is a cache entry to render again).
            db.execute("PRAGMA synchronous=NORMAL")
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
            db.execute("ROLLBACK")
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
                self._db.execute("ROLLBACK")
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


def _load(text: str) -> dict[str, Any]:
    value = json.loads(text)
    if not isinstance(value, dict):
        raise ValueError("corrupt document in the local server database")
    return value
