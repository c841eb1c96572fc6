"""Route the core's log records through MkDocs' logger while the plugin calls the core.

The core logs to ``pictify_ssg``, which MkDocs neither shows nor counts: ``mkdocs build --strict``
would pass despite a card warning, and the message would reach stderr unformatted through
Python's last-resort handler. Re-logging ``report.warnings`` instead would print each twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

CORE_LOGGER = "pictify_ssg"
PREFIX = "pictify:"


class _Forward(logging.Handler):
    def __init__(self, target: logging.Logger | logging.LoggerAdapter[Any]) -> None:
        super().__init__(logging.DEBUG)
        self.target = target

    def emit(self, record: logging.LogRecord) -> None:
        self.target.log(record.levelno, "%s", strip_prefix(record.getMessage()))


def strip_prefix(message: str) -> str:
    """Drop a leading ``pictify:``: MkDocs' plugin logger adds its own."""
    return message.removeprefix(PREFIX).lstrip() if message.startswith(PREFIX) else message


@contextmanager
def forward_core_logs(target: logging.Logger | logging.LoggerAdapter[Any]) -> Iterator[None]:
    """While the block runs, the core's records go to ``target`` (and nowhere else)."""
    source = logging.getLogger(CORE_LOGGER)
    handler = _Forward(target)
    saved = source.propagate, source.level
    source.addHandler(handler)
    # The target logger decides what is shown; let everything reach it.
    source.propagate, source.level = False, logging.DEBUG
    try:
        yield
    finally:
        source.removeHandler(handler)
        source.propagate, source.level = saved
