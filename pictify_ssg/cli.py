"""The ``pictify-ssg`` command line.

Each subcommand is a function that adds its parser to the subparsers and sets ``handler`` (a
callable taking the parsed namespace and returning an exit code); add new ones to `COMMANDS`.

A user mistake never prints a traceback: a bad flag is one line and exit code 2 (usage), a
problem found while starting (port taken, data directory unusable) one line and exit code 1.
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn

from pictify_ssg.commands.cache import add_cache
from pictify_ssg.commands.doctor import add_doctor
from pictify_ssg.commands.init import add_init
from pictify_ssg.commands.preview import add_preview

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
        "--port",
        type=_port,
        default=8787,
        help="TCP port, 0 = any free port (default: %(default)s)",
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
        type=_api_key,
        default=None,
        help=(
            "accepted Bearer key (repeatable; default: $PICTIFY_LOCAL_API_KEY, else a random "
            "key printed at start; the variable keeps the key out of the process list)"
        ),
    )
    network = parser.add_argument_group("what renders may reach (nothing private by default)")
    network.add_argument(
        "--card-host",
        dest="card_hosts",
        action="append",
        default=None,
        metavar="HOST",
        help=(
            "a host cards may load https resources (web fonts, images) from, e.g. "
            "fonts.gstatic.com or *.example.com; repeatable (default: none, cards render "
            "offline; $PICTIFY_LOCAL_CARD_HOSTS takes a comma-separated list)"
        ),
    )
    network.add_argument(
        "--allow-private-network",
        dest="allow_private_network",
        action="store_true",
        default=None,
        help=(
            "let URL screenshots (and card hosts) reach loopback, private and link-local "
            "addresses, the cloud metadata address included; only for trusted callers"
        ),
    )
    network.add_argument(
        "--outbound-host",
        dest="outbound_hosts",
        action="append",
        default=None,
        metavar="HOST",
        help=(
            "a host webhook deliveries and binding data sources may call, e.g. 127.0.0.1 or "
            "*.example.com, or * for any public address; repeatable (default: none, such URLs "
            "are refused; $PICTIFY_LOCAL_OUTBOUND_HOSTS takes a comma-separated list)"
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


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (argparse prints the whole usage first,
    which for ``serve`` is a screenful that buries the one line that matters)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _port(raw: str) -> int:
    """``--port``: an integer from 0 to 65535 (argparse reports the error)."""
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(
            f"must be a whole number from 1 to 65535, or 0 for any free port; got {raw!r}"
        )
    return value


def _api_key(raw: str) -> str:
    """``--api-key``: a non-blank key; surrounding spaces are dropped, as the server would
    drop them from the ``Authorization`` header."""
    key = raw.strip()
    if not key:
        raise argparse.ArgumentTypeError(
            "must not be empty or blank; pass a real key, or leave the flag out to get a "
            "random one printed at start"
        )
    return key


def _hours(raw: str) -> float:
    """``--retention-hours``: a non-negative number (argparse reports the error)."""
    try:
        value = float(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {raw!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must be 0 (keep everything) or more, got {raw!r}")
    return value


@contextmanager
def _warnings_on_stderr() -> Iterator[None]:
    """Print the server's warnings (such as the one for a non-loopback ``--host``) on stderr
    as ``pictify-ssg serve: WARNING: ...`` lines while serving."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("pictify-ssg serve: %(levelname)s: %(message)s"))
    package = logging.getLogger("pictify_ssg")
    package.addHandler(handler)
    try:
        yield
    finally:
        package.removeHandler(handler)


def _serve(args: argparse.Namespace) -> int:
    from pictify_ssg.local.exceptions import ChromiumNotFoundError, DataDirError
    from pictify_ssg.local.options import ServerOptions
    from pictify_ssg.local.server import serve

    overrides = {dest: getattr(args, dest) for _, dest, _, _ in _OPTION_FLAGS}
    overrides["idempotency"] = args.idempotency
    overrides["batch_item_urls"] = args.batch_item_urls
    overrides["retention_hours"] = args.retention_hours
    overrides["card_hosts"] = tuple(args.card_hosts) if args.card_hosts else None
    overrides["allow_private_network"] = args.allow_private_network
    overrides["outbound_hosts"] = tuple(args.outbound_hosts) if args.outbound_hosts else None
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
        with _warnings_on_stderr():
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
    except DataDirError as exc:
        print(
            f"pictify-ssg serve: --data-dir: {exc}; pass a directory you can write to with "
            "--data-dir",
            file=sys.stderr,
        )
        return 1
    except OSError as exc:
        reason = exc.strerror or str(exc)
        print(
            f"pictify-ssg serve: cannot listen on {args.host}:{args.port}: {reason}; "
            f"{_listen_hint(exc)}",
            file=sys.stderr,
        )
        return 1
    return 0


def _listen_hint(exc: OSError) -> str:
    """What to do about a socket that cannot be bound, naming the flag to change."""
    if exc.errno == errno.EADDRINUSE:
        return "choose another --port (0 picks a free one) or stop the program using it"
    if exc.errno == errno.EACCES:
        return "ports below 1024 need privileges: choose a --port above 1023"
    return "check --host: it must be an address of this machine, such as 127.0.0.1"


COMMANDS: list[Callable[[Subparsers], None]] = [
    add_serve,
    add_init,
    add_preview,
    add_cache,
    add_doctor,
]
"""Functions that register one subcommand each."""


def version_line() -> str:
    """``pictify-ssg 0.1.0 (Python 3.12.3)``: what a bug report needs first."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        package = version("pictify-ssg")
    except PackageNotFoundError:  # run from a source tree that was never installed
        package = "unknown"
    return f"pictify-ssg {package} (Python {sys.version.split()[0]})"


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser."""
    parser = _Parser(
        prog="pictify-ssg", description="Social cards for static sites, rendered by Pictify."
    )
    parser.add_argument("--version", action="version", version=version_line())
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
