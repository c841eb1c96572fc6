"""The documentation site builds strictly, with its own cards, generated tables included."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_docs_site_builds_strictly_with_its_cards(tmp_path: Path) -> None:
    from pictify_ssg.core import Settings

    if "layout" not in Settings.model_fields:
        pytest.skip("the layout pages choose built-in layouts, which this core does not have yet")
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("PICTIFY_API_KEY", None)
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    configuration = (site / "configuration" / "index.html").read_text(encoding="utf-8")
    assert "PICTIFY_TEMPLATE_FILE" in configuration  # the generated table
    assert "truncate" in (site / "templates" / "index.html").read_text(encoding="utf-8")
    assert "wait_for_batch" in (site / "reference" / "api" / "index.html").read_text("utf-8")
    accent = (site / "layouts" / "accent" / "index.html").read_text(encoding="utf-8")
    assert 'property="og:image"' in accent
    assert (site / "assets" / "social" / "index.html").is_file()
