"""Which Chromium runs: PICTIFY_CHROMIUM > system browser on PATH > Playwright's own."""

from __future__ import annotations

from pathlib import Path

import pytest

from pictify_ssg.local.browser import BrowserNotFoundError, find_chromium


def _executable(path: Path) -> Path:
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def test_the_environment_variable_wins(tmp_path: Path) -> None:
    chosen = _executable(tmp_path / "my-chrome")
    _executable(tmp_path / "chromium")

    found = find_chromium({"PICTIFY_CHROMIUM": str(chosen), "PATH": str(tmp_path)})

    assert found == str(chosen)


def test_a_bad_environment_variable_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(BrowserNotFoundError, match="PICTIFY_CHROMIUM"):
        find_chromium({"PICTIFY_CHROMIUM": str(tmp_path / "missing"), "PATH": ""})


@pytest.mark.parametrize("name", ["chromium", "chromium-browser", "google-chrome"])
def test_system_browsers_on_path(tmp_path: Path, name: str) -> None:
    expected = _executable(tmp_path / name)

    assert find_chromium({"PATH": str(tmp_path)}) == str(expected)


def test_none_means_playwrights_own_browser(tmp_path: Path) -> None:
    assert find_chromium({"PATH": str(tmp_path)}) is None
