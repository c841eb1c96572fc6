"""Servers sharing one data directory: opened at the same moment, and a damaged database.

The processes are real (SQLite locks are per process) and are released together through
their stdin, so their opens really overlap: a new data directory opened by two processes
together failed one of them in about a third of the rounds before the WAL switch was retried.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from pictify_ssg.local import storage as storage_module
from pictify_ssg.local.exceptions import DataDirError
from pictify_ssg.local.storage import Storage

STAMP = "2026-01-01T00:00:00.000000Z"

# One child per process: it opens the data directory named on each stdin line, writes its
# own template and tries to claim one chore, then reports.
CHILD = r"""
import sys
from pathlib import Path
from pictify_ssg.local.storage import Storage

root, index = Path(sys.argv[1]), sys.argv[2]
print("ready", flush=True)
for line in sys.stdin:
    try:
        storage = Storage(root / line.strip())
        try:
            storage.put("template", "T" + index, {"uid": "T" + index}, "2026-01-01T00:00:00Z")
            won = storage.claim("chore", "stamp-" + index, "0")
        finally:
            storage.close()
        print("won" if won else "lost", flush=True)
    except Exception as exc:
        print("failed: " + repr(exc).replace("\n", " "), flush=True)
"""


class _Children:
    """``count`` child processes, started on entry and waiting for their first line."""

    def __init__(self, root: Path, count: int) -> None:
        self.stderr = ""
        self._processes = [
            subprocess.Popen(
                [sys.executable, "-c", CHILD, str(root), str(index)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for index in range(count)
        ]

    def __enter__(self) -> _Children:
        for child in self._processes:
            assert child.stdout is not None
            assert child.stdout.readline() == "ready\n"
        return self

    def open_together(self, name: str) -> list[str]:
        """Have every child open ``data_dir/name`` at once; their answers."""
        for child in self._processes:  # every line first, so the children wake up together
            assert child.stdin is not None
            child.stdin.write(name + "\n")
            child.stdin.flush()
        answers = []
        for child in self._processes:
            assert child.stdout is not None
            answers.append(child.stdout.readline().strip())
        return answers

    def __exit__(self, *exc: object) -> None:
        for child in self._processes:
            # Closing stdin (communicate does) ends the child's loop.
            self.stderr += child.communicate(timeout=60)[1]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _templates(data_dir: Path) -> list[str]:
    storage = Storage(data_dir)
    try:
        return sorted(doc["uid"] for doc in storage.all("template"))
    finally:
        storage.close()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_processes_opening_a_new_data_dir_at_once_all_succeed(tmp_path: Path) -> None:
    processes, rounds = 8, 20
    with _Children(tmp_path, processes) as children:
        answers = [children.open_together(f"data-{r}") for r in range(rounds)]

    failures = [a for round_answers in answers for a in round_answers if a.startswith("failed")]
    assert failures == [], f"{len(failures)} of {processes * rounds} opens failed"
    # Every round: exactly one process won the chore (writes were serialised, none lost).
    assert [sorted(a) for a in answers] == [["lost"] * (processes - 1) + ["won"]] * rounds
    expected = sorted(f"T{i}" for i in range(processes))
    for r in range(rounds):
        data = tmp_path / f"data-{r}"
        assert _templates(data) == expected
        # The hardening held under the race: nothing looser than owner-only.
        assert _mode(data) == 0o700
        assert {p.name: _mode(p) for p in data.iterdir() if p.is_file()} == {
            p.name: 0o600 for p in data.iterdir() if p.is_file()
        }
    assert children.stderr == ""


def _fill(data: Path) -> None:
    storage = Storage(data)
    try:
        for i in range(200):
            storage.put("image", f"I{i}", {"uid": f"I{i}", "pad": "x" * 400}, STAMP)
    finally:
        storage.close()


DAMAGE = [
    pytest.param(lambda data: b"garbage, not a database " * 400, id="garbage"),
    pytest.param(lambda data: data[:100] + os.urandom(4096) + data[4196:], id="bad-header"),
    pytest.param(lambda data: data[:8192] + os.urandom(4096) + data[12288:], id="bad-page"),
]


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_database_is_moved_aside(
    tmp_path: Path, damage: Callable[[bytes], bytes], caplog: pytest.LogCaptureFixture
) -> None:
    data = tmp_path / "data"
    _fill(data)
    database = data / "state.sqlite3"
    damaged = damage(database.read_bytes())
    database.write_bytes(damaged)

    with caplog.at_level(logging.WARNING, logger="pictify_ssg"):
        storage = Storage(data)
    try:
        assert storage.get("image", "I1") is None  # a fresh database
        storage.put("template", "T1", {"uid": "T1"}, STAMP)
        assert storage.get("template", "T1") == {"uid": "T1"}
    finally:
        storage.close()

    [aside] = data.glob("state.sqlite3.damaged-*")
    assert aside.read_bytes() == damaged  # kept for inspection
    [warning] = caplog.records
    assert warning.levelno == logging.WARNING
    assert warning.name == "pictify_ssg.local.storage"  # shown by builds, which forward it
    assert str(database) in warning.getMessage()
    assert aside.name in warning.getMessage()
    if sys.platform != "win32":
        assert _mode(database) == 0o600


def test_the_companion_files_move_aside_with_the_database(tmp_path: Path) -> None:
    # They exist at that moment when another process still has the damaged file open: a WAL
    # left at the old name would be replayed into the new database.
    database = tmp_path / "state.sqlite3"
    for suffix in ("", "-wal", "-shm", "-journal"):
        database.with_name(database.name + suffix).write_bytes(suffix.encode() or b"main")

    aside = storage_module._move_aside(database)

    assert aside.name.startswith("state.sqlite3.damaged-")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {
        aside.name: b"main",
        aside.name + "-wal": b"-wal",
        aside.name + "-shm": b"-shm",
        aside.name + "-journal": b"-journal",
    }


def test_processes_finding_one_damaged_database_replace_it_once(tmp_path: Path) -> None:
    # The races are narrow (a rename between another process's checks), hence many rounds.
    processes, rounds = 8, 20
    for r in range(rounds):
        data = tmp_path / f"data-{r}"
        Storage(data).close()
        (data / "state.sqlite3").write_bytes(b"garbage, not a database " * 400)

    with _Children(tmp_path, processes) as children:
        answers = [children.open_together(f"data-{r}") for r in range(rounds)]

    failures = [a for round_answers in answers for a in round_answers if a.startswith("failed")]
    assert failures == [], f"{len(failures)} of {processes * rounds} opens failed"
    assert [sorted(a) for a in answers] == [["lost"] * (processes - 1) + ["won"]] * rounds
    # One process per directory moved the file aside; the others used the database it
    # started instead of moving that one aside in turn (losing what it had written).
    assert children.stderr.count("was damaged") == rounds
    for r in range(rounds):
        assert _templates(tmp_path / f"data-{r}") == sorted(f"T{i}" for i in range(processes))


def test_a_locked_database_is_not_taken_for_damage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    Storage(data).close()
    monkeypatch.setattr(storage_module, "BUSY_TIMEOUT_S", 0.2)
    with contextlib.closing(sqlite3.connect(data / "state.sqlite3", isolation_level=None)) as db:
        db.execute("BEGIN EXCLUSIVE")
        with pytest.raises(DataDirError, match="database is locked"):
            Storage(data)
        db.execute("ROLLBACK")
    assert not list(data.glob("*.damaged-*"))
    _templates(data)  # and it opens once the lock is gone


class _Coded(sqlite3.OperationalError):
    """An error carrying SQLite's extended result code, as Python 3.11+ raises them."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.sqlite_errorcode = code


@pytest.mark.parametrize(
    ("error", "busy"),
    [
        (_Coded("database is locked", 5), True),  # SQLITE_BUSY
        (_Coded("database is locked", 5 | (2 << 8)), True),  # SQLITE_BUSY_SNAPSHOT
        (_Coded("database table is locked", 6), True),  # SQLITE_LOCKED
        (_Coded("disk I/O error", 10), False),
        (sqlite3.OperationalError("database is locked"), True),  # Python 3.10: no codes
        (sqlite3.OperationalError("unable to open database file"), False),
    ],
)
def test_what_counts_as_busy(error: sqlite3.OperationalError, busy: bool) -> None:
    assert storage_module._is_busy(error) is busy


@pytest.mark.parametrize(
    ("error", "damage"),
    [
        (_Coded("file is not a database", 26), True),  # SQLITE_NOTADB
        (_Coded("database disk image is malformed", 11), True),  # SQLITE_CORRUPT
        (_Coded("database is locked", 5), False),
        (_Coded("attempt to write a readonly database", 8), False),
        (sqlite3.DatabaseError("file is not a database"), True),  # Python 3.10: no codes
        (sqlite3.OperationalError("database is locked"), False),
    ],
)
def test_what_counts_as_damage(error: sqlite3.DatabaseError, damage: bool) -> None:
    assert storage_module._is_damage(error) is damage
