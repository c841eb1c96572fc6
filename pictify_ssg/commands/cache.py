"""``pictify-ssg cache info`` and ``pictify-ssg cache clear``: the site's card cache."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pictify_ssg.commands.common import (
    CommandError,
    Console,
    add_config_flag,
    add_output_flags,
    config_file,
    reports_errors,
)

if TYPE_CHECKING:
    from pictify_ssg.core.store import Store

Subparsers = Any
DEFAULT_CACHE = Path(".cache") / "pictify"


def add_cache(subparsers: Subparsers) -> None:
    """Register ``pictify-ssg cache info|clear``."""
    parser = subparsers.add_parser(
        "cache",
        help="show or clear the card cache",
        description="Show what the card cache holds, or empty it. The cache is the site's "
        "cache_dir (default .cache/pictify beside mkdocs.yml or pelicanconf.py).",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    info = actions.add_parser("info", help="path, number of cards, bytes, oldest and newest")
    clear = actions.add_parser("clear", help="delete every cached card (asks first)")
    clear.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")
    for sub in (info, clear):
        add_config_flag(sub, what="whose cache_dir is used")
        sub.add_argument(
            "--cache-dir",
            type=Path,
            default=None,
            metavar="DIR",
            help="the cache folder itself, instead of the site's",
        )
        add_output_flags(sub)
    info.set_defaults(handler=_info)
    clear.set_defaults(handler=_clear)


def cache_folder(args: argparse.Namespace) -> Path:
    """The cache folder: ``--cache-dir``, else the site's ``cache_dir``, else the default."""
    if args.cache_dir is not None:
        return Path(args.cache_dir).resolve()
    path = config_file(args)
    if path is None:
        return (Path.cwd() / DEFAULT_CACHE).resolve()
    from pictify_ssg.commands.sites import load_site

    source = load_site(path)
    folder = source.settings().cache_dir.expanduser()
    return folder if folder.is_absolute() else (source.config_dir / folder).resolve()


def _open(folder: Path) -> Store:
    from pictify_ssg.core.store import Store

    return Store(folder, max_age_days=0)


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} bytes"
    if count < 1024 * 1024:
        return f"{count / 1024:.1f} KB"
    return f"{count / 1024 / 1024:.1f} MB"


@reports_errors("cache info")
def _info(args: argparse.Namespace) -> int:
    out = Console("cache info", quiet=args.quiet)
    folder = cache_folder(args)
    if not folder.is_dir():
        out.info(f"path:    {folder}")
        out.info("cards:   0 (no cache yet; the first build creates it)")
        return 0
    from pictify_ssg.core.cache_summary import summarize

    with _open(folder) as store:
        summary = summarize(store)
    out.info(f"path:    {summary.directory}")
    out.info(f"cards:   {summary.cards} ({_size(summary.card_bytes)} of images)")
    out.info(f"on disk: {_size(summary.disk_bytes)}")
    stamp = "%Y-%m-%d %H:%M UTC"
    if summary.oldest is not None and summary.newest is not None:
        out.info(f"oldest:  {summary.oldest.strftime(stamp)}")
        out.info(f"newest:  {summary.newest.strftime(stamp)}")
    return 0


@reports_errors("cache clear")
def _clear(args: argparse.Namespace) -> int:
    out = Console("cache clear", quiet=args.quiet)
    folder = cache_folder(args)
    if not folder.is_dir():
        out.info(f"nothing to clear: there is no cache at {folder}")
        return 0
    if not args.yes:
        if not sys.stdin.isatty():
            raise CommandError(
                f"clearing {folder} needs confirmation: pass --yes (no terminal to ask on)",
                code=2,
            )
        answer = input(f"Delete every cached card in {folder}? [y/N] ").strip().lower()
        if answer not in {"y", "yes"}:
            out.info("left the cache as it was")
            return 1
    with _open(folder) as store:
        removed = store.clear()
    out.info(f"cleared {folder} ({removed} entries); the next build renders every card again")
    return 0
