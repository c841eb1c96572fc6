"""Server state: JSON documents in SQLite plus rendered files, all under one data directory.

Documents (templates, images, batches) are stored as JSON text, never pickles, so a data
directory cannot smuggle code into the server. The default directory is the user's cache dir,
because every file in it can be re-rendered.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from pathlib import Path
from typing import Any, Literal

import platformdirs

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


def default_data_dir() -> Path:
    """The directory used when none is given: ``<user cache dir>/pictify-ssg/local-server``."""
    return Path(platformdirs.user_cache_dir("pictify-ssg")) / "local-server"


class Storage:
    """Documents and files of one server.

    Args:
        data_dir: Root directory; created (owner-only) when missing.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.files_dir = data_dir / "files"
        self.files_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._lock = threading.Lock()
        # One connection shared by the event loop and the thread that stops the server; the lock
        # serialises them, which SQLite's own check_same_thread guard cannot express.
        self._db = sqlite3.connect(
            data_dir / "state.sqlite3", check_same_thread=False, isolation_level=None
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        # Every render writes a row; NORMAL skips the per-commit fsync (WAL stays consistent,
        # and anything lost in a power cut is a cache entry that can be rendered again).
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    def put(self, kind: Kind, doc_id: str, doc: dict[str, Any], created_at: str) -> None:
        """Insert or replace a document."""
        text = json.dumps(doc, separators=(",", ":"), sort_keys=True)
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO documents (kind, id, created_at, doc) VALUES (?, ?, ?, ?)",
                (kind, doc_id, created_at, text),
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

    def write_file(self, name: str, data: bytes) -> Path:
        """Store a rendered file under ``files/`` (written atomically)."""
        if not _FILE_NAME.match(name):
            raise ValueError(f"invalid file name {name!r}")
        path = self.files_dir / name
        partial = path.with_suffix(path.suffix + ".part")
        partial.write_bytes(data)
        partial.replace(path)
        return path

    def file_path(self, name: str) -> Path | None:
        """The path of a stored file, or ``None`` for unknown or unsafe names."""
        if not _FILE_NAME.match(name):
            return None
        path = self.files_dir / name
        return path if path.is_file() else None


def _load(text: str) -> dict[str, Any]:
    value = json.loads(text)
    if not isinstance(value, dict):
        raise ValueError("corrupt document in the local server database")
    return value
