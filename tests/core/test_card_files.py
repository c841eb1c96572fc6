"""Card files in the cache and their placing into the site: link, copy, or leave in place."""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path

import pytest

from pictify_ssg.core.card_files import CardFiles, place_file
from pictify_ssg.core.store import Store

NAME = "a" * 64 + ".png"


def test_write_is_atomic_and_readable_by_a_web_server(tmp_path: Path) -> None:
    files = CardFiles(tmp_path / "cards")
    stamp = files.write(NAME, b"card bytes")
    path = files.path(NAME)
    assert path.read_bytes() == b"card bytes"
    assert path.stat().st_mode & 0o777 == 0o644
    assert stamp.size == 10
    assert stamp.mtime_ns == path.stat().st_mtime_ns
    assert [p.name for p in path.parent.iterdir()] == [NAME]  # no temporary file left


@pytest.mark.parametrize("name", ["../x.png", "a" * 64 + ".html", "A" * 64 + ".png", ""])
def test_only_card_names_are_accepted(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="not a card file name"):
        CardFiles(tmp_path).path(name)


def test_placing_links_and_then_leaves_the_file_alone(tmp_path: Path) -> None:
    files = CardFiles(tmp_path / "cards")
    files.write(NAME, b"card")
    target = tmp_path / "site" / "assets" / "social" / "card.png"
    assert place_file(files.path(NAME), target) is True
    assert target.samefile(files.path(NAME))
    assert place_file(files.path(NAME), target) is False


def test_placing_replaces_another_file(tmp_path: Path) -> None:
    files = CardFiles(tmp_path / "cards")
    files.write(NAME, b"new card")
    target = tmp_path / "card.png"
    target.write_bytes(b"old card, other size")
    assert place_file(files.path(NAME), target) is True
    assert target.read_bytes() == b"new card"


@pytest.mark.parametrize("code", [errno.EXDEV, errno.EPERM, errno.EMLINK])
def test_without_links_it_copies_with_the_cache_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    def refuse(source: object, target: object) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "link", refuse)
    files = CardFiles(tmp_path / "cards")
    files.write(NAME, b"card")
    target = tmp_path / "card.png"
    assert place_file(files.path(NAME), target) is True
    assert target.read_bytes() == b"card"
    assert not target.samefile(files.path(NAME))
    assert target.stat().st_mtime_ns == files.path(NAME).stat().st_mtime_ns
    assert target.stat().st_mode & 0o777 == 0o644
    assert place_file(files.path(NAME), target) is False  # the copy counts as in place


def test_a_vanished_cache_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        place_file(tmp_path / "gone.png", tmp_path / "card.png")
    assert not (tmp_path / "card.png").exists()


def test_sweep_removes_old_orphans_and_leftovers_only(tmp_path: Path) -> None:
    files = CardFiles(tmp_path / "cards")
    kept, orphan, fresh = "a" * 64, "b" * 64, "c" * 64
    for fingerprint in (kept, orphan, fresh):
        files.write(f"{fingerprint}.png", b"x")
    leftover = files.directory / ".tmp-123"
    leftover.write_bytes(b"half a card")
    old = time.time() - 7200
    for path in (files.path(f"{kept}.png"), files.path(f"{orphan}.png"), leftover):
        os.utime(path, (old, old))

    assert files.sweep({kept}) == 2

    assert sorted(p.name for p in files.directory.iterdir()) == [f"{kept}.png", f"{fresh}.png"]


def test_get_json_many_reads_what_get_json_reads(tmp_path: Path) -> None:
    with Store(tmp_path / "cache") as store:
        values = {f"k{i}": {"n": i} for i in range(2000)}  # more than one query's worth
        store.set_json_many(values)
        store.set_bytes("b", b"bytes, not JSON")
        store.set_json("big", {"x": "y" * 100_000})  # kept in a value file by diskcache
        found = store.get_json_many([*values, "missing", "b", "big"])
        assert found == {**values, "big": {"x": "y" * 100_000}}
        assert all(store.get_json(key) == value for key, value in found.items())


def test_entries_read_recently_are_not_touched_again(tmp_path: Path) -> None:
    # A warm build reads its records and would push every expiry: skipped within a day.
    with Store(tmp_path / "cache", max_age_days=30) as store:
        store.set_json("k", 1)
        store.get_json_many(["k"])
        expiry = store._query("SELECT expire_time FROM Cache WHERE key = 'k'", ())
        store.touch(["k"])
        assert store._query("SELECT expire_time FROM Cache WHERE key = 'k'", ()) == expiry
        store._query("UPDATE Cache SET expire_time = ? WHERE key = 'k'", (time.time() + 5,))
        store.get_json_many(["k"])
        store.touch(["k"])  # due: pushed a full max_age ahead
        [(pushed,)] = store._query("SELECT expire_time FROM Cache WHERE key = 'k'", ())
        assert pushed > time.time() + 29 * 86400
