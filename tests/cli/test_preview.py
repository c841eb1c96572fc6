"""``pictify-ssg preview``: one card of a real MkDocs or Pelican site, or of given variables,
rendered by the local Chromium through the core pipeline."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pictify_ssg.cli import main

from .helpers import near, pixel

RED, GREEN, BLUE = (255, 0, 0), (0, 255, 0), (0, 0, 255)


def test_version_names_package_and_python() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pictify_ssg.cli", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout.startswith("pictify-ssg 0.")
    assert f"Python {sys.version.split()[0]}" in done.stdout


def test_mkdocs_page_card_uses_its_front_matter(
    mkdocs_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out" / "red.png"
    code = main(["preview", "-f", str(mkdocs_site), "docs/red.md", "-o", str(out)])
    assert code == 0, capsys.readouterr().err
    assert near(pixel(out), RED)
    assert f"wrote {out}" in capsys.readouterr().out
    # The preview has its own cache; the site's cache and site folder are left alone.
    assert (tmp_path / ".cache" / "pictify-preview").is_dir()
    assert not (tmp_path / ".cache" / "pictify").exists()
    assert not (tmp_path / "site").exists()


def test_pelican_article_card(pelican_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "post.png"
    code = main(["preview", "-f", str(pelican_site), "content/post.md", "-o", str(out)])
    assert code == 0
    assert near(pixel(out), GREEN)


def test_variables_with_a_template_and_no_site(card: Path, tmp_path: Path) -> None:
    out = tmp_path / "vars.png"
    args = ["preview", "--template", str(card), "--backend", "local", "-o", str(out)]
    assert main([*args, "--var", "title=Hello", "--var", "color=#ff0000"]) == 0
    assert near(pixel(out), RED)
    # A value is shown as text, never evaluated: braces do not break the card.
    assert main([*args, "--var", "title={{ page.key }}", "--var", "color=#0000ff"]) == 0
    assert near(pixel(out), BLUE)


def test_given_variables_win_over_the_page(mkdocs_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "card.png"
    args = ["preview", "-f", str(mkdocs_site), "docs/red.md", "-o", str(out)]
    assert main([*args, "--var", "color=#00ff00"]) == 0
    assert near(pixel(out), GREEN)


def test_default_output_is_card_png_in_the_current_folder(mkdocs_site: Path) -> None:
    assert main(["preview", "docs/index.md"]) == 0  # mkdocs.yml found in the current folder
    assert near(pixel(Path("card.png")), BLUE)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["docs/index.md", "-f", "nope.yml"], 1, "--config-file: nope.yml does not exist"),
        (["-f", "mkdocs.yml", "docs/missing.md"], 1, "page docs/missing.md does not exist"),
        (["-f", "mkdocs.yml", "card.html"], 1, "is not inside the site's docs_dir"),
        (["-f", "mkdocs.yml"], 2, "name a page of the site, or give card variables"),
        (["--var", "title=x", "-t", "gone.html"], 1, "--template: gone.html does not exist"),
        (["-f", "card.html", "docs/index.md"], 2, "neither a MkDocs config"),
    ],
)
def test_mistakes_are_one_line_without_traceback(
    mkdocs_site: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    code: int,
    message: str,
) -> None:
    assert main(["preview", *args]) == code
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert err.startswith("pictify-ssg preview: ")


def test_bad_option_in_mkdocs_yml_is_named(
    mkdocs_site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mkdocs_site.write_text("site_name: x\nplugins:\n  - pictify: {width: wide}\n", encoding="utf-8")
    assert main(["preview", "docs/index.md"]) == 1
    err = capsys.readouterr().err
    assert "plugins.pictify" in err
    assert "width" in err
    assert "Traceback" not in err


def test_bad_pelican_setting_is_named_as_a_setting(
    pelican_site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pelican_site.write_text('PATH = "content"\nPICTIFY_WIDTH = "wide"\n', encoding="utf-8")
    assert main(["preview", "-f", str(pelican_site), "content/post.md"]) == 1
    assert "PICTIFY_WIDTH" in capsys.readouterr().err


def test_page_that_opts_out_gets_no_card(
    mkdocs_site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("docs/off.md").write_text("---\npictify: false\n---\n# Off\n", encoding="utf-8")
    assert main(["preview", "docs/off.md"]) == 1
    assert "opts out of cards" in capsys.readouterr().err
    assert not Path("card.png").exists()
