"""One pictify summary line per Pelican build, shown like Pelican's own ``Done:`` line.

The core logs its summary at INFO, as a record of its own logger ``pictify_ssg.summary`` whose
message is exactly ``report.summary_line``. Pelican shows INFO only with ``-v``/``-D``, so a
plain ``pelican content`` would print nothing from us, and ``-v`` would print it through the
log handler. While the core builds, :class:`SummaryLine` holds that one record back and then
prints the line once on Pelican's console (where ``Done:`` goes), at every verbosity.
"""

from __future__ import annotations

import logging
import sys
from types import TracebackType

#: The core's logger for the summary line alone: every record on it is the summary.
SUMMARY_LOGGER = "pictify_ssg.summary"


class _HoldBack(logging.Filter):
    """Keeps the core's summary records out of the log, remembering the last one."""

    def __init__(self) -> None:
        super().__init__()
        self.line: str | None = None

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == SUMMARY_LOGGER:
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
        self._level = logging.NOTSET
        self.fallback: str | None = None

    def __enter__(self) -> SummaryLine:
        # On the logger itself, not a handler: Pelican owns the handlers.
        logging.getLogger(SUMMARY_LOGGER).addFilter(self._filter)
        # Without -v Pelican's level is WARNING and the INFO record would never be made; the
        # summary logger carries nothing else and every record on it is held back, so it can
        # be let through for the build: the line then shows even when the build raises.
        summary_logger = logging.getLogger(SUMMARY_LOGGER)
        self._level = summary_logger.level
        if not summary_logger.isEnabledFor(logging.INFO):
            summary_logger.setLevel(logging.INFO)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        summary_logger = logging.getLogger(SUMMARY_LOGGER)
        summary_logger.removeFilter(self._filter)
        summary_logger.setLevel(self._level)
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
