"""Which Chromium runs: PICTIFY_CHROMIUM > system browser on PATH > Playwright's own."""

from __future__ import annotations

from pathlib import Path

import pytest

from pictify_ssg.local.browser import (
    find_chromium,
    playwright_chromium_path,
    resolve_chromium,
)
from pictify_ssg.local.exceptions import ChromiumNotFoundError


def _executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def test_the_environment_variable_wins(tmp_path: Path) -> None:
    chosen = _executable(tmp_path / "my-chrome")
    _executable(tmp_path / "chromium")

    found = find_chromium({"PICTIFY_CHROMIUM": str(chosen), "PATH": str(tmp_path)})

    assert found == str(chosen)


def test_a_missing_file_in_the_variable_is_an_error(tmp_path: Path) -> None:
    _executable(tmp_path / "chromium")  # a browser on PATH does not mask a bad variable
    missing = tmp_path / "missing"

    with pytest.raises(ChromiumNotFoundError) as caught:
        resolve_chromium({"PICTIFY_CHROMIUM": str(missing), "PATH": str(tmp_path)})

    assert str(caught.value) == (
        f"PICTIFY_CHROMIUM points to {missing}, which does not exist or is not executable; "
        "install Chromium (apt-get install chromium) or fix the variable"
    )


@pytest.mark.parametrize("kind", ["not-executable", "directory"])
def test_a_variable_naming_something_unrunnable_is_an_error(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "chrome"
    if kind == "directory":
        target.mkdir()
    else:
        target.write_text("#!/bin/sh\n")
        target.chmod(0o644)

    with pytest.raises(ChromiumNotFoundError, match="which does not exist or is not executable"):
        find_chromium({"PICTIFY_CHROMIUM": str(target), "PATH": ""})


@pytest.mark.parametrize("name", ["chromium", "chromium-browser", "google-chrome"])
def test_system_browsers_on_path(tmp_path: Path, name: str) -> None:
    expected = _executable(tmp_path / name)

    assert find_chromium({"PATH": str(tmp_path)}) == str(expected)


def test_none_means_playwrights_own_browser(tmp_path: Path) -> None:
    assert find_chromium({"PATH": str(tmp_path)}) is None


def test_nothing_anywhere_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "registry"))

    with pytest.raises(ChromiumNotFoundError) as caught:
        resolve_chromium({"PATH": str(tmp_path)})

    message = str(caught.value)
    assert message.startswith("No Chromium found: PICTIFY_CHROMIUM is not set")
    assert "Playwright's Chromium is not installed" in message
    assert str(tmp_path / "registry") in message
    assert "`apt-get install chromium`" in message
    assert "`python -m playwright install chromium`" in message


def test_playwrights_browser_is_found_where_its_registry_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "registry"))
    reported = Path(playwright_chromium_path())
    assert reported.is_relative_to(tmp_path / "registry")
    _executable(reported)

    assert resolve_chromium({"PATH": str(tmp_path / "empty")}) == str(reported)


def test_playwrights_headless_shell_is_preferred(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "registry"))
    chromium = Path(playwright_chromium_path())
    install = chromium.relative_to(tmp_path / "registry").parts[0]  # chromium-<revision>
    platform_dir = chromium.relative_to(tmp_path / "registry").parts[1]  # chrome-<os>
    _executable(chromium)
    shell = _executable(
        tmp_path
        / "registry"
        / install.replace("chromium-", "chromium_headless_shell-")
        / platform_dir.replace("chrome-", "chrome-headless-shell-", 1)
        / "chrome-headless-shell"
    )

    assert resolve_chromium({"PATH": str(tmp_path / "empty")}) == str(shell)
