"""``pictify-ssg serve`` answers user mistakes with one line on stderr, never a traceback.

Usage mistakes exit with 2, problems found while starting with 1; every message names the
flag to change.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

TIMEOUT_S = 60


def run_serve(tmp_path: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    """Run ``pictify-ssg serve`` to completion (for invocations that must fail at once)."""
    command = [sys.executable, "-m", "pictify_ssg.cli", "serve", *flags]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=TIMEOUT_S,
        env={**os.environ, "PICTIFY_LOCAL_API_KEY": ""},
        check=False,
    )


def assert_one_line(stderr: str, *fragments: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    assert lines[0].startswith("pictify-ssg serve: "), stderr
    for fragment in fragments:
        assert fragment in lines[0], stderr


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield taken.getsockname()[1]


@pytest.mark.parametrize(
    ("flags", "fragments"),
    [
        (["--port", "99999"], ["argument --port", "from 1 to 65535", "'99999'"]),
        (["--port", "-1"], ["argument --port", "0 for any free port", "'-1'"]),
        (["--port", "abc"], ["argument --port", "'abc'"]),
        (["--api-key", ""], ["argument --api-key", "must not be empty", "leave the flag out"]),
        (["--api-key", "   "], ["argument --api-key", "blank"]),
    ],
    ids=["port-too-big", "port-negative", "port-not-a-number", "key-empty", "key-blank"],
)
def test_bad_flags_exit_2_with_one_line(
    tmp_path: Path, flags: list[str], fragments: list[str]
) -> None:
    result = run_serve(tmp_path, "--data-dir", str(tmp_path / "data"), *flags)

    assert result.returncode == 2
    assert_one_line(result.stderr, *fragments, "--help")
    assert result.stdout == ""
    assert not (tmp_path / "data").exists()  # refused before anything was created


def test_a_port_in_use_exits_1_and_names_the_flag(tmp_path: Path, taken_port: int) -> None:
    result = run_serve(tmp_path, "--port", str(taken_port), "--data-dir", str(tmp_path / "d"))

    assert result.returncode == 1
    assert_one_line(result.stderr, f"127.0.0.1:{taken_port}", "in use", "--port")


def test_a_data_dir_that_cannot_be_created_exits_1_and_names_the_flag(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")

    result = run_serve(tmp_path, "--port", "0", "--data-dir", str(blocker / "data"))

    assert result.returncode == 1
    assert_one_line(
        result.stderr, "--data-dir", str(blocker / "data"), "Not a directory", "can write to"
    )


def test_listening_beyond_loopback_warns_on_stderr(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "pictify_ssg.cli", "serve", "--host", "0.0.0.0"]
    command += ["--port", "0", "--data-dir", str(tmp_path / "data"), "--browsers", "1"]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path
    ) as process:
        try:
            assert process.stdout is not None
            banner = process.stdout.readline()
            port = banner.rsplit(":", 1)[1].strip()
            # The banner comes once the socket is bound; signals work once uvicorn answers.
            wait_until_up(f"http://127.0.0.1:{port}/health")
            process.send_signal(signal.SIGINT)
            _, stderr = process.communicate(timeout=TIMEOUT_S)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()

    assert "serving the Pictify API at http://0.0.0.0:" in banner
    warnings = [line for line in stderr.splitlines() if "WARNING" in line]
    assert len(warnings) == 1, stderr
    assert warnings[0].startswith("pictify-ssg serve: WARNING: the server at http://0.0.0.0:")
    assert "no TLS" in warnings[0]
    assert "reverse proxy" in warnings[0]
    assert process.returncode == 0


def wait_until_up(url: str) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while not _answers(url):
        assert time.monotonic() < deadline, f"{url} never answered"
        time.sleep(0.05)


def _answers(url: str) -> bool:
    try:
        httpx.get(url)
    except httpx.TransportError:
        return False
    return True


@pytest.mark.parametrize("flag", ["--card-host", "--outbound-host"])
def test_a_bad_host_exits_2_and_names_it(tmp_path: Path, flag: str) -> None:
    result = run_serve(
        tmp_path, "--data-dir", str(tmp_path / "data"), flag, "https://cdn.example/x"
    )

    assert result.returncode == 2
    assert_one_line(result.stderr, "https://cdn.example/x")
    assert not (tmp_path / "data").exists()
