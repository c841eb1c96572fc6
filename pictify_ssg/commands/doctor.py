"""``pictify-ssg doctor``: is this machine (and this site) ready to make cards?"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from pictify_ssg.commands.common import (
    Console,
    add_config_flag,
    add_output_flags,
    config_file,
    reports_errors,
)
from pictify_ssg.commands.doctor_checks import (
    Verdict,
    check_api_key,
    check_chromium,
    check_fonts,
    check_hosted,
    check_site_url,
)

if TYPE_CHECKING:
    from pictify_ssg.core import Settings

Subparsers = Any


def add_doctor(subparsers: Subparsers) -> None:
    """Register ``pictify-ssg doctor``."""
    parser = subparsers.add_parser(
        "doctor",
        help="check Chromium, fonts, the API key, the hosted API and the site URL",
        description="Check what making cards needs: Chromium (found, version, starts), CJK "
        "and emoji fonts, the API key (never shown), the hosted API (when a key is set) and, "
        "with a site config, its site URL. One line per check; the exit code is 1 when a "
        "check fails.",
    )
    add_config_flag(parser, what="whose settings and site URL are checked")
    parser.add_argument(
        "--base-url",
        default=None,
        metavar="URL",
        help="the Pictify API to check (default: the site's base_url, else PICTIFY_BASE_URL, "
        "else https://api.pictify.io)",
    )
    parser.add_argument(
        "--no-chromium", action="store_true", help="skip the Chromium checks (hosted-only use)"
    )
    add_output_flags(parser)
    parser.set_defaults(handler=_doctor)


@reports_errors("doctor")
def _doctor(args: argparse.Namespace) -> int:
    out = Console("doctor", quiet=args.quiet)
    verdicts: list[Verdict] = []
    path = config_file(args)
    settings: Settings | None = None
    overrides = {"base_url": args.base_url} if args.base_url else {}
    if path is not None:
        from pictify_ssg.commands.common import CommandError
        from pictify_ssg.commands.sites import load_site
        from pictify_ssg.core import SettingsError

        try:
            source = load_site(path)
            settings = source.settings(overrides)
        except (CommandError, SettingsError) as exc:
            verdicts.append(Verdict("config", "fail", str(exc).replace("\n", " ")))
        else:
            verdicts.append(Verdict("config", "ok", f"{path} is valid"))
            verdicts.append(check_site_url(source))
    if settings is None:
        from pictify_ssg.core import Settings

        settings = Settings.from_mapping(overrides, source="the command line")
    if not args.no_chromium:
        verdicts.extend(check_chromium())
    verdicts.extend(check_fonts())
    verdicts.append(check_api_key(settings))
    verdicts.append(check_hosted(settings))
    for verdict in verdicts:
        if args.quiet and verdict.status != "fail":
            continue
        line = f"{verdict.status:<4}  {verdict.name}: {verdict.detail}"
        print(f"{line}\n      hint: {verdict.hint}" if verdict.hint else line, flush=True)
    failed = sum(verdict.status == "fail" for verdict in verdicts)
    out.info(f"{failed} check(s) failed" if failed else "all checks passed")
    return 1 if failed else 0
