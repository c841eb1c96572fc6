"""An optional review page: every page of the site with its card, title and link."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping
from html import escape
from pathlib import Path

from pictify_ssg.core.records import PageRecord
from pictify_ssg.core.results import CardResult
from pictify_ssg.core.site_output import write_atomic

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;background:#f4f4f5;color:#18181b}
h1{font-size:1.4rem}ul{list-style:none;padding:0;display:grid;gap:1.5rem;
grid-template-columns:repeat(auto-fill,minmax(360px,1fr))}
li{background:#fff;border-radius:8px;padding:.75rem;box-shadow:0 1px 3px #0002}
img{width:100%;height:auto;border-radius:4px;display:block}
.meta{font-size:.85rem;color:#52525b;margin-top:.4rem}.none{padding:2rem;background:#e4e4e7}
"""


def _link(gallery_dir: str, target: str) -> str:
    """A URL from the gallery page to a site-relative target (absolute URLs kept)."""
    if "://" in target or target.startswith("//"):
        return target
    return posixpath.relpath(target or ".", gallery_dir) + ("/" if target.endswith("/") else "")


def write_gallery(
    path: Path,
    *,
    site_name: str,
    output_dir: str,
    pages: Iterable[PageRecord],
    cards: Mapping[str, CardResult],
    sources: Mapping[str, str],
    designs: Mapping[str, str] | None = None,
) -> None:
    """Write ``path`` (``<output_dir>/index.html``) listing every page and its card.

    Args:
        path: The gallery file.
        site_name: Shown in the heading.
        output_dir: Site-relative folder of the gallery (for page links).
        pages: Every page of the build.
        cards: Card per page key.
        sources: Image ``src`` per page key, when it differs from the card URL (card files
            next to the gallery are linked by name, so it works before publishing).
        designs: The layout or template each page's card is made with (``layout accent``,
            ``card.html``), shown beside it so designs can be compared at a glance.
    """
    items = []
    for page in sorted(pages, key=lambda p: p.url):
        card = cards.get(page.key)
        link = escape(_link(output_dir, page.url))
        title = escape(page.title or page.key)
        if card is None:
            image = '<div class="none">no card</div>'
            info = "no card"
        else:
            src = escape(sources.get(page.key, card.url))
            image = f'<img src="{src}" alt="{escape(card.alt)}" loading="lazy">'
            size = f"{card.width}\u00d7{card.height}" if card.width else "size unknown"
            info = f"{escape(card.origin)} \u00b7 {size}"
            if designs and page.key in designs:
                info += f" \u00b7 {escape(designs[page.key])}"
        items.append(
            f'<li><a href="{link}">{image}</a><div><a href="{link}">{title}</a></div>'
            f'<div class="meta">{escape(page.key)} \u00b7 {info}</div></li>'
        )
    html = (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Social cards \u00b7 {escape(site_name)}</title>"
        '<meta name="robots" content="noindex">'
        f"<style>{_STYLE}</style></head><body>"
        f"<h1>Social cards \u00b7 {escape(site_name)} ({len(items)} pages)</h1>"
        f"<ul>{''.join(items)}</ul></body></html>\n"
    )
    write_atomic(path, html.encode("utf-8"))
