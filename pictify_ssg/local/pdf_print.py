"""Printing documents to PDF with Chromium (``Page.printToPDF``): paper sizes and page sets.

One filled template prints as itself, so long content flows onto further pages. Several
(``/pdf/multi-page``, one page per variable set) print as one document of ``srcdoc`` iframes, one
per page: each template keeps its own ``<head>``, styles and ids, as if printed alone, where
concatenating their bodies would let one page's styles restyle the others.
"""

from __future__ import annotations

import base64
import html as html_lib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pictify_ssg.local.renderer import PageHandle, RenderOutput

CSS_PX_PER_INCH = 96
POINTS_PER_INCH = 72
MM_PER_INCH = 25.4

PAPER_SIZES_MM: dict[str, tuple[float, float]] = {
    "A3": (297, 420),
    "A4": (210, 297),
    "A5": (148, 210),
    "A6": (105, 148),
    "B4": (250, 353),
    "B5": (176, 250),
    "Letter": (215.9, 279.4),
    "Legal": (215.9, 355.6),
    "Tabloid": (279.4, 431.8),
    "Ledger": (431.8, 279.4),
}
"""Portrait paper sizes by preset name (``landscape`` swaps the sides)."""

_UNIT_INCHES = {"px": 1 / CSS_PX_PER_INCH, "pt": 1 / POINTS_PER_INCH, "mm": 1 / MM_PER_INCH}
_UNIT_INCHES["cm"] = 10 / MM_PER_INCH
_UNIT_INCHES["in"] = 1.0
_LENGTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(px|pt|mm|cm|in)?\s*$")
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def length_inches(value: float | str) -> float:
    """A margin or size as inches: a number is CSS pixels, a string may name its unit.

    Raises:
        ValueError: Not a non-negative length (``"12mm"``, ``"0.5in"``, ``20``...).
    """
    if isinstance(value, (int, float)):
        if value < 0:
            raise ValueError("must not be negative")
        return float(value) / CSS_PX_PER_INCH
    match = _LENGTH.match(value)
    if match is None:
        raise ValueError(f"{value!r} is not a length such as 20, '12mm', '0.5in' or '18pt'")
    return float(match.group(1)) * _UNIT_INCHES[match.group(2) or "px"]


def preset_name(name: str) -> str | None:
    """The canonical spelling of a paper preset (``a4`` -> ``A4``), or ``None``."""
    return next((known for known in PAPER_SIZES_MM if known.lower() == name.lower()), None)


@dataclass(frozen=True)
class PaperSpec:
    """Paper and margins of one print, in inches.

    Attributes:
        width: Paper width (after ``landscape``).
        height: Paper height.
        margins: Top, right, bottom, left.
        print_background: Print backgrounds (colours and images).
        scale: Zoom of the page content (Chromium allows 0.1-2).
        title: Document title, written to the PDF's metadata.
    """

    width: float
    height: float
    margins: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    print_background: bool = True
    scale: float = 1.0
    title: str | None = None

    @property
    def content_px(self) -> tuple[int, int]:
        """The printable area in CSS pixels (what a page's layout sees)."""
        top, right, bottom, left = self.margins
        width = (self.width - left - right) * CSS_PX_PER_INCH / self.scale
        height = (self.height - top - bottom) * CSS_PX_PER_INCH / self.scale
        return max(1, int(width)), max(1, int(height))

    @property
    def size_points(self) -> dict[str, int]:
        """The paper size in PDF points, as the wire's ``pageSize`` reports it."""
        return {
            "width": round(self.width * POINTS_PER_INCH),
            "height": round(self.height * POINTS_PER_INCH),
        }


def paper_for_pixels(width: int, height: int) -> PaperSpec:
    """Paper exactly the size of a ``width`` x ``height`` CSS-pixel template, no margins."""
    return PaperSpec(width / CSS_PX_PER_INCH, height / CSS_PX_PER_INCH)


def count_pages(pdf: bytes) -> int:
    """Pages in a PDF Chromium printed (its page objects are never compressed)."""
    return len(_PAGE_OBJECT.findall(pdf))


def pages_document(pages: Sequence[str], paper: PaperSpec) -> str:
    """One document printing each of ``pages`` (full HTML documents) on a page of its own."""
    width, height = paper.content_px
    title = f"<title>{html_lib.escape(paper.title)}</title>" if paper.title else ""
    # One pixel short of the page: a frame exactly as tall as the printable area can spill a
    # rounding error onto a blank extra page.
    frames = "".join(
        f'<iframe srcdoc="{html_lib.escape(page, quote=True)}" scrolling="no" '
        f'style="height:{height - 1}px"></iframe>'
        for page in pages
    )
    return (
        f'<!doctype html><html><head><meta charset="utf-8">{title}<style>'
        "html,body{margin:0;padding:0}"
        f"iframe{{display:block;border:0;width:{width}px;break-after:page}}"
        "iframe:last-child{break-after:auto}"
        f"</style></head><body>{frames}</body></html>"
    )


class PdfPrinter:
    """A capture for `RenderJob`: print the loaded document on ``paper``.

    Args:
        paper: Paper, margins and options.
        framed: The document is a `pages_document`: wait for its frames to load first.
    """

    def __init__(self, paper: PaperSpec, *, framed: bool = False) -> None:
        self.paper = paper
        self.framed = framed
        self.page_count = 0

    async def __call__(self, page: PageHandle) -> RenderOutput:
        """Print, and count the pages printed."""
        if self.framed:
            # The card document's own settle step waits for its images, not its frames'.
            for frame in page.page.main_frame.child_frames:
                await frame.wait_for_load_state("load")
        top, right, bottom, left = self.paper.margins
        result = await page.cdp.send(
            "Page.printToPDF",
            {
                "paperWidth": self.paper.width,
                "paperHeight": self.paper.height,
                "marginTop": top,
                "marginRight": right,
                "marginBottom": bottom,
                "marginLeft": left,
                "printBackground": self.paper.print_background,
                "scale": self.paper.scale,
                "preferCSSPageSize": False,
            },
        )
        data = base64.b64decode(result["data"])
        self.page_count = count_pages(data)
        # The paper in CSS pixels: a template printed on its own size reports that size.
        width = round(self.paper.width * CSS_PX_PER_INCH)
        height = round(self.paper.height * CSS_PX_PER_INCH)
        return RenderOutput(data, width, height, "pdf")
