"""A template printing page text raw (``{{{title}}}``) cannot be taken over by the page."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image

from pictify_ssg.core import PageRecord, Settings, SiteInfo, build

if TYPE_CHECKING:
    from pictify_ssg.local import LocalServer

RAW_CARD = """<!doctype html><html><body style="margin:0;background:#fff;font:40px sans-serif">
<div>{{{title}}}</div></body></html>"""

# Entity-encoded in the page source, so text cleaning decodes it into a real tag: printed
# raw, this element would paint the whole card red.
TAKEOVER = (
    'Hello &lt;div style="position:fixed;left:0;top:0;width:100%;height:100%;'
    'background:#f00"&gt;&lt;/div&gt;'
)


def _card_pixels(site: SiteInfo, url: str) -> Image.Image:
    name = url.rsplit("/", 1)[1]
    data = (site.output_dir / "assets" / "social" / name).read_bytes()
    return Image.open(io.BytesIO(data)).convert("RGB")


def test_raw_printed_title_cannot_add_markup(tmp_path: Path, server: LocalServer) -> None:
    (tmp_path / "raw.html").write_text(RAW_CARD, encoding="utf-8")
    site = SiteInfo(name="Docs", config_dir=tmp_path, output_dir=tmp_path / "site")
    settings = Settings.from_mapping(
        {
            "backend": "hosted",
            "base_url": server.base_url,
            "api_key": server.api_key,
            "template_file": "raw.html",
            "cache_dir": ".cache/pictify",
            "title_max_length": 0,
        }
    )
    page = PageRecord.create(key="p.md", url="p/", title=TAKEOVER)
    assert page.title.startswith('Hello <div style="position:fixed')
    report = build([page], settings, site)
    assert report.outcomes["p.md"] == "rendered"
    pixels = _card_pixels(site, report.cards["p.md"].url)
    # The corner far from the text stays the template's white: the div is text, not an element.
    # (Within a few levels: the card is stored as a 256-colour palette.)
    assert min(pixels.getpixel((1150, 600))) >= 250  # type: ignore[arg-type]
    # The escaped markup is printed as text: dark pixels in the first line.
    first_line = pixels.convert("L").crop((0, 0, 600, 50))
    assert first_line.getextrema() != (255, 255)
