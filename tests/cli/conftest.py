"""Small real sites for the CLI tests: a MkDocs and a Pelican site with a card template."""

from __future__ import annotations

from pathlib import Path

import pytest

#: A card whose background colour is a variable: a pixel tells which values reached it.
CARD = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><style>
html, body { margin: 0; width: 1200px; height: 630px; }
body { background: {{#if color}}{{color}}{{else}}#0000ff{{/if}}; font: 48px sans-serif; }
</style></head><body><h1>{{title}}</h1><p>{{description}}</p></body></html>
"""


@pytest.fixture
def card(tmp_path: Path) -> Path:
    """A template file."""
    path = tmp_path / "card.html"
    path.write_text(CARD, encoding="utf-8")
    return path


@pytest.fixture
def mkdocs_site(tmp_path: Path, card: Path) -> Path:
    """``mkdocs.yml`` of a two-page site using ``card.html``, rendered locally."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n\nWelcome.\n", encoding="utf-8")
    (docs / "red.md").write_text(
        "---\ndescription: A red page\npictify:\n  variables: {color: '#ff0000'}\n---\n"
        "# A page whose card is red, with the longest title of the site\n",
        encoding="utf-8",
    )
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        "site_name: CLI test\nsite_url: https://example.org/\n"
        "plugins:\n  - pictify: {template_file: card.html, backend: local}\n",
        encoding="utf-8",
    )
    return config


@pytest.fixture
def pelican_site(tmp_path: Path, card: Path) -> Path:
    """``pelicanconf.py`` of a one-article site using ``card.html``."""
    content = tmp_path / "content"
    content.mkdir()
    (content / "post.md").write_text(
        'Title: A Pelican post\nDate: 2026-01-02\nPictify_Variables: {"color": "#00ff00"}\n\n'
        "Body.\n",
        encoding="utf-8",
    )
    config = tmp_path / "pelicanconf.py"
    config.write_text(
        'SITENAME = "CLI test"\nSITEURL = "https://example.org"\nPATH = "content"\n'
        'PICTIFY_TEMPLATE_FILE = "card.html"\nPICTIFY_BACKEND = "local"\n',
        encoding="utf-8",
    )
    return config


@pytest.fixture(autouse=True)
def _in_tmp_without_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test runs in its own folder, never with a real API key."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PICTIFY_API_KEY", raising=False)
    monkeypatch.delenv("PICTIFY_BASE_URL", raising=False)
