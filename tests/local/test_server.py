"""LocalServer lifecycle: ready on enter, stats, restart, and no Chromium left after stop."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from pictify_ssg.local import LocalServer, ServerOptions
from pictify_ssg.local.processes import alive, command_line, descendants
from pictify_ssg.local.storage import default_data_dir

from .helpers import StartServer, client_for


def _chromium_processes() -> set[int]:
    return {
        pid
        for pid in descendants(os.getpid())
        if alive(pid) and "chrom" in command_line(pid).lower()
    }


def test_stop_leaves_no_chromium_behind(tmp_path: Path) -> None:
    before = _chromium_processes()
    server = LocalServer(data_dir=tmp_path, options=ServerOptions(browsers=2))
    with server, client_for(server) as api:
        assert api.post("/image", json={"html": "<p>x</p>", "width": 20, "height": 20}).is_success
        started = _chromium_processes() - before
    left = {pid for pid in started if alive(pid)}

    assert started, "rendering should have started Chromium"
    assert left == set()


def test_lifecycle_errors_and_idempotent_stop(tmp_path: Path) -> None:
    server = LocalServer(data_dir=tmp_path)

    with pytest.raises(RuntimeError, match="not started"):
        _ = server.base_url
    server.start()
    try:
        assert server.running
        assert server.base_url.startswith("http://127.0.0.1:")
        with pytest.raises(RuntimeError, match="already started"):
            server.start()
    finally:
        server.stop()
    server.stop()
    assert repr(server) == "LocalServer(stopped)"


def test_a_stopped_server_can_start_again_with_its_data(tmp_path: Path) -> None:
    server = LocalServer(data_dir=tmp_path, api_keys=["key"])
    with server, client_for(server) as api:
        uid = api.post("/templates", json={"html": "{{x}}"}).json()["template"]["uid"]
    with server, client_for(server) as api:
        assert api.get(f"/templates/{uid}").status_code == 200


def test_no_chromium_until_the_first_render(start_server: StartServer) -> None:
    server = start_server()
    with client_for(server) as api:
        api.post("/templates", json={"html": "{{x}}"})
        before = httpx.get(server.base_url + "/health").json()["browser"]
        api.post("/image", json={"html": "<p>x</p>", "width": 20, "height": 20})
        after = httpx.get(server.base_url + "/health").json()["browser"]

    assert (before, after) == (False, True)


def test_stats_count_every_request_by_route_and_reset(start_server: StartServer) -> None:
    server = start_server()
    with client_for(server) as api:
        api.get("/templates")
        api.get("/templates/ABC/variables")
        api.get("/templates/XYZ/variables")
        httpx.get(server.base_url + "/templates")  # refused requests count too

    assert server.stats.count("GET /templates") == 2
    assert server.stats.count("GET /templates/{uid}/variables") == 2
    assert server.stats.snapshot()["GET /templates"] == 2
    server.stats.reset()
    assert server.stats.count("GET /templates") == 0
    assert server.stats.total_renders == 0


def test_port_in_use_raises(start_server: StartServer) -> None:
    taken = int(start_server().base_url.rsplit(":", 1)[1])

    with pytest.raises(OSError, match="in use"):
        LocalServer(port=taken).start()


def test_default_data_dir_is_in_the_user_cache() -> None:
    assert default_data_dir().parts[-2:] == ("pictify-ssg", "local-server")


def test_a_page_that_never_finishes_is_a_422_and_the_pool_recovers(
    start_server: StartServer,
) -> None:
    server = start_server(ServerOptions(render_timeout_s=1, pages_per_browser=1))
    with client_for(server) as api:
        hung = api.post("/image", json={"html": "<script>while (true) {}</script>"})
        after = api.post("/image", json={"html": "<p>fine</p>", "width": 30, "height": 30})

    assert hung.status_code == 422
    assert hung.json()["code"] == "RENDER_TIMEOUT"
    assert after.status_code == 200


FORGETFUL_SCRIPT = """
import os, sys, httpx
from pictify_ssg.local import LocalServer
from pictify_ssg.local.processes import command_line, descendants
server = LocalServer(data_dir=sys.argv[1]).start()
headers = {"Authorization": f"Bearer {server.api_key}"}
body = {"html": "<p>x</p>", "width": 10, "height": 10}
httpx.post(server.base_url + "/image", json=body, headers=headers, timeout=60).raise_for_status()
pids = [p for p in descendants(os.getpid()) if "chrom" in command_line(p).lower()]
print(" ".join(map(str, pids)))
"""


def test_a_server_never_stopped_is_stopped_at_exit(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-c", FORGETFUL_SCRIPT, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    pids = [int(pid) for pid in run.stdout.split()]
    assert run.returncode == 0, run.stderr
    assert pids
    assert not [pid for pid in pids if alive(pid)]
    assert "Traceback" not in run.stderr
