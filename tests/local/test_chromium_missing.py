"""Without a usable Chromium the server refuses to start; a failing launch is remembered."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from pictify_ssg.local import ChromiumNotFoundError, LocalServer, LocalServerError
from pictify_ssg.local.browser import find_chromium
from pictify_ssg.local.renderer import Renderer, RenderFailure, RenderJob

from .helpers import StartServer, client_for


def _script(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return path


def _launches(log: Path) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0


def _render(api: httpx.Client) -> httpx.Response:
    return api.post("/image", json={"html": "<p>x</p>", "width": 20, "height": 20})


def test_the_error_is_exported_for_callers_to_catch() -> None:
    assert issubclass(ChromiumNotFoundError, LocalServerError)
    assert issubclass(LocalServerError, RuntimeError)


def test_start_fails_at_once_when_the_variable_points_nowhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PICTIFY_CHROMIUM", "/nonexistent")
    server = LocalServer(data_dir=tmp_path / "data")

    with pytest.raises(ChromiumNotFoundError) as caught:
        server.start()

    assert str(caught.value) == (
        "PICTIFY_CHROMIUM points to /nonexistent, which does not exist or is not executable; "
        "install Chromium (apt-get install chromium) or fix the variable"
    )
    assert not server.running
    assert not (tmp_path / "data").exists()  # failed before opening storage or binding


def test_start_fails_when_the_variable_names_a_file_that_cannot_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "chrome"
    target.write_text("not a program")
    target.chmod(0o644)
    monkeypatch.setenv("PICTIFY_CHROMIUM", str(target))

    with pytest.raises(ChromiumNotFoundError) as caught:
        LocalServer(data_dir=tmp_path / "data").start()

    assert str(caught.value) == (
        f"PICTIFY_CHROMIUM points to {target}, which does not exist or is not executable; "
        "install Chromium (apt-get install chromium) or fix the variable"
    )


def test_a_failed_launch_is_remembered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, start_server: StartServer
) -> None:
    log = tmp_path / "launches"
    broken = _script(tmp_path / "broken-chrome", f'echo launch >> "{log}"\nexit 1\n')
    monkeypatch.setenv("PICTIFY_CHROMIUM", str(broken))
    server = start_server()  # one Chromium per launch attempt

    with client_for(server) as api:
        first = _render(api)
        second = _render(api)

    assert first.status_code == 503, first.text
    assert first.json()["code"] == "BROWSER_UNAVAILABLE"
    assert first.json()["message"].startswith(f"Chromium ({broken}) could not be started: ")
    assert "BrowserType.launch" in first.json()["message"]  # the launch error's first line
    assert second.status_code == 503, second.text
    assert second.json()["code"] == "BROWSER_UNAVAILABLE"
    assert second.json()["message"].startswith(first.json()["message"])
    assert "(failed recently; not retried for another " in second.json()["message"]
    assert _launches(log) == 1


async def test_the_launch_is_tried_again_after_the_back_off(tmp_path: Path) -> None:
    real = find_chromium()
    if real is None:
        pytest.skip("needs a system Chromium")
    log = tmp_path / "launches"
    # Fails on the first launch only, like a browser whose shared memory was briefly full.
    flaky = _script(
        tmp_path / "flaky-chrome",
        f'echo launch >> "{log}"\n[ "$(wc -l < "{log}")" -gt 1 ] && exec "{real}" "$@"\nexit 1\n',
    )
    renderer = Renderer(browsers=1, executable=str(flaky), launch_retry_s=0)
    job = RenderJob(width=20, height=20, html="<p>x</p>")
    try:
        with pytest.raises(RenderFailure) as caught:
            await renderer.render(job)
        output = await renderer.render(job)
    finally:
        await renderer.close()

    assert caught.value.code == "BROWSER_UNAVAILABLE"
    assert output.data.startswith(b"\x89PNG")
    assert renderer.launch_attempts == 2
    assert _launches(log) == 2
