"""Seeded fault injection: the same seed and request sequence always give the same faults."""

from __future__ import annotations

import random
from typing import Literal

from pictify_ssg.local.options import ServerOptions

Fault = Literal["error", "throttle", "drop"]


class FaultInjector:
    """Decides which requests and batch items fail.

    Each request consumes exactly one draw from one seeded generator, so faults depend only on
    the seed and the order of requests. Latency jitter and late answers draw from generators of
    their own (seeded from the same seed), so switching them on leaves the other faults where
    they were. Batch items use a generator seeded per item instead, so their fate does not
    depend on which item a worker happens to pick up first.

    Args:
        options: Rates and seed.
    """

    def __init__(self, options: ServerOptions) -> None:
        self._options = options
        self._rng = random.Random(options.seed)
        self._jitter_rng = random.Random(f"{options.seed}:jitter")
        self._late_rng = random.Random(f"{options.seed}:late")

    def delay_s(self) -> float:
        """Seconds to wait before handling the next request: ``latency_ms`` plus jitter."""
        options = self._options
        delay_ms = float(options.latency_ms)
        if options.latency_jitter_ms:
            delay_ms += options.latency_jitter_ms * self._jitter_rng.random()
        return delay_ms / 1000

    def answers_late(self) -> bool:
        """Whether the next render request is answered only after ``late_render_ms``."""
        rate = self._options.late_render_rate
        return bool(rate) and self._late_rng.random() < rate

    def decide(self) -> Fault | None:
        """The fault for the next request, if any."""
        options = self._options
        if not (options.error_rate or options.throttle_rate or options.drop_rate):
            return None
        draw = self._rng.random()
        if draw < options.error_rate:
            return "error"
        draw -= options.error_rate
        if draw < options.throttle_rate:
            return "throttle"
        draw -= options.throttle_rate
        if draw < options.drop_rate:
            return "drop"
        return None

    def batch_item_fails(self, batch_sequence: int, index: int) -> bool:
        """Whether item ``index`` of the server's ``batch_sequence``-th batch fails."""
        rate = self._options.batch_item_failure_rate
        if not rate:
            return False
        draw = random.Random(f"{self._options.seed}:{batch_sequence}:{index}").random()
        return draw < rate
