"""Copy the cards of a few example pages next to the README, as the pictures it shows.

Run after `scripts/build-examples`: `.venv/bin/python scripts/readme_cards.py`. It reads each
page's og:image from the built MkDocs example and copies that card file to
`example_site/preview/<name>.png`, so the README always shows cards this code produced.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "example_site" / "mkdocs" / "site"
PREVIEW = ROOT / "example_site" / "preview"
SITE_URL = "https://example.org/docs/"
PAGES = {
    "home": "index.html",
    "cjk": "international/cjk/index.html",
    "emoji": "international/emoji/index.html",
    "accents": "international/accents/index.html",
}
_OG_IMAGE = re.compile(r"""<meta\s+property=["']og:image["']\s+content=["']([^"']+)["']""")


def main() -> int:
    """Copy one card per named page; fail when a page or its card is missing."""
    PREVIEW.mkdir(exist_ok=True)
    for name, page in PAGES.items():
        html = (SITE / page).read_text(encoding="utf-8")
        match = _OG_IMAGE.search(html)
        if match is None:
            print(f"{page}: no og:image; build the examples first (scripts/build-examples)")
            return 1
        card = SITE / match.group(1).removeprefix(SITE_URL)
        shutil.copyfile(card, PREVIEW / f"{name}.png")
        print(f"{PREVIEW.relative_to(ROOT) / (name + '.png')} <- {card.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
