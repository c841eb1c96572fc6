"""``templates.wait_for_batch``: polling with backoff until terminal status or timeout."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pictify_ssg.client import BatchResults
from pictify_ssg.client._resources._template_endpoints import next_poll_interval
from pictify_ssg.client.exceptions import BatchTimeoutError, NotFoundError

from .conftest import Recorder, Runner, ok


def _status(status: str, progress: int = 0) -> httpx.Response:
    return ok({"batchId": "B1", "status": status, "progress": progress, "totalItems": 2})


@pytest.mark.parametrize(
    ("current", "cap", "expected"), [(1.0, 10.0, 1.5), (8.0, 10.0, 10.0), (10.0, 10.0, 10.0)]
)
def test_next_poll_interval(current: float, cap: float, expected: float) -> None:
    assert next_poll_interval(current, cap) == expected


@pytest.mark.parametrize("final", ["completed", "partial", "failed", "cancelled"])
def test_waits_until_terminal(runner: Runner, final: str) -> None:
    rec = Recorder(
        _status("pending"),
        _status("processing", 10),
        _status("processing", 60),
        _status(final, 100),
    )
    result = runner.run(
        lambda c: c.templates.wait_for_batch("B1", poll_interval=1.0, max_poll_interval=2.0), rec
    )
    assert isinstance(result, BatchResults)
    assert result.status == final
    assert len(rec.requests) == 4
    assert all(r.url.path == "/templates/batch/B1/results" for r in rec.requests)
    assert runner.sleeps == [1.0, 1.5, 2.0]  # backoff, capped


def test_returns_at_once_when_already_done(runner: Runner) -> None:
    rec = Recorder(_status("completed", 100))
    assert runner.run(lambda c: c.templates.wait_for_batch("B1"), rec).is_terminal
    assert runner.sleeps == []


def test_times_out(runner: Runner) -> None:
    rec = Recorder(_status("processing", 50))
    with pytest.raises(BatchTimeoutError, match="still processing after 5 s") as info:
        runner.run(
            lambda c: c.templates.wait_for_batch(
                "B1", timeout=5, poll_interval=2, max_poll_interval=2
            ),
            rec,
        )
    assert info.value.batch_id == "B1"
    assert info.value.last_status == "processing"
    assert runner.sleeps == [2.0, 2.0, 1.0]  # the last sleep is cut to the deadline
    assert len(rec.requests) == 4


def test_errors_while_polling_propagate(runner: Runner) -> None:
    rec = Recorder(ok({"message": "Batch not found"}, 404))
    with pytest.raises(NotFoundError, match="Batch not found"):
        runner.run(lambda c: c.templates.wait_for_batch("B1"), rec)


@pytest.mark.parametrize(
    "kwargs",
    [{"timeout": 0}, {"poll_interval": 0}, {"poll_interval": 5, "max_poll_interval": 1}],
)
def test_bad_arguments(runner: Runner, kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="poll_interval"):
        runner.run(lambda c: c.templates.wait_for_batch("B1", **kwargs), Recorder())
