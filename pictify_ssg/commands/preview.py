"""``pictify-ssg preview``: render one card to a file, fast, without building the site."""

from __future__ import annotations

import argparse
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
from pictify_ssg.commands.preview_cards import (
    PREVIEW_CACHE,
    Previewer,
    copy_card,
    preview_overrides,
    variables_page,
)

if TYPE_CHECKING:
    from pictify_ssg.commands.sites import SiteSource
    from pictify_ssg.core import PageRecord, Settings, SiteInfo

Subparsers = Any

DESCRIPTION = """\
Render the card of one page of a site, or of variables you give, into an image file. Nothing
else of the site is built, and the site's own cache and output are left alone: previews have
their own cache (.cache/pictify-preview beside the site config).

  pictify-ssg preview -f mkdocs.yml docs/guide.md -o card.png
  pictify-ssg preview -f pelicanconf.py content/first-post.md
  pictify-ssg preview --template card.html --var title="Hello" --var description="World"

With --watch, a sample of pages (the longest title, CJK, right-to-left, emoji, no
description, and the site's own longest-title page) is rendered again whenever the template
file, its assets folder or the site config changes, into PNGs and an index.html contact sheet
that refreshes itself. Only the sample renders while you design, so with a hosted API key a
save costs at most a handful of renders, not the whole site.
"""


def add_preview(subparsers: Subparsers) -> None:
    """Register ``pictify-ssg preview``."""
    parser = subparsers.add_parser(
        "preview",
        help="render one card (or, with --watch, a live sample) without building the site",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "page",
        nargs="?",
        type=Path,
        help="a source file of the site (docs/page.md, content/post.rst); needs the site config",
    )
    add_config_flag(parser, what="whose settings and pages are used")
    parser.add_argument(
        "--var",
        dest="variables",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        type=_variable,
        help="a card variable (repeatable), e.g. --var title='Hello'; without a page, the card "
        "shows these",
    )
    parser.add_argument(
        "-t",
        "--template",
        type=Path,
        default=None,
        metavar="FILE",
        help="an HTML (Handlebars) card template to use instead of the site's",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        metavar="FILE",
        help="where to write the card (default: card.png, or card.jpg/card.webp per format); "
        "with --watch, the folder for the sample (default: .cache/pictify-preview/live)",
    )
    parser.add_argument(
        "--backend",
        choices=("auto", "local", "hosted"),
        default=None,
        help="render with the local Chromium or the hosted API (default: the site's setting, "
        "else hosted when PICTIFY_API_KEY is set, else local)",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help=f"the preview cache (default: {PREVIEW_CACHE} beside the site config, or in the "
        "current folder)",
    )
    live = parser.add_argument_group("live preview")
    live.add_argument(
        "-w",
        "--watch",
        action="store_true",
        help="re-render the sample whenever the template, its assets or the config changes",
    )
    live.add_argument(
        "--serve",
        action="store_true",
        help="also serve the contact sheet on http://127.0.0.1 (--port)",
    )
    live.add_argument(
        "--port", type=int, default=8000, help="port for --serve (default: %(default)s)"
    )
    live.add_argument(
        "--interval",
        type=float,
        default=0.5,
        metavar="SECONDS",
        help="how often to look for changes (default: %(default)s)",
    )
    live.add_argument(
        "--max-renders",
        type=int,
        default=None,
        metavar="N",
        help="stop after rendering the sample N times (default: run until Ctrl+C)",
    )
    add_output_flags(parser)
    parser.set_defaults(handler=_preview)


def _variable(raw: str) -> tuple[str, str]:
    name, sep, value = raw.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {raw!r}")
    return name.strip(), value


class PreviewPlan:
    """What a preview renders with: the site (if any), the settings, the folder of renders.

    Args:
        args: The parsed command line.
    """

    def __init__(self, args: argparse.Namespace) -> None:
        from pictify_ssg.commands.sites import load_site

        path = config_file(args, required=args.page is not None)
        self.source: SiteSource | None = load_site(path) if path is not None else None
        base = self.source.config_dir if self.source is not None else Path.cwd()
        cache = args.cache_dir if args.cache_dir is not None else base / PREVIEW_CACHE
        template = args.template
        if template is not None and not template.is_file():
            raise CommandError(f"--template: {template} does not exist or is not a file")
        self.overrides = preview_overrides(
            cache.resolve(),
            template=template.resolve() if template is not None else None,
            backend=args.backend,
        )

    def settings(self) -> Settings:
        """The settings, read again (the live preview calls this after a config change)."""
        if self.source is not None:
            from pictify_ssg.commands.sites import load_site

            self.source = load_site(self.source.config_path)
            return self.source.settings(self.overrides)
        from pictify_ssg.core import Settings

        return Settings.from_mapping(self.overrides, source="the command line")

    def site(self) -> SiteInfo:
        """The site, or a stand-in for cards made from variables alone."""
        if self.source is not None:
            return self.source.site
        from pictify_ssg.core import SiteInfo

        cwd = Path.cwd()
        return SiteInfo(name="Example site", url="https://example.org/", lang="en", config_dir=cwd)


@reports_errors("preview")
def _preview(args: argparse.Namespace) -> int:
    out = Console("preview", quiet=args.quiet)
    plan = PreviewPlan(args)
    if args.watch:
        from pictify_ssg.commands.watch import watch

        return watch(plan, args, out)
    if args.page is None and not args.variables:
        raise CommandError(
            "name a page of the site, or give card variables with --var NAME=VALUE "
            "(or use --watch for the live sample)",
            code=2,
        )
    settings = plan.settings()
    page = _page(plan, args)
    target = args.output or Path(f"card.{'jpg' if settings.format == 'jpeg' else settings.format}")
    with Previewer(settings, plan.site()) as previewer:
        [outcome] = previewer.render([page])
    if outcome.path is None:
        raise CommandError(f"no card for {args.page or 'the variables'}: {outcome.problem}")
    copy_card(outcome.path, target)
    out.info(f"pictify-ssg preview: wrote {target}")
    return 0


def _page(plan: PreviewPlan, args: argparse.Namespace) -> PageRecord:
    values = dict(args.variables)
    if args.page is None:
        return variables_page(values)
    assert plan.source is not None  # config_file(required=True) saw to it
    page = plan.source.page(args.page)
    return with_variables(page, values) if values else page


def with_variables(page: PageRecord, values: dict[str, str]) -> PageRecord:
    """The page with some card variables set by hand on top of its own values."""
    import dataclasses
    from collections.abc import Mapping

    given = variables_page(values, key=page.key)
    options = page.meta.get("pictify")
    options = dict(options) if isinstance(options, Mapping) else {}
    ours = given.meta["pictify"]["variables"]
    options["variables"] = {**dict(options.get("variables") or {}), **ours}
    options.pop("image", None)  # the point is to see the card, not the page's own image
    return dataclasses.replace(
        page,
        title=given.title or page.title,
        description=given.description or page.description,
        meta={**page.meta, **given.meta, "pictify": options},
        existing_image=None,
    )
