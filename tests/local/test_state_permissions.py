"""The data directory is owner-only: folders 0700, the database and rendered files 0600."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pictify_ssg.local.exceptions import DataDirError
from pictify_ssg.local.storage import Storage

from .helpers import StartServer, client_for


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """Let every new file be world-writable unless the code says otherwise.

    The umask is process-wide; nothing else creates files while a test runs (the session
    server is idle between requests), and it is restored at once.
    """
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def test_a_new_data_dir_is_owner_only_whatever_the_umask(tmp_path: Path, open_umask: None) -> None:
    data = tmp_path / "deep" / "data"
    storage = Storage(data)
    try:
        storage.put("template", "T1", {"uid": "T1"}, "2026-01-01T00:00:00.000000Z")
        written = storage.write_file("ABC.png", b"\x89PNG")
        companions = [p for p in data.iterdir() if p.name.startswith("state.sqlite3-")]

        assert mode(data) == 0o700
        assert mode(data / "files") == 0o700
        assert mode(data / "state.sqlite3") == 0o600
        assert {p.name for p in companions} >= {"state.sqlite3-wal", "state.sqlite3-shm"}
        assert {p.name: mode(p) for p in companions} == {p.name: 0o600 for p in companions}
        assert mode(written) == 0o600
    finally:
        storage.close()


def test_existing_state_is_tightened_at_start(tmp_path: Path) -> None:
    data = tmp_path / "data"
    Storage(data).close()
    old_file = data / "files" / "OLD.png"
    old_file.write_bytes(b"x")
    for path, loose in [(data, 0o755), (data / "files", 0o777), (old_file, 0o644)]:
        path.chmod(loose)
    (data / "state.sqlite3").chmod(0o666)

    Storage(data).close()

    assert mode(data) == 0o700
    assert mode(data / "files") == 0o700
    assert mode(data / "state.sqlite3") == 0o600
    assert mode(old_file) == 0o600


def test_an_overwritten_file_becomes_owner_only_too(tmp_path: Path) -> None:
    storage = Storage(tmp_path / "data")
    try:
        target = storage.files_dir / "ABC.png.part"
        target.write_bytes(b"old")
        target.chmod(0o644)

        path = storage.write_file("ABC.png", b"new")
    finally:
        storage.close()

    assert path.read_bytes() == b"new"
    assert mode(path) == 0o600


def test_a_rendered_card_is_owner_only(start_server: StartServer, tmp_path: Path) -> None:
    server = start_server(data_dir=tmp_path / "served")
    with client_for(server) as api:
        response = api.post("/image", json={"html": "<p>x</p>", "width": 20, "height": 10})
    assert response.status_code == 200, response.text
    name = response.json()["url"].rsplit("/", 1)[1]

    assert mode(server.data_dir) == 0o700
    assert mode(server.data_dir / "files" / name) == 0o600
    assert mode(server.data_dir / "state.sqlite3") == 0o600
    assert httpx.get(response.json()["url"]).status_code == 200


def test_an_unusable_data_dir_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")

    with pytest.raises(DataDirError) as caught:
        Storage(blocker / "data")

    assert str(blocker / "data") in str(caught.value)
    assert "Not a directory" in str(caught.value) or "File exists" in str(caught.value)
