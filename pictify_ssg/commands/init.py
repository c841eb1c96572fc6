"""``pictify-ssg init``: copy a built-in layout out as the starting point of a card template.

The copy is an ordinary template file: edit it, point ``template_file`` (MkDocs) or
``PICTIFY_TEMPLATE_FILE`` (Pelican) at it, and the next build renders every card from it.
Layout options do not apply to a copy; its colours are plain CSS in the file, easy to change.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from pictify_ssg.core.layouts import DESCRIPTIONS, LAYOUTS, layout_path

DEFAULT_PATH = "card.html"


def add_init(subparsers: Any) -> None:
    """Register ``pictify-ssg init``."""
    listing = "; ".join(f"{name}: {DESCRIPTIONS[name]}" for name in LAYOUTS)
    parser = subparsers.add_parser(
        "init",
        help="copy a built-in card layout out as a template file to edit",
        description=(
            "Write a built-in layout to PATH as a starting card template and print the "
            f"settings that use it. Layouts: {listing}."
        ),
    )
    parser.add_argument(
        "--layout",
        choices=LAYOUTS,
        default="default",
        help="the layout to start from (default: %(default)s)",
    )
    parser.add_argument(
        "--force", action="store_true", help="overwrite PATH when it already exists"
    )
    parser.add_argument(
        "path",
        nargs="?",
        default=DEFAULT_PATH,
        metavar="PATH",
        help="the template file to write (default: %(default)s)",
    )
    parser.set_defaults(handler=run_init)


def run_init(args: argparse.Namespace) -> int:
    """Write the layout; exit code 1 when PATH exists (without ``--force``) or cannot be written."""
    target = Path(args.path)
    if target.is_dir():
        print(
            f"pictify-ssg init: {target} is a folder; name a file such as {target / DEFAULT_PATH}",
            file=sys.stderr,
        )
        return 1
    if target.exists() and not args.force:
        print(
            f"pictify-ssg init: {target} exists; pass --force to overwrite it or name another file",
            file=sys.stderr,
        )
        return 1
    html = layout_path(args.layout).read_text(encoding="utf-8")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
    except OSError as exc:
        print(f"pictify-ssg init: cannot write {target}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    name = target.as_posix()
    print(f"Wrote the '{args.layout}' layout to {name}. Use it with:")
    print()
    print("  # mkdocs.yml (path relative to mkdocs.yml)")
    print("  plugins:")
    print("    - pictify:")
    print(f"        template_file: {name}")
    print()
    print("  # pelicanconf.py (path relative to pelicanconf.py)")
    print(f'  PICTIFY_TEMPLATE_FILE = "{name}"')
    print()
    print(
        "The <!--pictify:logo--> comment marks where layouts put the logo: replace it with "
        '<img class="logo" src="logo.png" alt=""> (local files are inlined into the card).'
    )
    return 0
