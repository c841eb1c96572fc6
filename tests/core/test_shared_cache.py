"""Builds sharing one cache folder at the same time: the card cache, then two real builds.

Each party runs in its own process (SQLite locks are per process), as two CI jobs or
`mkdocs build` next to `mkdocs serve` do, and they are released together through their stdin
so that their opens really overlap. Before the local server retried its WAL switch, about one
pair of cold builds in four lost one build's every card (``database is locked``) and still
exited 0.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from pictify_ssg.core.store import Store

WIDTH, HEIGHT = 400, 210
PAGES = 3

# A cold build with the local backend. The server's Storage is wrapped so the build says
# "opening" and waits for a line on stdin before opening the data directory.
BUILD = r"""
import json, sys
from pathlib import Path
import pictify_ssg.local.server as server_module
import pictify_ssg.local.spawned as spawned
from pictify_ssg.core import PageRecord, Settings, SiteInfo, build

real_storage = server_module.Storage

def storage_when_released(data_dir, files_dir=None):
    print("opening", flush=True)
    sys.stdin.readline()
    return real_storage(data_dir, files_dir)

server_module.Storage = storage_when_released
# The build's server in this process (not a child of its own), so the hook above runs there.
spawned.SpawnedServer = server_module.LocalServer
cache, root, width, height, count = sys.argv[1:]
root = Path(root)
settings = Settings.from_mapping({
    "backend": "local", "template_file": "card.html", "cache_dir": cache,
    "width": int(width), "height": int(height),
})
site = SiteInfo(name="Docs", url="https://example.org/", config_dir=root, output_dir=root / "site")
pages = [PageRecord.create(key=f"p{i}.md", url=f"p{i}/", title=f"P {i}") for i in range(int(count))]
report = build(pages, settings, site)
print(json.dumps({"counts": dict(report.counts), "failed": report.failed}), flush=True)
"""

# Opens the card cache named on each stdin line, writes its own entries and reads them back.
STORE_CHILD = r"""
import sys
from pathlib import Path
from pictify_ssg.core.store import Store

index = sys.argv[1]
print("ready", flush=True)
for line in sys.stdin:
    try:
        with Store(Path(line.strip())) as store:
            store.set_bytes("bytes-" + index, index.encode() * 40000)  # in a value file
            store.set_json("json-" + index, {"from": index})
            ok = store.get_json("json-" + index) == {"from": index}
        print("ok" if ok else "lost", flush=True)
    except Exception as exc:
        print("failed: " + repr(exc).replace("\n", " "), flush=True)
"""


def _open_stores_together(folders: list[Path], processes: int) -> tuple[list[str], str]:
    """Every process opens each folder in turn, all at once; their answers and stderr."""
    children = [
        subprocess.Popen(
            [sys.executable, "-c", STORE_CHILD, str(index)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for index in range(processes)
    ]
    answers = []
    for child in children:
        assert child.stdout is not None
        assert child.stdout.readline() == "ready\n"
    for folder in folders:
        for child in children:  # every line first, so the children wake up together
            assert child.stdin is not None
            child.stdin.write(f"{folder}\n")
            child.stdin.flush()
        for child in children:
            assert child.stdout is not None
            answers.append(child.stdout.readline().strip())
    stderr = "".join(child.communicate(timeout=60)[1] for child in children)
    return answers, stderr


def test_processes_opening_a_new_card_cache_at_once_all_succeed(tmp_path: Path) -> None:
    processes, rounds = 8, 10
    folders = [tmp_path / f"cache-{r}" for r in range(rounds)]

    answers, stderr = _open_stores_together(folders, processes)

    assert answers == ["ok"] * processes * rounds
    assert stderr == ""
    for folder in folders:
        with Store(folder) as store:
            assert sorted(store.keys("json-")) == sorted(f"json-{i}" for i in range(processes))


def test_processes_finding_one_damaged_card_cache_replace_it_once(tmp_path: Path) -> None:
    # The race is narrow (between one process's check and its rename), hence many rounds.
    processes, rounds = 8, 30
    folders = [tmp_path / f"cache-{r}" for r in range(rounds)]
    for folder in folders:
        Store(folder).close()
        (folder / "cache.db").write_bytes(b"garbage, not a database " * 400)

    answers, stderr = _open_stores_together(folders, processes)

    assert answers == ["ok"] * processes * rounds
    # One process per folder moved it aside; the others used the cache it started instead of
    # moving that one aside in turn (which would have lost what it had written).
    assert stderr.count("was damaged") == rounds
    for folder in folders:
        with Store(folder) as store:
            assert sorted(store.keys("json-")) == sorted(f"json-{i}" for i in range(processes))


CARD_HTML = (
    "<!doctype html><html><body style='margin:0;background:#123;color:#fff;"
    "font:40px sans-serif'>{{title}}</body></html>"
)


def _start(cache: Path, root: Path) -> subprocess.Popen[str]:
    root.mkdir()
    (root / "card.html").write_text(CARD_HTML, encoding="utf-8")
    command = [sys.executable, "-c", BUILD, str(cache), str(root), str(WIDTH), str(HEIGHT)]
    return subprocess.Popen(
        [*command, str(PAGES)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(build: subprocess.Popen[str]) -> tuple[dict[str, Any], str]:
    stdout, stderr = build.communicate(timeout=240)
    assert build.returncode == 0, stderr
    return json.loads(stdout.splitlines()[-1]), stderr


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="the builds are held through their stdin")
def test_two_cold_builds_sharing_one_cache_folder_both_render_every_card(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PICTIFY_API_KEY", raising=False)
    cache = tmp_path / "shared-cache"
    builds = [_start(cache, tmp_path / name) for name in ("a", "b")]
    try:
        for build in builds:
            assert build.stdout is not None
            line = build.stdout.readline()
            assert line == "opening\n", line + build.communicate(timeout=60)[1]
        for build in builds:  # both lines first: the servers open the folder together
            assert build.stdin is not None
            build.stdin.write("go\n")
            build.stdin.flush()
        results = [_finish(build) for build in builds]
    finally:
        for build in builds:
            if build.poll() is None:
                build.kill()
                build.communicate()

    for (report, stderr), name in zip(results, "ab", strict=True):
        assert report == {"counts": {"rendered": PAGES}, "failed": []}, stderr
        cards = sorted((tmp_path / name / "site" / "assets" / "social").glob("*.png"))
        assert len(cards) == PAGES
        for card in cards:
            with Image.open(card) as image:
                image.load()  # decodes every pixel
                assert (image.format, image.size) == ("PNG", (WIDTH, HEIGHT))
