"""A page author attacks the build through real ``mkdocs build`` and ``pelican`` runs.

The author controls one Markdown file and nothing else (a pull request from a stranger, built
in CI with secrets in the environment). Whatever the file names, the build must refuse it,
name the page, keep every other card, and leave no trace of the named file in the built site,
the card cache (which holds the local renderer's state) or the build's output.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import EXAMPLE_SITE, make_pelican_site, meta_values, pelican_log, soup

pytestmark = pytest.mark.slow

MARKER = "CI-SECRET-5d1e88"
FALLBACK = "https://example.org/fallback.png"
SITE_URL = "https://example.org/t"


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PICTIFY_API_KEY", "FORCE_COLOR")}
    # What a CI job has in its environment; /proc/self/environ would show it on a card.
    env["DEPLOY_TOKEN"] = MARKER
    env["NO_MKDOCS_2_WARNING"] = "1"
    env["COLUMNS"] = "400"
    return env


def _secret_beside(root: Path) -> Path:
    outside = root.parent / f"{root.name}-outside"
    outside.mkdir()
    secret = outside / "secret.html"
    secret.write_text(f"<html><body>{MARKER} {{{{title}}}}</body></html>", encoding="utf-8")
    return secret


def _run(command: list[str], cwd: Path) -> str:
    """Run a site build as a user would; what it printed (it must succeed, with no traceback)."""
    result = subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env=_environment(),
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Traceback" not in output
    return output


def _leaks(*folders: Path) -> list[Path]:
    return [
        path
        for folder in folders
        for path in folder.rglob("*")
        if path.is_file() and not path.is_symlink() and MARKER.encode() in path.read_bytes()
    ]


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for the module: the good pages are rendered once."""
    return tmp_path_factory.mktemp("trust-cache")


def _mkdocs_site(root: Path, cache: Path, pages: dict[str, str]) -> None:
    docs = root / "docs"
    docs.mkdir(parents=True)
    for name, text in pages.items():
        (docs / name).write_text(text, encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        f"site_name: Trust\nsite_url: {SITE_URL}/\nplugins:\n  - pictify:\n"
        f"      template_file: {EXAMPLE_SITE / 'card.html'}\n"
        f"      cache_dir: {cache}\n      fallback_image: {FALLBACK}\n",
        encoding="utf-8",
    )


MKDOCS_ATTACKS = {
    "environ": "pictify: {template_file: /proc/self/environ}",
    "dot-dot": "pictify: {template_file: ../ROOT-outside/secret.html}",
    "absolute": "pictify: {template_file: SECRET}",
    "symlink": "pictify: {template_file: card.html}",
    "template-uid-path": "pictify: {template: ../ROOT-outside/secret.html}",
    "own-image-file-url": "image: file:///proc/self/environ",
}


@pytest.mark.parametrize("attack", list(MKDOCS_ATTACKS))
def test_mkdocs_page_cannot_read_outside_the_site(
    tmp_path: Path, shared_cache: Path, attack: str
) -> None:
    root = tmp_path / "site"
    secret = _secret_beside(root)
    front = MKDOCS_ATTACKS[attack].replace("ROOT", root.name).replace("SECRET", str(secret))
    _mkdocs_site(
        root,
        shared_cache,
        {"index.md": "# Home\n", "evil.md": f"---\n{front}\n---\n# Evil\n"},
    )
    if attack == "symlink":
        # Beside mkdocs.yml, not in docs/: MkDocs would copy a file of docs/ into the site
        # itself, whatever pictify does.
        (root / "card.html").symlink_to(secret)
    output = _run([str(Path(sys.executable).with_name("mkdocs")), "build"], root)
    warnings = [line for line in output.splitlines() if line.startswith("WARNING")]
    assert len(warnings) == 1, output
    assert "no new card for page 'evil.md'" in warnings[0]
    evil = soup(root / "site" / "evil" / "index.html")
    assert meta_values(evil, "property", "og:image") == [FALLBACK]
    home = soup(root / "site" / "index.html")
    [card] = meta_values(home, "property", "og:image")
    assert card.startswith(f"{SITE_URL}/assets/social/")
    assert MARKER not in output
    assert _leaks(root / "site", shared_cache) == []


PELICAN_ATTACKS = {
    "environ": "Pictify_Template: /proc/self/environ\n",
    "dot-dot": "Pictify_Template: ../ROOT-outside/secret.html\n",
    "symlink": "Pictify_Template: card.html\n",
    "own-image": "Og_Image: file:///etc/passwd\n",
}


@pytest.mark.parametrize("attack", list(PELICAN_ATTACKS))
def test_pelican_metadata_cannot_read_outside_the_site(
    tmp_path: Path, shared_cache: Path, attack: str
) -> None:
    root = tmp_path / "blog"
    root.mkdir()
    secret = _secret_beside(root)
    metadata = PELICAN_ATTACKS[attack].replace("ROOT", root.name)
    config = make_pelican_site(
        root,
        'PLUGINS = ["pictify"]\n'
        f'PICTIFY_TEMPLATE_FILE = "{EXAMPLE_SITE / "card.html"}"\n'
        f'PICTIFY_CACHE_DIR = "{shared_cache}"\nPICTIFY_FALLBACK_IMAGE = "{FALLBACK}"\n',
        {
            "good.md": "Title: Good\nDate: 2026-02-01\n\nGood.\n",
            "evil.md": f"Title: Evil\nSlug: evil\nDate: 2026-02-02\n{metadata}\nEvil.\n",
        },
        site_url=SITE_URL,
    )
    if attack == "symlink":
        # Beside pelicanconf.py: Pelican would read an HTML file in content/ as an article.
        (root / "card.html").symlink_to(secret)
    pelican = str(Path(sys.executable).with_name("pelican"))
    output = _run([pelican, "content", "-s", str(config)], root)
    [warning] = pelican_log(output, "WARNING")
    assert "no new card for page 'evil.md'" in warning
    assert meta_values(soup(root / "output" / "evil.html"), "property", "og:image") == [FALLBACK]
    [card] = meta_values(soup(root / "output" / "good.html"), "property", "og:image")
    assert card.startswith(f"{SITE_URL}/assets/social/")
    assert MARKER not in output
    assert _leaks(root / "output", shared_cache) == []
