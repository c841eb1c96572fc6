"""``pictify-ssg serve``: starts in the foreground, serves, stops cleanly on a signal."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from pictify_ssg.cli import build_parser, main
from pictify_ssg.local.processes import alive, command_line, descendants


def _serve(tmp_path: Path, *extra: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "pictify_ssg.cli", "serve", "--port", "0"]
    command += ["--data-dir", str(tmp_path / "data"), *extra]
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env={**os.environ, **(env or {})},
    )


def _base_url(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    for line in process.stdout:
        if "serving the Pictify API at " in line:
            return line.rsplit(" ", 1)[1].strip()
    raise AssertionError(f"server did not start: {process.stderr.read() if process.stderr else ''}")


@pytest.mark.parametrize(
    ("stop_signal", "key_flag", "key_env"),
    [
        (signal.SIGINT, ["--api-key", "cli-key"], {}),
        (signal.SIGTERM, [], {"PICTIFY_LOCAL_API_KEY": "cli-key"}),
    ],
    ids=["int-flag", "term-env"],
)
def test_serve_renders_and_stops_without_leftovers(
    tmp_path: Path, stop_signal: int, key_flag: list[str], key_env: dict[str, str]
) -> None:
    process = _serve(tmp_path, *key_flag, "--browsers", "1", env=key_env)
    try:
        base_url = _base_url(process)
        headers = {"Authorization": "Bearer cli-key"}
        # The socket is bound before the banner; wait until uvicorn answers.
        while True:
            try:
                httpx.get(base_url + "/health")
                break
            except httpx.TransportError:
                time.sleep(0.05)
        rendered = httpx.post(
            base_url + "/image",
            json={"html": "<p>cli</p>", "width": 40, "height": 20},
            headers=headers,
            timeout=60,
        )
        chromium = {pid for pid in descendants(process.pid) if "chrom" in command_line(pid).lower()}
        process.send_signal(stop_signal)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    assert base_url.startswith("http://127.0.0.1:")
    assert rendered.status_code == 200, rendered.text
    assert chromium
    assert process.returncode == 0, stderr
    assert not [pid for pid in chromium if alive(pid)]
    assert "cli-key" not in stderr
    assert "API key" not in stdout


def test_serve_prints_a_generated_key(tmp_path: Path) -> None:
    process = _serve(tmp_path, env={"PICTIFY_LOCAL_API_KEY": ""})
    try:
        base_url = _base_url(process)
        assert process.stdout is not None
        key = process.stdout.readline().rsplit(" ", 1)[1].strip()
        while True:
            try:
                response = httpx.get(
                    base_url + "/templates", headers={"Authorization": f"Bearer {key}"}
                )
                break
            except httpx.TransportError:
                time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    assert response.status_code == 200
    assert process.returncode == 0


def test_bad_environment_option_exits_with_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PICTIFY_LOCAL_ERROR_RATE", "lots")

    assert main(["serve"]) == 2
    assert "PICTIFY_LOCAL_ERROR_RATE" in capsys.readouterr().err


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "serve" in capsys.readouterr().out


def test_serve_flags_parse() -> None:
    args = build_parser().parse_args(
        [
            *("serve", "--host", "127.0.0.1", "--port", "9000", "--api-key", "a"),
            *("--api-key", "b", "--rate-limit", "5", "--error-rate", "0.1", "--seed", "3"),
            *("--no-batch-item-urls", "--idempotency"),
        ]
    )

    assert (args.host, args.port, args.api_key) == ("127.0.0.1", 9000, ["a", "b"])
    assert (args.rate_limit_per_minute, args.error_rate, args.seed) == (5, 0.1, 3)
    assert args.batch_item_urls is False
    assert args.idempotency is True


def test_port_in_use_exits_with_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = main(["serve", "--port", str(port), "--data-dir", str(tmp_path)])

    assert code == 1
    assert "cannot listen" in capsys.readouterr().err
    assert os.path.isdir(tmp_path)


def test_retention_hours_flag_parses_and_validates(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()

    assert parser.parse_args(["serve"]).retention_hours is None
    assert parser.parse_args(["serve", "--retention-hours", "24"]).retention_hours == 24.0
    assert parser.parse_args(["serve", "--retention-hours", "0"]).retention_hours == 0.0
    for bad in ("-1", "soon", "nan"):
        with pytest.raises(SystemExit) as exited:
            parser.parse_args(["serve", "--retention-hours", bad])
        assert exited.value.code == 2
    assert "--retention-hours" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("flag", "env", "expected"),
    [
        ([], {}, 168.0),
        ([], {"PICTIFY_LOCAL_RETENTION_HOURS": "0"}, 0.0),
        (["--retention-hours", "12"], {"PICTIFY_LOCAL_RETENTION_HOURS": "0"}, 12.0),
    ],
    ids=["default", "env", "flag-wins"],
)
def test_retention_hours_reaches_the_server(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    flag: list[str],
    env: dict[str, str],
    expected: float,
) -> None:
    import pictify_ssg.local.server as server_module
    from pictify_ssg.local import ServerOptions

    seen: list[ServerOptions] = []

    def fake_serve(**kwargs: object) -> None:
        options = kwargs["options"]
        assert isinstance(options, ServerOptions)
        seen.append(options)

    monkeypatch.delenv("PICTIFY_LOCAL_RETENTION_HOURS", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(server_module, "serve", fake_serve)

    assert main(["serve", "--data-dir", str(tmp_path), *flag]) == 0
    assert [options.retention_hours for options in seen] == [expected]


def test_serve_without_a_usable_chromium_exits_2_with_the_fix(tmp_path: Path) -> None:
    process = _serve(tmp_path, env={"PICTIFY_CHROMIUM": "/nonexistent"})
    stdout, stderr = process.communicate(timeout=60)

    assert process.returncode == 2
    assert stderr.strip() == (
        "pictify-ssg serve: PICTIFY_CHROMIUM points to /nonexistent, which does not exist or is "
        "not executable; install Chromium (apt-get install chromium) or fix the variable"
    )
    assert "Traceback" not in stderr
    assert "serving" not in stdout
