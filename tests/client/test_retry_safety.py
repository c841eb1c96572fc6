"""Which calls are retried after a failure that may have reached the server (scripted faults).

Every endpoint declares its :class:`Effect`; a billed or creating POST is attempted once when
the request may have been processed, and retried only when it certainly was not.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from pictify_ssg.client import Effect, RetryDecision, RetryPolicy
from pictify_ssg.client._resources import Bindings, Gifs, Images, Pdfs, Templates, Webhooks
from pictify_ssg.client.exceptions import (
    APIConnectionError,
    APITimeoutError,
    PictifyError,
    ServerError,
)

from .conftest import Recorder, Runner, ok

BILLED, CREATES, IDEMPOTENT = Effect.BILLED, Effect.CREATES, Effect.IDEMPOTENT
SETS = [{"t": "x"}]

#: Every resource method, called with the fewest arguments, and the effect it must declare.
CALLS: list[tuple[str, Callable[[Any], Any], Effect]] = [
    ("images.create", lambda c: c.images.create(html="<p>x</p>"), BILLED),
    ("images.canvas", lambda c: c.images.canvas(fabric_js_data={"objects": []}), BILLED),
    ("images.agent_screenshot", lambda c: c.images.agent_screenshot(prompt="p"), BILLED),
    ("images.list", lambda c: c.images.list(), IDEMPOTENT),
    ("images.get", lambda c: c.images.get("I1"), IDEMPOTENT),
    ("gifs.create", lambda c: c.gifs.create(html="<p>x</p>"), BILLED),
    ("gifs.capture", lambda c: c.gifs.capture(url="https://x"), BILLED),
    ("gifs.list", lambda c: c.gifs.list(), IDEMPOTENT),
    ("gifs.get", lambda c: c.gifs.get("G1"), IDEMPOTENT),
    ("pdfs.render", lambda c: c.pdfs.render(template_uid="T1"), BILLED),
    ("pdfs.multi_page", lambda c: c.pdfs.multi_page(template_uid="T1", variable_sets=SETS), BILLED),
    ("templates.list", lambda c: c.templates.list(), IDEMPOTENT),
    ("templates.create", lambda c: c.templates.create(html="<p>x</p>"), CREATES),
    ("templates.get", lambda c: c.templates.get("T1"), IDEMPOTENT),
    ("templates.update", lambda c: c.templates.update("T1", name="n"), IDEMPOTENT),
    ("templates.delete", lambda c: c.templates.delete("T1"), IDEMPOTENT),
    ("templates.render", lambda c: c.templates.render("T1"), BILLED),
    ("templates.get_variables", lambda c: c.templates.get_variables("T1"), IDEMPOTENT),
    (
        "templates.batch_render",
        lambda c: c.templates.batch_render("T1", variable_sets=SETS),
        BILLED,
    ),
    ("templates.get_batch_results", lambda c: c.templates.get_batch_results("B1"), IDEMPOTENT),
    ("templates.cancel_batch", lambda c: c.templates.cancel_batch("B1"), IDEMPOTENT),
    ("webhooks.list", lambda c: c.webhooks.list(), IDEMPOTENT),
    ("webhooks.create", lambda c: c.webhooks.create(event="e", target_url="https://x"), CREATES),
    ("webhooks.get", lambda c: c.webhooks.get("W1"), IDEMPOTENT),
    ("webhooks.update", lambda c: c.webhooks.update("W1", status="paused"), IDEMPOTENT),
    ("webhooks.delete", lambda c: c.webhooks.delete("W1"), IDEMPOTENT),
    ("webhooks.pause", lambda c: c.webhooks.pause("W1"), IDEMPOTENT),
    ("webhooks.resume", lambda c: c.webhooks.resume("W1"), IDEMPOTENT),
    ("bindings.list", lambda c: c.bindings.list(), IDEMPOTENT),
    ("bindings.create", lambda c: c.bindings.create(template_uid="T1"), CREATES),
    ("bindings.get", lambda c: c.bindings.get("B1"), IDEMPOTENT),
    ("bindings.update", lambda c: c.bindings.update("B1", name="n"), IDEMPOTENT),
    ("bindings.delete", lambda c: c.bindings.delete("B1"), IDEMPOTENT),
    ("bindings.refresh", lambda c: c.bindings.refresh("B1"), BILLED),
]
IDS = [name for name, _, _ in CALLS]
RESOURCES = {
    "images": Images,
    "gifs": Gifs,
    "pdfs": Pdfs,
    "templates": Templates,
    "webhooks": Webhooks,
    "bindings": Bindings,
}
#: Helpers built on other calls, not endpoints of their own.
HELPERS = {"templates.wait_for_batch"}


def test_the_table_covers_every_resource_method() -> None:
    methods = {
        f"{resource}.{name}"
        for resource, cls in RESOURCES.items()
        for name, _ in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_")
    }
    assert methods - HELPERS == set(IDS)


@pytest.mark.parametrize(("call", "effect"), [c[1:] for c in CALLS], ids=IDS)
def test_each_endpoint_declares_its_effect(
    runner: Runner, call: Callable[[Any], Any], effect: Effect
) -> None:
    seen: list[Effect | None] = []

    def policy(outcome: PictifyError | httpx.Response, attempt: int, /) -> RetryDecision:
        assert isinstance(outcome, PictifyError)
        seen.append(outcome.effect)
        return RetryDecision(False, reason="recording only")

    with pytest.raises(ServerError):
        runner.run(call, Recorder(ok({"error": "boom"}, 500)), retry_policy=policy)
    assert seen == [effect]


@pytest.mark.parametrize(("call", "effect"), [c[1:] for c in CALLS], ids=IDS)
def test_a_dropped_connection_is_retried_only_for_idempotent_calls(
    runner: Runner, call: Callable[[Any], Any], effect: Effect
) -> None:
    rec = Recorder(httpx.RemoteProtocolError("Server disconnected without sending a response"))
    with pytest.raises(APIConnectionError) as info:
        runner.run(call, rec, max_retries=2)
    if effect is IDEMPOTENT:
        assert len(rec.requests) == 3
        assert "Not retried" not in str(info.value)
    else:
        assert len(rec.requests) == 1
        assert "Not retried" in str(info.value)
    assert info.value.maybe_sent is True


RENDER = {"results": [{"url": "https://cdn/x.png"}], "templateUid": "T1"}


def _render(client: Any) -> Any:
    return client.templates.render("T1", variables={"title": "x"})


def test_render_hit_by_read_error_is_attempted_once(runner: Runner) -> None:
    rec = Recorder(httpx.ReadError("connection reset by peer"), ok(RENDER))
    with pytest.raises(APIConnectionError) as info:
        runner.run(_render, rec)
    error = info.value
    assert len(rec.requests) == 1
    assert not isinstance(error, APITimeoutError)
    assert isinstance(error.__cause__, httpx.ReadError)
    assert (error.method, error.effect, error.maybe_sent) == ("POST", BILLED, True)
    text = str(error)
    assert "connection reset by peer" in text
    assert "Not retried" in text
    assert "billed" in text
    assert "Idempotency-Key" in text


def test_create_hit_by_read_error_warns_about_duplicates(runner: Runner) -> None:
    rec = Recorder(httpx.ReadError("reset"))
    with pytest.raises(APIConnectionError, match=r"Not retried.*duplicate"):
        runner.run(lambda c: c.templates.create(html="<p>x</p>"), rec)
    assert len(rec.requests) == 1


@pytest.mark.parametrize("status", [500, 502, 504, 503])
def test_render_5xx_without_a_retry_after_is_attempted_once(runner: Runner, status: int) -> None:
    rec = Recorder(ok({"error": "upstream"}, status), ok(RENDER))
    with pytest.raises(ServerError, match=r"upstream\. Not retried") as info:
        runner.run(_render, rec)
    assert info.value.status == status
    assert len(rec.requests) == 1


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ConnectError("refused"),
        httpx.ConnectTimeout("slow connect"),
        httpx.PoolTimeout("pool exhausted"),
        httpx.Response(429, headers={"Retry-After": "1"}, json={"error": "slow down"}),
        httpx.Response(503, headers={"Retry-After": "1"}, json={"error": "pool busy"}),
        httpx.Response(408, json={"error": "request timeout"}),
    ],
    ids=["connect", "connect-timeout", "pool-timeout", "429", "503-retry-after", "408"],
)
def test_render_is_retried_when_it_certainly_did_nothing(
    runner: Runner, failure: httpx.Response | Exception
) -> None:
    rec = Recorder(failure, ok(RENDER))
    assert runner.run(_render, rec)["url"] == "https://cdn/x.png"
    assert len(rec.requests) == 2
    assert rec.requests[0].headers["idempotency-key"] == rec.requests[1].headers["idempotency-key"]


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadError("reset"),
        httpx.RemoteProtocolError("disconnected"),
        httpx.ReadTimeout("slow"),
        httpx.Response(502, json={"error": "bad gateway"}),
        httpx.Response(504, json={"error": "gateway timeout"}),
    ],
    ids=["read-error", "protocol-error", "read-timeout", "502", "504"],
)
def test_get_is_retried_after_any_transient_failure(
    runner: Runner, failure: httpx.Response | Exception
) -> None:
    rec = Recorder(failure, ok({"template": {"uid": "T1"}}))
    policy = RetryPolicy(max_retries=2, base_delay=0.0, jitter=0.0)
    assert runner.run(lambda c: c.templates.get("T1"), rec, retry_policy=policy).uid == "T1"
    assert len(rec.requests) == 2


def test_a_decoding_error_is_a_connection_error(runner: Runner) -> None:
    # Raised while reading the answer: the request was processed.
    rec = Recorder(httpx.DecodingError("bad gzip"))
    with pytest.raises(APIConnectionError, match="Not retried") as info:
        runner.run(_render, rec)
    assert info.value.maybe_sent is True
    assert len(rec.requests) == 1
