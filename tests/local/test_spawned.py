"""The embedded renderer of a build: a local server in a child process of its own."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import httpx
import pytest

from pictify_ssg.local import ChromiumNotFoundError, ServerOptions
from pictify_ssg.local.processes import descendants, wait_gone
from pictify_ssg.local.spawned import SpawnedServer

BROKEN_FONT_CARD = """<!doctype html><html><head><style>
@font-face { font-family: Broken; src: url(data:font/woff2;base64,AAAA) format("woff2"); }
body { margin: 0; font: 40px Broken, sans-serif; }
</style></head><body>{{title}}</body></html>"""


def _gone(pids: set[int], within_s: float) -> set[int]:
    return asyncio.run(wait_gone(pids, within_s))


def test_it_serves_relays_its_warnings_and_stops_with_its_chromium(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server = SpawnedServer(data_dir=tmp_path, options=ServerOptions(browsers=1)).start()
    child = server._process
    assert child is not None
    try:
        headers = {"Authorization": f"Bearer {server.api_key}"}
        with httpx.Client(base_url=server.base_url, headers=headers, timeout=60) as api:
            template = api.post(
                "/templates",
                json={"name": "broken-font", "html": BROKEN_FONT_CARD, "width": 400, "height": 210},
            ).json()["template"]
            with caplog.at_level(logging.WARNING, logger="pictify_ssg"):
                rendered = api.post(
                    f"/templates/{template['uid']}/render", json={"variables": {"title": "Hi"}}
                )
                assert rendered.status_code == 200
                image = api.get(rendered.json()["results"][0]["url"])
                assert image.content.startswith(b"\x89PNG")
                deadline = time.monotonic() + 5
                while "Broken" not in caplog.text and time.monotonic() < deadline:
                    time.sleep(0.05)
        tree = {child.pid} | descendants(child.pid)
        assert len(tree) > 1  # Playwright's driver and Chromium run under the child
    finally:
        server.stop()
    # The renderer's warning, logged in the child, is logged here too (once).
    warnings = [r.getMessage() for r in caplog.records if "web font Broken" in r.getMessage()]
    assert len(warnings) == 1
    assert "failed to load" in warnings[0]
    assert not _gone(tree, 5)
    server.stop()  # idempotent


def test_a_start_failure_is_raised_here_with_its_class_and_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "no-such-chromium"
    monkeypatch.setenv("PICTIFY_CHROMIUM", str(missing))

    with pytest.raises(ChromiumNotFoundError) as caught:
        SpawnedServer(data_dir=tmp_path, options=ServerOptions()).start()

    assert str(missing) in str(caught.value)


_PARENT = """
import sys, time
from pathlib import Path
from pictify_ssg.local import ServerOptions
from pictify_ssg.local.spawned import SpawnedServer
server = SpawnedServer(
    data_dir=Path(sys.argv[1]), options=ServerOptions(browsers=1, launch_at_start=True)
).start()
print(server._process.pid, flush=True)
time.sleep(600)
"""


def test_the_server_and_its_chromium_stop_when_the_build_process_is_killed(
    tmp_path: Path,
) -> None:
    script = tmp_path / "parent.py"
    script.write_text(textwrap.dedent(_PARENT), encoding="utf-8")
    parent = subprocess.Popen(
        [sys.executable, str(script), str(tmp_path / "data")], stdout=subprocess.PIPE
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    deadline = time.monotonic() + 30
    while len(descendants(child)) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)  # Chromium launches in the background
    tree = {child} | descendants(child)
    assert len(tree) > 2

    os.kill(parent.pid, signal.SIGKILL)  # no clean-up of its own can run
    parent.wait()
    parent.stdout.close()

    assert not _gone(tree, 10)
