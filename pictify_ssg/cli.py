"""The ``pictify-ssg`` command line.

Each subcommand is a function that adds its parser to the subparsers and sets ``handler`` (a
callable taking the parsed namespace and returning an exit code); add new ones to `COMMANDS`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

Subparsers = Any  # argparse's _SubParsersAction is private; typing it buys nothing here

_OPTION_FLAGS: tuple[tuple[str, str, type, str], ...] = (
    ("--rate-limit", "rate_limit_per_minute", int, "requests per key per minute (429 beyond)"),
    ("--latency-ms", "latency_ms", int, "extra delay before each API request"),
    ("--error-rate", "error_rate", float, "share of API requests answered with 503"),
    ("--throttle-rate", "throttle_rate", float, "share of API requests answered with 429"),
    ("--drop-rate", "drop_rate", float, "share of API requests whose connection is dropped"),
    ("--batch-item-failure-rate", "batch_item_failure_rate", float, "share of batch items failing"),
    ("--seed", "seed", int, "seed for every injected fault"),
    ("--batch-item-delay-ms", "batch_item_delay_ms", int, "pause before each batch item"),
    ("--browsers", "browsers", int, "Chromium processes (default 2)"),
    ("--pages-per-browser", "pages_per_browser", int, "pages per Chromium process (default 1)"),
)


def add_serve(subparsers: Subparsers) -> None:
    """Register ``pictify-ssg serve``."""
    parser = subparsers.add_parser(
        "serve",
        help="run the local Pictify-compatible server (Chromium renderer) in the foreground",
        description=(
            "Serve the Pictify API on this machine, rendering with Chromium. Point a Pictify "
            "client at the printed URL. Optional behaviours can also be set with "
            "PICTIFY_LOCAL_<OPTION> environment variables "
            "(e.g. PICTIFY_LOCAL_RATE_LIMIT_PER_MINUTE)."
        ),
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="interface to bind (default: %(default)s)"
    )
    parser.add_argument(
        "--port", type=int, default=8787, help="TCP port, 0 = any free port (default: %(default)s)"
    )
    parser.add_argument(
        "--data-dir", default=None, help="state directory (default: the user cache dir)"
    )
    parser.add_argument(
        "--retention-hours",
        dest="retention_hours",
        type=_hours,
        default=None,
        metavar="HOURS",
        help=(
            "delete rendered files, image records and finished batches older than this, at "
            "start-up and every 10 minutes; templates are kept; 0 keeps everything "
            "(default: $PICTIFY_LOCAL_RETENTION_HOURS, else 168 = 7 days)"
        ),
    )
    parser.add_argument(
        "--api-key",
        action="append",
        default=None,
        help=(
            "accepted Bearer key (repeatable; default: $PICTIFY_LOCAL_API_KEY, else a random "
            "key printed at start; the variable keeps the key out of the process list)"
        ),
    )
    behaviour = parser.add_argument_group("optional behaviours (off by default)")
    behaviour.add_argument(
        "--idempotency", action="store_true", default=None, help="replay Idempotency-Key POSTs"
    )
    behaviour.add_argument(
        "--no-batch-item-urls",
        dest="batch_item_urls",
        action="store_false",
        default=None,
        help="omit url/width/height from batch results, like the hosted API",
    )
    for flag, dest, kind, text in _OPTION_FLAGS:
        metavar = "N" if kind is int else "SHARE"
        behaviour.add_argument(flag, dest=dest, type=kind, default=None, metavar=metavar, help=text)
    parser.set_defaults(handler=_serve)


def _hours(raw: str) -> float:
    """``--retention-hours``: a non-negative number (argparse reports the error)."""
    try:
        value = float(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {raw!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must be 0 (keep everything) or more, got {raw!r}")
    return value


def _serve(args: argparse.Namespace) -> int:
    from pictify_ssg.local.exceptions import ChromiumNotFoundError
    from pictify_ssg.local.options import ServerOptions
    from pictify_ssg.local.server import serve

    overrides = {dest: getattr(args, dest) for _, dest, _, _ in _OPTION_FLAGS}
    overrides["idempotency"] = args.idempotency
    overrides["batch_item_urls"] = args.batch_item_urls
    overrides["retention_hours"] = args.retention_hours
    try:
        options = ServerOptions.from_env(**overrides)
    except ValueError as exc:
        print(f"pictify-ssg serve: {exc}", file=sys.stderr)
        return 2
    keys = args.api_key or [k for k in [os.environ.get("PICTIFY_LOCAL_API_KEY", "").strip()] if k]
    generated = not keys

    def ready(base_url: str, api_key: str) -> None:
        print(f"pictify-ssg: serving the Pictify API at {base_url}", flush=True)
        if generated:
            # A fresh random key is useless unless the user sees it; a key they chose is not shown.
            print(f"pictify-ssg: API key (generated for this run): {api_key}", flush=True)
        print("pictify-ssg: press Ctrl+C to stop", flush=True)

    try:
        serve(
            host=args.host,
            port=args.port,
            data_dir=args.data_dir,
            api_keys=keys or None,
            options=options,
            on_ready=ready,
        )
    except ChromiumNotFoundError as exc:
        # An environment problem with a ready-made fix in the message: no traceback.
        print(f"pictify-ssg serve: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(
            f"pictify-ssg serve: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr
        )
        return 1
    return 0


COMMANDS: list[Callable[[Subparsers], None]] = [add_serve]
"""Functions that register one subcommand each."""


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser."""
    parser = argparse.ArgumentParser(
        prog="pictify-ssg", description="Social cards for static sites, rendered by Pictify."
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in COMMANDS:
        add(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Args:
        argv: Arguments without the program name (default: ``sys.argv[1:]``).

    Returns:
        The exit code.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
