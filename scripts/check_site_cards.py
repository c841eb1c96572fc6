"""Count the pages of built sites that carry exactly one absolute og:image.

Used by `scripts/wheel-smoke` and `scripts/build-examples`. It prints one line per site and
exits non-zero when a page has several og:image tags or a relative one, or when a site has no
card at all. Pages without a card are counted, not failed: a page may have opted out.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

_OG_IMAGE = re.compile(r"""<meta\s+property=["']og:image["']\s+content=["']([^"']+)["']""", re.I)
_REDIRECT = re.compile(r"""http-equiv=["']refresh["']""", re.I)


def check_site(root: Path) -> tuple[int, int, list[str]]:
    """Return (pages, pages with one absolute og:image, problems) for the site under root."""
    pages = with_card = 0
    problems: list[str] = []
    for html_file in sorted(root.rglob("*.html")):
        text = html_file.read_text(encoding="utf-8", errors="replace")
        if _REDIRECT.search(text) or "<head" not in text.lower():
            continue
        pages += 1
        images = _OG_IMAGE.findall(text)
        if len(images) > 1:
            problems.append(f"{html_file.relative_to(root)}: {len(images)} og:image tags")
        elif images and not images[0].startswith(("http://", "https://")):
            problems.append(f"{html_file.relative_to(root)}: relative og:image {images[0]}")
        elif images:
            with_card += 1
    return pages, with_card, problems


def main(argv: list[str]) -> int:
    """Check each site folder named on the command line."""
    status = 0
    for name in argv:
        root = Path(name)
        pages, with_card, problems = check_site(root)
        print(f"{root}: {with_card} of {pages} pages have one absolute og:image")
        for problem in problems:
            print(f"  problem: {problem}")
        if problems or with_card == 0:
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
