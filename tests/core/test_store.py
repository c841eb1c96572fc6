"""The store: JSON and bytes only, pickles refused, owner-only folder, pruning by last use."""

from __future__ import annotations

import logging
import os
import pickle
import sqlite3
import stat
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pictify_ssg.core.errors import StoreError
from pictify_ssg.core.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "cache", max_age_days=30) as s:
        yield s


def test_json_and_bytes_round_trip(store: Store) -> None:
    store.set_json("a", {"x": [1, 2.5, "é", None, True]})
    store.set_bytes("b", b"\x89PNG" * 20000)  # big enough to live in its own file
    store.set_bytes("small", b"abc")
    assert store.get_json("a") == {"x": [1, 2.5, "é", None, True]}
    assert store.get_bytes("b") == b"\x89PNG" * 20000
    assert store.get_bytes("small") == b"abc"
    assert store.get_json("missing") is None
    # kinds do not mix: bytes are never read as JSON and the other way round
    assert store.get_json("b") is None
    assert store.get_bytes("a") is None


def test_only_json_values(store: Store) -> None:
    with pytest.raises(TypeError):
        store.set_json("x", {1, 2})
    with pytest.raises(ValueError, match="JSON"):
        store.set_json("x", float("nan"))


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_folder_is_owner_only(tmp_path: Path) -> None:
    loose = tmp_path / "loose"
    loose.mkdir(mode=0o777)
    os.chmod(loose, 0o777)
    Store(loose).close()
    assert stat.S_IMODE(loose.stat().st_mode) == 0o700
    fresh = tmp_path / "a" / "b"
    Store(fresh).close()
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o700


def _plant_pickle(directory: Path, key: str) -> Path:
    """What an attacker with write access to the cache folder would do."""

    class Boom:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (print, ("PWNED",))

    marker = directory / "pwned"
    db = sqlite3.connect(directory / "cache.db")
    payload = pickle.dumps(Boom())
    # mode 4 = diskcache MODE_PICKLE; the value is unpickled on read by a stock Disk
    db.execute(
        "INSERT OR REPLACE INTO Cache(key, raw, store_time, expire_time, access_time,"
        " access_count, tag, size, mode, filename, value) VALUES (?, 1, ?, NULL, ?, 0, NULL,"
        " 0, 4, NULL, ?)",
        (key, time.time(), time.time(), payload),
    )
    db.commit()
    db.close()
    return marker


def test_pickled_rows_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    directory = tmp_path / "cache"
    Store(directory).close()
    _plant_pickle(directory, "card:evil")
    with Store(directory) as store:
        assert store.get_json("card:evil") is None
        assert store.get_bytes("card:evil") is None
        assert store.scan_bytes("card:evil", head=8) is None  # the streaming read refuses it too
    assert "PWNED" not in capsys.readouterr().out
    assert "unsafe cache entry" in caplog.text


def test_pickled_keys_are_refused(tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    with Store(directory) as store:
        store.set_json("ok", 1)
    db = sqlite3.connect(directory / "cache.db")
    db.execute("UPDATE Cache SET raw = 0, key = ? WHERE key = 'ok'", (pickle.dumps("ok"),))
    db.commit()
    db.close()
    with Store(directory) as store:
        assert store.get_json("ok") is None


def test_prune_drops_entries_not_used_for_max_age(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = 86400.0
    start = time.time()
    clock = [start]
    monkeypatch.setattr(time, "time", lambda: clock[0])  # diskcache reads time.time()
    with Store(tmp_path / "c", max_age_days=1) as store:
        store.set_json("used", 1)
        store.set_json("unused", 2)
        clock[0] = start + 0.9 * day
        store.touch(["used"])  # a build used it
        clock[0] = start + 1.5 * day
        assert store.prune() == 1
        assert store.get_json("used") == 1
        assert store.get_json("unused") is None


def test_zero_max_age_keeps_everything(tmp_path: Path) -> None:
    with Store(tmp_path / "c", max_age_days=0) as store:
        store.set_json("k", 1)
        store.touch(["k"])
        assert store.prune() == 0
        assert store.get_json("k") == 1


def test_two_stores_share_one_folder(tmp_path: Path) -> None:
    with Store(tmp_path / "c") as one, Store(tmp_path / "c") as two:
        one.set_json("k", "from one")
        assert two.get_json("k") == "from one"
        two.delete("k")
        assert one.get_json("k") is None


def test_unusable_folder_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="cannot open the card cache"):
        Store(blocker / "cache")


def test_set_json_many(store: Store) -> None:
    store.set_json_many({"a": 1, "b": [2]})
    assert (store.get_json("a"), store.get_json("b")) == (1, [2])
    assert sorted(store.keys()) == ["a", "b"]
    assert store.keys("a") == ["a"]


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: os.urandom(len(data)), id="garbage"),
        pytest.param(lambda data: data[:8192] + os.urandom(4096) + data[12288:], id="bad-page"),
        pytest.param(lambda data: data[:100] + os.urandom(4096) + data[4196:], id="bad-header"),
    ],
)
def test_a_damaged_database_is_moved_aside_and_the_cache_starts_afresh(
    tmp_path: Path, damage: Callable[[bytes], bytes], caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "cache"
    with Store(folder) as store:
        store.set_json_many({f"k{i}": "x" * 200 for i in range(200)})
    database = folder / "cache.db"
    database.write_bytes(damage(database.read_bytes()))
    with caplog.at_level(logging.WARNING, logger="pictify_ssg"), Store(folder) as store:
        assert store.get_json("k1") is None
        store.set_json("new", 1)
        assert store.get_json("new") == 1
    [aside] = folder.glob("cache.db.damaged-*")
    assert aside.stat().st_size > 0  # kept for inspection, not deleted
    [warning] = [r.getMessage() for r in caplog.records]
    assert "was damaged" in warning
    assert "starting with an empty cache" in warning


def test_a_file_where_the_folder_should_be_says_what_to_do(tmp_path: Path) -> None:
    blocker = tmp_path / "pictify"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="is a file; remove it or set cache_dir"):
        Store(blocker)


def test_a_database_that_cannot_be_opened_is_not_taken_for_damage(tmp_path: Path) -> None:
    # "unable to open database file" (read-only folder, or here a folder in its place) is a
    # setup problem to report, not damage: nothing may be moved aside.
    folder = tmp_path / "cache"
    (folder / "cache.db").mkdir(parents=True)
    with pytest.raises(StoreError, match="make the folder writable or set cache_dir"):
        Store(folder)
    assert (folder / "cache.db").is_dir()
    assert not list(folder.glob("cache.db.damaged-*"))


def test_the_replay_looks_for_the_database_the_store_writes(tmp_path: Path) -> None:
    """warm_replay checks the cache's database by name without loading diskcache."""
    import diskcache

    from pictify_ssg.core import warm_replay

    assert warm_replay.DATABASE_FILE == diskcache.core.DBNAME
    with Store(tmp_path / "cache"):
        pass
    assert warm_replay._database_looks_whole(tmp_path / "cache")
    (tmp_path / "cache" / warm_replay.DATABASE_FILE).write_bytes(b"garbage" * 100)
    assert not warm_replay._database_looks_whole(tmp_path / "cache")
