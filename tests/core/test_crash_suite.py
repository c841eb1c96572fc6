"""Crash suite: real builds killed with SIGKILL at seeded random moments, then rebuilt.

Each round starts a real build in a child process (local backend: the embedded server and its
Chromium run inside that child), kills it with ``kill -9`` after a seeded random delay spread
over the whole build (Chromium start-up, batch polling, cache writes, copying files into the
site), and checks what a crash may leave behind. Rounds come in pairs over the same pages, so the
second build of a pair resumes from the cache the first one left half written; the final build
resumes from the last killed one and must produce every card.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pictify_ssg.core import PageRecord, Settings, SiteInfo, build
from pictify_ssg.core.store import Store
from pictify_ssg.local.processes import alive, command_line

if not Path("/proc/self").is_dir():  # pragma: no cover - the orphan checks read /proc
    pytest.skip("the crash suite needs Linux /proc", allow_module_level=True)

SEED = 20261125
ROUNDS = 20
PAGES = 80
WIDTH, HEIGHT = 400, 210
KILL_WINDOW_S = (0.3, 5.0)
"""Delays after spawning the child; a cold 80-card build takes about 6 s on two cores, and the
second build of a pair resumes the first (cards are kept as they are rendered)."""
ORPHAN_GRACE_S = 5.0
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

CARD_HTML = """<!doctype html><html><body style="margin:0;background:#234;color:#fff;
font:36px sans-serif;padding:20px">{{title}}</body></html>"""

SETTINGS = {
    "backend": "local",
    "template_file": "card.html",
    "width": WIDTH,
    "height": HEIGHT,
    "cache_dir": ".cache/pictify",
}

# The guard matters: with more than a few cards the build encodes them in worker processes,
# which import the main script again (multiprocessing's "spawn"), as with any Python script.
_BUILD_SCRIPT = """
import json, sys
from pathlib import Path
from pictify_ssg.core import PageRecord, Settings, SiteInfo, build
if __name__ == "__main__":
    root, prefix = Path(sys.argv[1]), sys.argv[2]
    settings = Settings.from_mapping(json.loads(sys.argv[3]))
    site = SiteInfo(
        name="Docs", url="https://example.org/", config_dir=root, output_dir=root / "site"
    )
    pages = [PageRecord.create(key=f"k{i}.md", url=f"k{i}/", title=f"{prefix} {i}")
             for i in range(int(sys.argv[4]))]
    build(pages, settings, site)
"""


def _pages(prefix: str) -> list[PageRecord]:
    return [
        PageRecord.create(key=f"k{i}.md", url=f"k{i}/", title=f"{prefix} {i}") for i in range(PAGES)
    ]


def _marked(mark: bytes) -> set[int]:
    """Live processes whose environment carries ``mark`` (the child and all it started).

    The environment is inherited by the Playwright driver and by every Chromium process, so
    this finds them even when they were started a moment before the kill, or were re-parented.
    """
    found: set[int] = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if mark in environ.split(b"\0") and alive(int(entry.name)):
            found.add(int(entry.name))
    return found


def _wait_gone(mark: bytes, grace: float) -> set[int]:
    deadline = time.monotonic() + grace
    left = _marked(mark)
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = _marked(mark)
    return left


def _assert_cache_sound(cache: Path) -> None:
    """The cache opens, every row reads, every SQLite file under it passes an integrity check."""
    if not cache.exists():
        return  # killed before the build created it
    for database in sorted(cache.rglob("*.db")):
        with sqlite3.connect(database) as connection:
            (verdict,) = connection.execute("PRAGMA integrity_check").fetchone()
        connection.close()
        assert verdict == "ok", f"{database}: {verdict}"
    with Store(cache) as store:
        for key in store.keys(prefix=""):  # every row, not only cards
            store.get_json(key)
            store.get_bytes(key)


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE, "not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _kill_after(root: Path, prefix: str, delay: float, mark: bytes) -> int | None:
    """Start a build and SIGKILL it after ``delay`` seconds.

    Returns:
        How many processes the build had started (Playwright's driver, Chromium) when it was
        killed, or ``None`` when it finished before the kill.
    """
    env = {k: v for k, v in os.environ.items() if k != "PICTIFY_API_KEY"}
    env[mark.decode().split("=", 1)[0]] = mark.decode().split("=", 1)[1]
    command = [sys.executable, str(root / "killed_build.py"), str(root), prefix]
    command += [json.dumps(SETTINGS), str(PAGES)]
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    try:
        child.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        helpers = len(_marked(mark) - {child.pid})
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        return helpers
    return None


def test_builds_killed_at_random_points_leave_a_sound_cache_and_no_chromium(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """20 ``kill -9`` at seeded random points never corrupt the cache or orphan Chromium.

    After each kill: every SQLite file in the cache passes ``PRAGMA integrity_check`` and every
    row reads through `Store`; no process started by the killed build (Playwright's driver and
    Chromium, found by an inherited environment marker) is still alive after a few seconds. The
    final build then resumes from the last killed one and gives every page a valid PNG card of
    the configured size, present in the site, with an ``og:image`` tag pointing at it.
    """
    monkeypatch.delenv("PICTIFY_API_KEY", raising=False)
    (tmp_path / "card.html").write_text(CARD_HTML, encoding="utf-8")
    (tmp_path / "killed_build.py").write_text(_BUILD_SCRIPT, encoding="utf-8")
    cache = tmp_path / ".cache" / "pictify"
    rng = random.Random(SEED)
    finished_early = with_chromium = 0
    for number in range(ROUNDS):
        prefix = f"Generation {number // 2}"  # pairs: the second build resumes the first
        mark = f"PICTIFY_CRASH_MARK={SEED}-{number}".encode()
        delay = rng.uniform(*KILL_WINDOW_S)
        helpers = _kill_after(tmp_path, prefix, delay, mark)
        if helpers is None:
            finished_early += 1  # the build beat the kill: still a valid round
        elif helpers:
            with_chromium += 1
        left = _wait_gone(mark, ORPHAN_GRACE_S)
        assert not left, (
            f"round {number} (killed after {delay:.2f} s) left processes running: "
            + "; ".join(f"{pid}: {command_line(pid)[:120]}" for pid in sorted(left))
        )
        _assert_cache_sound(cache)
    # Most kills must really interrupt a build, or this suite tests nothing.
    assert finished_early <= ROUNDS // 4, f"{finished_early} builds finished before the kill"
    # ...and many must land while Chromium runs, or the orphan check proves nothing.
    assert with_chromium >= ROUNDS // 3, f"only {with_chromium} kills landed while Chromium ran"

    site = SiteInfo(
        name="Docs", url="https://example.org/", config_dir=tmp_path, output_dir=tmp_path / "site"
    )
    report = build(_pages(f"Generation {(ROUNDS - 1) // 2}"), Settings.from_mapping(SETTINGS), site)
    assert report.failed == []
    assert report.counts["cached"] + report.counts["rendered"] == PAGES
    for key, card in report.cards.items():
        assert card.url.startswith("https://example.org/assets/social/"), key
        path = site.output_dir / card.url.removeprefix("https://example.org/")
        assert _png_size(path.read_bytes()) == (WIDTH, HEIGHT), key
        assert (card.width, card.height, card.type) == (WIDTH, HEIGHT, "image/png"), key
        og_image = [tag.content for tag in card.tags if tag.key == "og:image"]
        assert og_image == [card.url], key
    assert len(report.cards) == PAGES
