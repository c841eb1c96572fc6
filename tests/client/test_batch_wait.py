"""``templates.wait_for_batch``: polling with backoff until terminal status or timeout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from pictify_ssg.client import BatchResults, Pictify
from pictify_ssg.client._resources._template_endpoints import next_poll_interval, poll_wait
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


@pytest.mark.parametrize(
    ("interval", "remaining", "rand", "expected"),
    [
        (2.0, 10.0, 0.0, 2.0),
        (2.0, 10.0, 0.5, 1.75),
        (2.0, 10.0, 0.999, 1.5005),
        (2.0, 1.0, 0.0, 1.0),  # never past the deadline
        (2.0, 0.0, 0.0, 0.0),
    ],
)
def test_poll_wait(interval: float, remaining: float, rand: float, expected: float) -> None:
    assert poll_wait(interval, remaining, rand) == pytest.approx(expected)


def test_polls_are_jittered(runner: Runner) -> None:
    runner.rand = 0.5
    rec = Recorder(
        _status("processing"), _status("processing"), _status("processing"), _status("completed")
    )
    runner.run(
        lambda c: c.templates.wait_for_batch("B1", poll_interval=1.0, max_poll_interval=2.0), rec
    )
    # each wait loses up to a quarter at random; the growth itself is not jittered
    assert runner.sleeps == pytest.approx([0.875, 1.3125, 1.75])


def _cancel_answer(status: str) -> httpx.Response:
    return ok({"batchId": "B1", "status": status, "message": "m"})


def _wait(cancel: bool) -> Any:
    return lambda c: c.templates.wait_for_batch(
        "B1", timeout=3, poll_interval=1, max_poll_interval=1, cancel_on_timeout=cancel
    )


def _by_path(answers: dict[str, list[httpx.Response]]) -> Recorder:
    def handler(request: httpx.Request) -> httpx.Response:
        queue = answers[request.url.path]
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content)

    return Recorder(handler)


RESULTS = "/templates/batch/B1/results"
CANCEL = "/templates/batch/B1/cancel"


def test_timeout_does_not_cancel_by_default(runner: Runner) -> None:
    rec = _by_path({RESULTS: [_status("processing")]})
    with pytest.raises(BatchTimeoutError) as info:
        runner.run(_wait(False), rec)
    assert info.value.cancelled is False
    assert all(r.method == "GET" for r in rec.requests)


def test_cancel_on_timeout_cancels_before_raising(runner: Runner) -> None:
    rec = _by_path({RESULTS: [_status("processing")], CANCEL: [_cancel_answer("cancelled")]})
    with pytest.raises(BatchTimeoutError, match="still processing after 3 s; cancelled it") as info:
        runner.run(_wait(True), rec)
    assert info.value.cancelled is True
    assert info.value.last_status == "processing"
    assert [(r.method, r.url.path) for r in rec.requests][-1] == ("POST", CANCEL)
    assert sum(r.method == "POST" for r in rec.requests) == 1


def test_a_failed_cancel_is_reported_and_chained(runner: Runner) -> None:
    rec = _by_path(
        {RESULTS: [_status("processing")], CANCEL: [ok({"message": "Batch not found"}, 404)]}
    )
    with pytest.raises(BatchTimeoutError, match=r"cancelling it failed: .*Batch not found") as info:
        runner.run(_wait(True), rec)
    assert info.value.cancelled is False
    assert isinstance(info.value.__cause__, NotFoundError)


def test_a_batch_that_finished_meanwhile_is_returned(runner: Runner) -> None:
    rec = _by_path(
        {
            RESULTS: [_status("processing")] * 4 + [_status("completed", 100)],
            CANCEL: [_cancel_answer("completed")],
        }
    )
    result = runner.run(_wait(True), rec)
    assert result.status == "completed"
    assert [r.method for r in rec.requests][-2:] == ["POST", "GET"]


def test_cancel_on_timeout_against_a_slow_local_batch(tmp_path: Path) -> None:
    pytest.importorskip("starlette")
    from pictify_ssg.local import LocalServer, ServerOptions

    options = ServerOptions(batch_item_delay_ms=30_000, browsers=1)
    with (
        LocalServer(data_dir=tmp_path, options=options) as server,
        Pictify(server.api_key, base_url=server.base_url) as client,
    ):
        template = client.templates.create(name="Slow", html="<p>{{t}}</p>", width=64, height=32)
        job = client.templates.batch_render(template.uid, variable_sets=[{"t": "a"}, {"t": "b"}])
        with pytest.raises(BatchTimeoutError) as info:
            client.templates.wait_for_batch(
                job.batch_id, timeout=0.3, poll_interval=0.05, cancel_on_timeout=True
            )
        after = client.templates.get_batch_results(job.batch_id)
    assert info.value.cancelled is True
    assert info.value.last_status in {"pending", "processing"}
    assert after.status == "cancelled"
    assert after.completed_items == 0
