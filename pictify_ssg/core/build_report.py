"""The build report, the progress bar and the one summary line."""

from __future__ import annotations

import logging
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, TextIO

from pictify_ssg.core.results import CardResult

Outcome = Literal[
    "cached", "rendered", "explicit", "fallback", "previous", "failed", "skipped", "excluded"
]


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


@dataclass
class BuildReport:
    """What one build did.

    Attributes:
        cards: Card per page key (pages without a card are absent).
        outcomes: Outcome per page key, for every page given to the build.
        counts: How many pages had each outcome.
        api_calls: Calls made to the service by kind (``templates.render``,
            ``templates.batch_render``, ``templates.get``, ``download``...).
        batches: Batch jobs submitted.
        direct_renders: Direct render calls made.
        failed: ``(page key, message)`` for pages whose card could not be made.
        warnings: Warnings of this build (also logged).
        backend: The backend used (``hosted``, ``local``, ``skip`` or ``disabled``).
        duration: Seconds the build took.
    """

    cards: dict[str, CardResult] = field(default_factory=dict)
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    api_calls: Counter[str] = field(default_factory=Counter)
    batches: int = 0
    direct_renders: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    backend: str = "skip"
    duration: float = 0.0

    @property
    def counts(self) -> Counter[str]:
        """Pages per outcome."""
        return Counter(self.outcomes.values())

    @property
    def pages(self) -> int:
        """Number of pages given to the build."""
        return len(self.outcomes)

    @property
    def rendered(self) -> int:
        """Distinct cards rendered in this build."""
        return self.counts["rendered"]

    @property
    def summary_line(self) -> str:
        """E.g. ``pictify: 412 pages, 398 cached, 14 rendered in 1 batch, 0 failed, 2.3 s``."""
        counts = self.counts
        parts = [
            _plural(self.pages, "page"),
            f"{counts['cached']} cached",
            f"{counts['rendered']} rendered{self._how()}",
            f"{len(self.failed)} failed",
        ]
        extras = ("explicit", "fallback", "previous", "skipped", "excluded")
        parts.extend(f"{counts[extra]} {extra}" for extra in extras if counts[extra])
        return f"pictify: {', '.join(parts)}, {self.duration:.1f} s"

    def _how(self) -> str:
        ways = []
        if self.batches:
            ways.append(_plural(self.batches, "batch", "batches"))
        if self.direct_renders:
            ways.append(_plural(self.direct_renders, "direct call"))
        return " in " + " + ".join(ways) if ways else ""


class Progress:
    """Render progress: a one-line bar on a terminal (stderr); elsewhere (CI logs) a log line
    every ``interval_s`` seconds, so a long cold build is never minutes of silence.

    Args:
        total: Cards to render.
        stream: Where the bar goes (default: stderr).
        label: What is being counted.
        interval_s: Seconds between two log lines when the stream is not a terminal; builds
            shorter than that log nothing here (the summary line says it all).
        log: Receives each log line (default: INFO on the ``pictify_ssg`` logger).
        clock: Monotonic clock (tests pass their own).
    """

    def __init__(
        self,
        total: int,
        *,
        stream: TextIO | None = None,
        label: str = "rendering",
        interval_s: float = 10.0,
        log: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.total = total
        self.done = 0
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = total > 0 and bool(getattr(self.stream, "isatty", lambda: False)())
        self._clock = clock
        self._last = 0.0
        self._interval_s = interval_s
        self._log = log if log is not None else logging.getLogger("pictify_ssg").info
        self._started = clock()
        self._last_line = self._started

    def advance(self, count: int = 1) -> None:
        """Mark ``count`` more cards as finished."""
        self.done = min(self.total, self.done + count)
        now = self._clock()
        if not self.enabled:
            if now - self._last_line >= self._interval_s and self.done < self.total:
                self._last_line = now
                elapsed = now - self._started
                self._log(f"pictify: {self.label} {self.done}/{self.total} cards ({elapsed:.0f} s)")
            return
        if now - self._last > 0.1 or self.done == self.total:
            self._last = now
            width = 30
            filled = width * self.done // self.total
            bar = "#" * filled + "." * (width - filled)
            self.stream.write(f"\rpictify: {self.label} [{bar}] {self.done}/{self.total}")
            self.stream.flush()

    def close(self) -> None:
        """End the line."""
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
