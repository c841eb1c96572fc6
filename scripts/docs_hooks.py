"""MkDocs hooks of the documentation site: generated tables, so no table is kept by hand.

``<!-- configuration-table -->`` becomes the options table that ``scripts/config_reference.py``
generates from the settings model; ``<!-- helpers-table -->`` becomes the list of Handlebars
helpers the local renderer registers. In a page's HTML, ``<!-- this-page-card -->`` becomes
the page's own social card as a picture (the layout pages show their layout this way).
"""

from __future__ import annotations

import html
import importlib.util
import posixpath
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent  # scripts/ lives at the root


def _config_table() -> str:
    spec = importlib.util.spec_from_file_location(
        "config_reference", ROOT / "scripts" / "config_reference.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    table: str = module.table()
    return table


def _helpers_table() -> str:
    import pictify_ssg.local.templating.helpers  # noqa: F401 - registers every helper
    from pictify_ssg.local.templating.helpers.registry import REGISTRY

    rows = ["| Helper | Call | What it does |", "|---|---|---|"]
    for name, spec in sorted(REGISTRY.items()):
        summary = spec.summary.replace("|", "\\|")
        rows.append(f"| `{name}` | `{spec.usage()}` | {summary} |")
    return "\n".join(rows)


_TABLES = {"<!-- configuration-table -->": _config_table, "<!-- helpers-table -->": _helpers_table}


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    """Put the generated tables where their markers are."""
    for marker, make in _TABLES.items():
        if marker in markdown:
            markdown = markdown.replace(marker, make())
    return markdown


CARD_MARKER = "<!-- this-page-card -->"


def on_post_page(output: str, *, page: Any, config: Any, **kwargs: Any) -> str:
    """Show the page's own card where its marker is, linked relative to the page (the site
    URL of the docs is not where a local build is opened)."""
    card = page.meta.get("pictify_card")
    if CARD_MARKER not in output or not isinstance(card, dict):
        return output
    site_url = str(config["site_url"] or "")
    target = str(card["url"]).removeprefix(site_url).lstrip("/")
    source = posixpath.dirname(page.url.rstrip("/") + "/x") if page.url else "."
    src = posixpath.relpath(target, source or ".")
    picture = (
        f'<img src="{html.escape(src)}" alt="{html.escape(str(card["alt"]))}" '
        f'width="{int(card["width"]) // 2}" height="{int(card["height"]) // 2}">'
    )
    return output.replace(CARD_MARKER, picture)
