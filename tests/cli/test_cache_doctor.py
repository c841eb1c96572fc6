"""``pictify-ssg cache info|clear`` on a real cache, and ``pictify-ssg doctor`` against the
local server standing in for the hosted API."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pictify_ssg.cli import main

if TYPE_CHECKING:
    from pictify_ssg.local import LocalServer


def _info(cache: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["cache", "info", "--cache-dir", str(cache)]) == 0
    return capsys.readouterr().out


def test_info_counts_cards_and_clear_needs_yes(
    card: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = tmp_path / "cache"
    base = ["preview", "-t", str(card), "--backend", "local", "--cache-dir", str(cache)]
    for title in ("One", "Two"):
        assert main([*base, "--var", f"title={title}", "-o", f"{title}.png"]) == 0
    capsys.readouterr()
    info = _info(cache, capsys)
    assert f"path:    {cache}" in info
    assert "cards:   2 (" in info
    assert "oldest:  20" in info
    assert "newest:  20" in info
    # No terminal to ask on: nothing is deleted without --yes.
    assert main(["cache", "clear", "--cache-dir", str(cache)]) == 2
    assert "pass --yes" in capsys.readouterr().err
    assert "cards:   2 (" in _info(cache, capsys)
    assert main(["cache", "clear", "--cache-dir", str(cache), "--yes"]) == 0
    assert "cards:   0 (" in _info(cache, capsys)
    assert not list((cache / "cards").glob("*.png"))


def test_info_reads_the_sites_cache_dir_and_creates_nothing(
    mkdocs_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cache", "info"]) == 0
    out = capsys.readouterr().out
    assert str(tmp_path / ".cache" / "pictify") in out
    assert "no cache yet" in out
    assert not (tmp_path / ".cache").exists()


def _doctor(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["doctor", "--no-chromium", *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_doctor_reaches_the_api_and_never_prints_the_key(
    local_server: LocalServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PICTIFY_API_KEY", local_server.api_key)
    code, out = _doctor(capsys, "--base-url", local_server.base_url)
    assert code == 0, out
    assert f"ok    hosted api: {local_server.base_url} answers and accepts the key" in out
    assert f"set ({len(local_server.api_key)} characters, not shown)" in out
    assert local_server.api_key not in out


def test_doctor_fails_on_a_refused_key(
    local_server: LocalServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PICTIFY_API_KEY", "pk_test_wrong_key_1234567890")
    code, out = _doctor(capsys, "--base-url", local_server.base_url)
    assert code == 1
    assert "fail  hosted api:" in out
    assert "refused the key" in out
    assert "pk_test_wrong_key_1234567890" not in out


def test_doctor_without_key_skips_the_api(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _doctor(capsys)
    assert "skip  hosted api: no API key" in out
    assert "api key: not set" in out
    assert code == (1 if "fail " in out else 0)


@pytest.mark.parametrize(
    ("site_url", "status"),
    [("https://example.org/", "ok  "), ("http://example.org/", "warn"), ("", "fail")],
)
def test_doctor_checks_the_site_url(
    mkdocs_site: Path, capsys: pytest.CaptureFixture[str], site_url: str, status: str
) -> None:
    text = mkdocs_site.read_text(encoding="utf-8").replace(
        "site_url: https://example.org/\n", f"site_url: {site_url}\n" if site_url else ""
    )
    mkdocs_site.write_text(text, encoding="utf-8")
    _, out = _doctor(capsys, "-f", str(mkdocs_site))
    assert f"{status}  site url:" in out
    assert "ok    config:" in out


def test_doctor_with_chromium_checks_launch(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor"]) in {0, 1}
    out = capsys.readouterr().out
    assert "ok    chromium: found" in out
    assert "ok    chromium launch: Chromium starts headless" in out
