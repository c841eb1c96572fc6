"""``pictify-ssg init``: a built-in layout copied out as a template file to edit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pictify_ssg.cli import main
from pictify_ssg.core.layouts import LAYOUTS, layout_path


@pytest.mark.parametrize("layout", LAYOUTS)
def test_init_writes_the_layout_and_prints_the_settings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], layout: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init", "--layout", layout, "cards/social.html"]) == 0
    written = (tmp_path / "cards" / "social.html").read_text(encoding="utf-8")
    assert written == layout_path(layout).read_text(encoding="utf-8")
    out = capsys.readouterr().out
    assert "template_file: cards/social.html" in out
    assert 'PICTIFY_TEMPLATE_FILE = "cards/social.html"' in out


def test_init_refuses_to_overwrite_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "card.html").write_text("mine", encoding="utf-8")
    assert main(["init"]) == 1
    assert "card.html exists; pass --force" in capsys.readouterr().err
    assert (tmp_path / "card.html").read_text(encoding="utf-8") == "mine"
    assert main(["init", "--force", "--layout", "minimal"]) == 0
    assert (tmp_path / "card.html").read_text(encoding="utf-8") == layout_path("minimal").read_text(
        encoding="utf-8"
    )


def test_init_on_a_folder_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path)]) == 1
    assert "is a folder" in capsys.readouterr().err


def test_unknown_layout_is_a_usage_error_listing_the_layouts(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pictify_ssg.cli", "init", "--layout", "fancy"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 2
    assert "invalid choice: 'fancy'" in result.stderr
    assert "default, accent, image, minimal" in result.stderr.replace("'", "")
    assert "Traceback" not in result.stderr
