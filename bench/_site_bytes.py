"""Card bytes and picture quality of built sites, for ``bench/site_builds.py``.

The same generated site is built twice with the same card design: once with
``png_optimize: off`` (the bytes exactly as Chromium rendered them: the lossless reference) and
once with the plugin's default. Cards are paired by page, through the ``og:image`` each built
page points at, so a card is always compared with the render of the very same HTML. Quality is
the PSNR of the default card against its reference, over the RGB channels (Pillow only: the
histogram of the absolute difference gives the squared error without numpy).
"""

from __future__ import annotations

import html
import math
import re
import statistics
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops

META = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
OG_IMAGE = re.compile(r"""\bproperty\s*=\s*["']og:image["']""", re.IGNORECASE)
CONTENT = re.compile(r"""\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


def og_images(site: Path, site_url: str) -> dict[str, Path]:
    """Page (path in the site) -> the card file its ``og:image`` names, for every page with one.

    Only the head is read: the tags are there, and the pages' bodies are most of their bytes.
    """
    found: dict[str, Path] = {}
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8", errors="replace")
        head = text[: text.find("</head>")] if "</head>" in text else text
        for tag in META.findall(head):
            content = CONTENT.search(tag)
            if OG_IMAGE.search(tag) and content:
                url = html.unescape(content.group(1) or content.group(2))
                if url.startswith(site_url):
                    found[str(page.relative_to(site))] = site / url[len(site_url) :]
                break
    return found


def psnr(reference: Path, candidate: Path) -> float:
    """PSNR in dB of ``candidate`` against ``reference`` (RGB); ``inf`` when identical."""
    with Image.open(reference) as ref_image, Image.open(candidate) as cand_image:
        ref, cand = ref_image.convert("RGB"), cand_image.convert("RGB")
    if ref.size != cand.size:
        raise ValueError(f"{candidate} is {cand.size}, its reference {reference} is {ref.size}")
    histogram = ImageChops.difference(ref, cand).histogram()  # 3 x 256 bins: |a - b| per channel
    squared = sum(count * (index % 256) ** 2 for index, count in enumerate(histogram))
    mse = squared / (ref.size[0] * ref.size[1] * 3)
    return math.inf if mse == 0 else 10 * math.log10(255**2 / mse)


@dataclass(frozen=True)
class CardBytes:
    """Sizes (and, against a reference, PSNRs) of one design's cards in one built site."""

    label: str
    sizes: list[int]
    psnrs: list[float]  # empty when there was no reference to compare with

    @property
    def cards(self) -> int:
        """How many cards were measured."""
        return len(self.sizes)

    @property
    def kb_median(self) -> float:
        """Median card size in KB (1000 bytes, as the target is written)."""
        return statistics.median(self.sizes) / 1000

    @property
    def kb_max(self) -> float:
        """Largest card in KB."""
        return max(self.sizes) / 1000

    @property
    def psnr_min(self) -> float | None:
        """Lowest PSNR of the cards (None without a reference)."""
        return min(self.psnrs) if self.psnrs else None

    @property
    def psnr_median(self) -> float | None:
        """Median PSNR of the cards (None without a reference)."""
        return statistics.median(self.psnrs) if self.psnrs else None


def site_cards(label: str, site: Path, site_url: str) -> CardBytes:
    """Sizes of the cards the pages of ``site`` point at (each file once)."""
    files = set(og_images(site, site_url).values())
    if not files:
        raise ValueError(f"{label}: no page of {site} has an og:image under {site_url}")
    return CardBytes(label, sorted(f.stat().st_size for f in files), [])


def compare(label: str, reference: Path, candidate: Path, site_url: str) -> CardBytes:
    """Sizes and PSNRs of the cards of ``candidate``, paired by page with ``reference``'s."""
    ref_cards = og_images(reference, site_url)
    cand_cards = og_images(candidate, site_url)
    pages = sorted(ref_cards.keys() & cand_cards.keys())
    if not pages or len(pages) != len(cand_cards):
        raise ValueError(
            f"{label}: {len(cand_cards)} pages with a card, {len(ref_cards)} in the reference, "
            f"{len(pages)} in both"
        )
    sizes = [cand_cards[page].stat().st_size for page in pages]
    psnrs = [psnr(ref_cards[page], cand_cards[page]) for page in pages]
    return CardBytes(label, sizes, psnrs)


def disk_usage(folder: Path) -> int:
    """Bytes the folder takes on disk, like ``du -s`` (allocated blocks, each inode once)."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for path in [folder, *folder.rglob("*")]:
        info = path.lstat()
        if (info.st_dev, info.st_ino) not in seen:
            seen.add((info.st_dev, info.st_ino))
            total += info.st_blocks * 512
    return total
