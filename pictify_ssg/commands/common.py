"""What every subcommand shares: the output flags, the config-file flag, one-line errors.

The conventions follow MkDocs and Pelican: ``-f/--config-file``, ``-v/--verbose``,
``-q/--quiet``; exit code 0 for success, 1 when the command could not do its job (a
configuration mistake, a failed render, a failed check) and 2 for a usage mistake. A user
mistake is one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import functools
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

Handler = Callable[[argparse.Namespace], int]

#: Config files looked for in the current folder when ``-f`` is not given, in this order.
DEFAULT_CONFIG_FILES = ("mkdocs.yml", "mkdocs.yaml", "pelicanconf.py")


class CommandError(Exception):
    """A problem the user can fix; printed as one line, with the exit code.

    Args:
        message: What went wrong and what to do about it.
        code: The exit code (1 unless said otherwise).
    """

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def add_output_flags(parser: argparse.ArgumentParser) -> None:
    """``-v/--verbose`` and ``-q/--quiet``."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "-v", "--verbose", action="store_true", help="also print debug messages of the pipeline"
    )
    group.add_argument("-q", "--quiet", action="store_true", help="print errors only")


def add_config_flag(parser: argparse.ArgumentParser, *, what: str) -> None:
    """``-f/--config-file`` naming ``mkdocs.yml`` or ``pelicanconf.py``."""
    parser.add_argument(
        "-f",
        "--config-file",
        type=Path,
        default=None,
        metavar="FILE",
        help=(
            f"the site's mkdocs.yml or pelicanconf.py, {what} (default: mkdocs.yml or "
            "pelicanconf.py in the current folder, if there is one)"
        ),
    )


def config_file(args: argparse.Namespace, *, required: bool = False) -> Path | None:
    """The config file named with ``-f``, else one found in the current folder.

    Raises:
        CommandError: ``-f`` names a missing file, or ``required`` and none was found.
    """
    given: Path | None = args.config_file
    if given is not None:
        if not given.is_file():
            raise CommandError(f"--config-file: {given} does not exist or is not a file")
        return given
    for name in DEFAULT_CONFIG_FILES:
        if Path(name).is_file():
            return Path(name)
    if required:
        raise CommandError(
            "no site config: pass -f mkdocs.yml or -f pelicanconf.py, or run the command in "
            "the site's folder",
            code=2,
        )
    return None


class Console:
    """Printing with respect to ``-q``: information on stdout, problems on stderr.

    Args:
        command: The subcommand name, prefixed to error lines (``pictify-ssg preview: ...``).
        quiet: Print nothing but errors.
    """

    def __init__(self, command: str, *, quiet: bool = False) -> None:
        self.command = command
        self.quiet = quiet

    def info(self, message: str) -> None:
        """A line of information (suppressed by ``-q``)."""
        if not self.quiet:
            print(message, flush=True)

    def error(self, message: str) -> None:
        """A line on stderr, always shown."""
        print(f"pictify-ssg {self.command}: {message}", file=sys.stderr, flush=True)


@contextmanager
def pipeline_logs(command: str, *, verbose: bool, quiet: bool) -> Iterator[None]:
    """Show the pipeline's log records on stderr while a command runs: warnings by default,
    debug messages with ``-v``, errors only with ``-q``."""
    level = logging.DEBUG if verbose else logging.ERROR if quiet else logging.WARNING
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter(f"pictify-ssg {command}: %(levelname)s: %(message)s"))
    package = logging.getLogger("pictify_ssg")
    previous = package.level
    package.addHandler(handler)
    package.setLevel(min(level, previous) if previous else level)
    try:
        yield
    finally:
        package.removeHandler(handler)
        package.setLevel(previous)


def reports_errors(command: str) -> Callable[[Handler], Handler]:
    """Turn the problems a user can fix into one line on stderr and an exit code.

    The core's own errors (settings, build, cache) carry messages written for users, so they
    are printed as they are; anything else is a bug and keeps its traceback.
    """

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        def run(args: argparse.Namespace) -> int:
            from pictify_ssg.core.errors import PictifySSGError

            out = Console(command, quiet=getattr(args, "quiet", False))
            try:
                with pipeline_logs(
                    command,
                    verbose=getattr(args, "verbose", False),
                    quiet=getattr(args, "quiet", False),
                ):
                    return handler(args)
            except CommandError as exc:
                out.error(str(exc))
                return exc.code
            except PictifySSGError as exc:
                out.error(str(exc))
                return 1
            except KeyboardInterrupt:
                out.error("interrupted")
                return 130

        return run

    return decorate
