"""Pure helpers of ``templates``: formats, create/update fields and batch polling."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pictify_ssg.client._models import TERMINAL_BATCH_STATUSES, BatchJob, BatchResults
from pictify_ssg.client._request import to_wire

#: Growth factor of the ``wait_for_batch`` poll interval.
POLL_BACKOFF = 1.5
#: Fraction of each poll wait that may be randomly removed, so many waiters started together
#: (one per build worker, say) do not poll in lockstep. Removed rather than added, so
#: ``max_poll_interval`` stays a true cap.
POLL_JITTER = 0.25
#: Formats of ``POST /templates/{uid}/render`` (wire notes §6.6; ``jpg`` is sent as ``jpeg``).
RENDER_FORMATS = frozenset({"png", "jpeg", "webp", "pdf"})
#: Formats of ``POST /templates/{uid}/batch-render`` (conflict C13: ``jpg`` is rejected there).
BATCH_FORMATS = frozenset({"png", "jpeg", "webp", "gif"})


def template_fields(
    *,
    name: str | None,
    html: str | None,
    width: int | None,
    height: int | None,
    variable_definitions: Sequence[Mapping[str, Any]] | None,
    output_format: str | None,
    layouts: Mapping[str, Any] | None,
    fields: Mapping[str, Any],
) -> dict[str, Any]:
    """Wire body for create/update: named fields plus camelCased extras (``js_enabled``...)."""
    return to_wire(
        {
            **fields,
            "name": name,
            "html": html,
            "width": width,
            "height": height,
            "variable_definitions": variable_definitions,
            "output_format": output_format,
            "layouts": layouts,
        }
    )


def check_wait_args(timeout: float, poll_interval: float, max_poll_interval: float) -> None:
    """Validate ``wait_for_batch`` arguments."""
    if timeout <= 0 or poll_interval <= 0 or max_poll_interval < poll_interval:
        raise ValueError("need timeout > 0 and 0 < poll_interval <= max_poll_interval")


def next_poll_interval(current: float, max_poll_interval: float) -> float:
    """Grow the poll interval by :data:`POLL_BACKOFF`, capped at ``max_poll_interval``."""
    return min(current * POLL_BACKOFF, max_poll_interval)


def poll_wait(interval: float, remaining: float, rand: float) -> float:
    """Seconds to sleep before the next poll: the interval minus up to :data:`POLL_JITTER` of
    it (``rand`` in [0, 1)), never past the deadline."""
    return max(0.0, min(interval * (1.0 - POLL_JITTER * rand), remaining))


def timeout_message(batch_id: str, timeout: float, last: BatchResults | None) -> str:
    status = last.status if last is not None else "unknown"
    return f"batch {batch_id} still {status} after {timeout:g} s"


def cancelled_note(answer: BatchJob) -> str:
    """What the cancel call did, for the timeout message."""
    return f"; cancelled it (status {answer.status or 'unknown'})"


def finished_meanwhile(answer: BatchJob) -> bool:
    """The cancel answer says the batch had already ended (not by this cancel)."""
    return answer.status in TERMINAL_BATCH_STATUSES and answer.status != "cancelled"
