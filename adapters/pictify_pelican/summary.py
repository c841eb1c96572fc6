"""One pictify summary line per Pelican build, shown like Pelican's own ``Done:`` line.

The core logs its summary at INFO on the ``pictify_ssg`` logger. Pelican shows INFO only with
``-v``/``-D``, so a plain ``pelican content`` would print nothing from us, and ``-v`` would
print it through the log handler. While the core builds, :class:`SummaryLine` holds that one
record back and then prints the line once on Pelican's console (where ``Done:`` goes), at
every verbosity.
"""

from __future__ import annotations

import logging
import re
import sys
from types import TracebackType

#: The logger the core writes its summary to.
CORE_LOGGER = "pictify_ssg"
#: What the summary starts with (``pictify: 12 pages, 3 cached, ...``); nothing else matches.
SUMMARY = re.compile(r"pictify: \d+ pages?, \d+ cached, ")


class _HoldBack(logging.Filter):
    """Keeps the core's INFO summary records out of the log, remembering the last one."""

    def __init__(self) -> None:
        super().__init__()
        self.line: str | None = None

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.INFO and SUMMARY.match(record.getMessage()):
            self.line = record.getMessage()
            return False
        return True


class SummaryLine:
    """Context manager around one core build: its summary line is printed once, on exit.

    The line the core logged wins; :attr:`fallback` (set by the caller to the report's
    ``summary_line``) is printed when the core logged none. A build that raises (for example
    ``on_error = "fail"``) still shows the line the core logged before raising.
    """

    def __init__(self) -> None:
        self._filter = _HoldBack()
        self.fallback: str | None = None

    def __enter__(self) -> SummaryLine:
        # On the logger itself, not a handler: Pelican owns the handlers. Logger filters do
        # not see records propagated from child loggers, and the core logs on this one.
        logging.getLogger(CORE_LOGGER).addFilter(self._filter)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        logging.getLogger(CORE_LOGGER).removeFilter(self._filter)
        line = self._filter.line or self.fallback
        if line:
            show(line)


def show(line: str) -> None:
    """Print one line on Pelican's console (stdout, beside ``Done:``), never wrapped."""
    try:
        from pelican.log import console
    except ImportError:  # a Pelican without its rich console: plain stdout does the same job
        print(line, file=sys.stdout, flush=True)
        return
    console.print(line, markup=False, soft_wrap=True)
