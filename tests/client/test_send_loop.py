"""The send loops (sync and async): retries, idempotency, rate limits, errors, lifecycle."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest

from pictify_ssg.client import (
    AsyncPictify,
    Pictify,
    RateLimitInfo,
    RetryDecision,
    RetryPolicy,
)
from pictify_ssg.client.exceptions import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    ConflictError,
    NotFoundError,
    PictifyError,
    QuotaExceededError,
    RateLimitError,
    RequestTimeoutError,
    ServerError,
)

from .conftest import API_KEY, Recorder, Runner, ok

TEMPLATE = {"template": {"uid": "T1", "name": "Card"}}
RENDER = {"results": [{"url": "https://cdn/x.png"}], "templateUid": "T1"}
ZERO = RetryPolicy(max_retries=2, base_delay=0.0, jitter=0.0)


def _render(client: Pictify | AsyncPictify) -> object:
    return client.templates.render("T1", variables={"title": "x"})


def _get(client: Pictify | AsyncPictify) -> object:
    return client.templates.get("T1")


BUSY = httpx.Response(503, headers={"Retry-After": "0"}, json={"error": "busy"})


def test_retries_refusals_with_one_idempotency_key(runner: Runner) -> None:
    # A billed render is retried only after answers that prove it was not done.
    rec = Recorder(BUSY, ok({"error": "slow down"}, 429), ok({}, 408), ok(RENDER))
    result = runner.run(_render, rec, retry_policy=RetryPolicy(max_retries=3, jitter=0.0))
    assert result["url"] == "https://cdn/x.png"
    assert len(rec.requests) == 4
    keys = {r.headers["idempotency-key"] for r in rec.requests}
    assert len(keys) == 1
    assert runner.sleeps == [0.0, 1.0, 2.0]


def test_caller_idempotency_key_is_used(runner: Runner) -> None:
    rec = Recorder(BUSY, ok(RENDER))
    runner.run(lambda c: c.templates.render("T1", idempotency_key="my-key"), rec, retry_policy=ZERO)
    assert [r.headers["idempotency-key"] for r in rec.requests] == ["my-key", "my-key"]


def test_gives_up_after_max_retries(runner: Runner) -> None:
    rec = Recorder(ok({"error": "down"}, 500))
    with pytest.raises(ServerError, match="down") as info:
        runner.run(_get, rec, retry_policy=RetryPolicy(max_retries=2, base_delay=0))
    assert len(rec.requests) == 3
    assert "Not retried" not in str(info.value)  # a GET is safe: nothing to warn about


def test_max_retries_zero_means_one_attempt(runner: Runner) -> None:
    rec = Recorder(ok({}, 503))
    with pytest.raises(ServerError):
        runner.run(_render, rec, max_retries=0)
    assert len(rec.requests) == 1


def test_default_policy_backs_off_exponentially(runner: Runner) -> None:
    rec = Recorder(ok({}, 503))
    with pytest.raises(ServerError):
        runner.run(_get, rec, max_retries=2)
    assert len(runner.sleeps) == 2
    assert 0.375 <= runner.sleeps[0] <= 0.5
    assert 0.75 <= runner.sleeps[1] <= 1.0


def test_honours_retry_after(runner: Runner) -> None:
    throttled = httpx.Response(
        429, headers={"Retry-After": "3"}, json={"error": "Rate limit exceeded", "retry_after": 3}
    )
    rec = Recorder(throttled, ok(TEMPLATE))
    template = runner.run(lambda c: c.templates.get("T1"), rec)
    assert template.uid == "T1"
    assert runner.sleeps == [3.0]


def test_rate_limit_error_after_budget(runner: Runner) -> None:
    rec = Recorder(ok({"error": "slow", "retryAfter": 1}, 429))
    with pytest.raises(RateLimitError) as info:
        runner.run(lambda c: c.templates.get("T1"), rec, max_retries=1)
    assert info.value.retry_after == 1.0
    assert len(rec.requests) == 2


def test_quota_is_not_retried(runner: Runner) -> None:
    rec = Recorder(ok({"error": "No credits", "code": "quota_exceeded"}, 429))
    with pytest.raises(QuotaExceededError):
        runner.run(_render, rec)
    assert len(rec.requests) == 1


@pytest.mark.parametrize(("status", "cls"), [(401, AuthenticationError), (404, NotFoundError)])
def test_client_errors_are_not_retried(
    runner: Runner, status: int, cls: type[PictifyError]
) -> None:
    rec = Recorder(ok({"message": "nope"}, status))
    with pytest.raises(cls, match="nope"):
        runner.run(lambda c: c.templates.get("T1"), rec)
    assert len(rec.requests) == 1


def test_post_is_not_retried_after_read_timeout(runner: Runner) -> None:
    rec = Recorder(httpx.ReadTimeout("slow render"), ok(RENDER))
    with pytest.raises(APITimeoutError) as info:
        runner.run(_render, rec)
    assert info.value.phase == "read"
    assert info.value.method == "POST"
    assert len(rec.requests) == 1


def test_get_is_retried_after_read_timeout(runner: Runner) -> None:
    rec = Recorder(httpx.ReadTimeout("slow"), ok(TEMPLATE))
    assert runner.run(lambda c: c.templates.get("T1"), rec, retry_policy=ZERO).uid == "T1"
    assert len(rec.requests) == 2


def test_post_is_retried_after_connect_error(runner: Runner) -> None:
    rec = Recorder(httpx.ConnectError("refused"), httpx.ConnectTimeout("slow"), ok(RENDER))
    assert runner.run(_render, rec, retry_policy=ZERO)["url"]
    assert len(rec.requests) == 3
    assert len({r.headers["idempotency-key"] for r in rec.requests}) == 1


def test_connection_error_surfaces(runner: Runner) -> None:
    rec = Recorder(httpx.ConnectError("refused"))
    with pytest.raises(APIConnectionError, match="Could not reach") as info:
        runner.run(_render, rec, max_retries=0)
    assert not isinstance(info.value, APITimeoutError)
    assert isinstance(info.value.__cause__, httpx.ConnectError)


def test_custom_policy_callable_gets_errors(runner: Runner) -> None:
    seen: list[tuple[int | None, int]] = []

    def policy(outcome: PictifyError | httpx.Response, attempt: int, /) -> RetryDecision:
        assert isinstance(outcome, PictifyError)
        seen.append((outcome.status, attempt))
        return RetryDecision(attempt < 1, 0.25, "test")

    rec = Recorder(ok({}, 418))
    with pytest.raises(PictifyError):
        runner.run(_render, rec, retry_policy=policy)
    assert seen == [(418, 0), (418, 1)]
    assert runner.sleeps == [0.25]


def test_rate_limit_headers_are_exposed() -> None:
    headers = {
        "X-RateLimit-Limit": "60",
        "X-RateLimit-Remaining": "59",
        "X-RateLimit-Reset": "1800000000",
    }
    rec = Recorder(httpx.Response(200, headers=headers, json=TEMPLATE), ok(TEMPLATE))
    with Pictify(API_KEY, transport=httpx.MockTransport(rec)) as client:
        before = client.rate_limit
        assert before is None
        client.templates.get("T1")
        assert client.rate_limit == RateLimitInfo(limit=60, remaining=59, reset=1800000000)
        assert client.rate_limit.reset_at is not None
        client.templates.get("T1")  # no headers: the last known window is kept
        assert client.rate_limit.remaining == 59


async def test_async_rate_limit_headers_are_exposed() -> None:
    headers = {"x-ratelimit-remaining": "3"}
    rec = Recorder(httpx.Response(200, headers=headers, json=TEMPLATE))
    async with AsyncPictify(API_KEY, transport=httpx.MockTransport(rec)) as client:
        await client.templates.get("T1")
        assert client.rate_limit == RateLimitInfo(limit=None, remaining=3, reset=None)


def test_invalid_success_body_is_a_pictify_error(runner: Runner) -> None:
    rec = Recorder(ok({"unexpected": True}))
    with pytest.raises(PictifyError, match="Unexpected response"):
        runner.run(lambda c: c.templates.get("T1"), rec)


def test_non_json_error_body(runner: Runner) -> None:
    rec = Recorder(httpx.Response(502, text="<html>Bad gateway</html>"))
    with pytest.raises(ServerError, match="Bad gateway"):
        runner.run(lambda c: c.templates.get("T1"), rec, max_retries=0)


def test_injected_http_client_is_not_closed() -> None:
    http = httpx.Client(transport=httpx.MockTransport(Recorder(ok(TEMPLATE))))
    with Pictify(API_KEY, http_client=http) as client:
        assert client.templates.get("T1").uid == "T1"
    assert not http.is_closed
    http.close()


def test_owned_http_client_is_closed() -> None:
    client = Pictify(API_KEY, transport=httpx.MockTransport(Recorder()))
    client.close()
    assert client._http.is_closed


async def test_async_lifecycle() -> None:
    http = httpx.AsyncClient(transport=httpx.MockTransport(Recorder(ok(TEMPLATE))))
    async with AsyncPictify(API_KEY, http_client=http) as client:
        assert (await client.templates.get("T1")).uid == "T1"
    assert not http.is_closed
    await http.aclose()
    owned = AsyncPictify(API_KEY, transport=httpx.MockTransport(Recorder()))
    await owned.close()
    assert owned._http.is_closed


async def test_async_calls_run_concurrently() -> None:
    rec = Recorder(ok(TEMPLATE))
    async with AsyncPictify(API_KEY, transport=httpx.MockTransport(rec)) as client:
        results = await asyncio.gather(*(client.templates.get(f"T{i}") for i in range(5)))
    assert len(results) == 5
    assert len(rec.requests) == 5


def test_timeout_is_applied_to_every_request() -> None:
    rec = Recorder(ok(TEMPLATE))
    with Pictify(API_KEY, transport=httpx.MockTransport(rec), timeout=12.5) as client:
        client.templates.get("T1")
    assert rec.last.extensions["timeout"]["read"] == 12.5


def test_retry_decisions_are_logged_without_the_key(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="pictify_ssg.client")
    rec = Recorder(ok({}, 503), ok({"error": "nope"}, 400))
    with Pictify(API_KEY, transport=httpx.MockTransport(rec), retry_policy=ZERO) as client:
        client._sleep = lambda _delay: None
        with pytest.raises(PictifyError):
            client.templates.get("T1")
    assert "retrying GET https://api.pictify.io/templates/T1 after HTTP 503" in caplog.text
    assert "not retrying" in caplog.text
    assert API_KEY not in caplog.text


def test_conflict_is_not_retried(runner: Runner) -> None:
    rec = Recorder(ok({"message": "Idempotency-Key reused with another body"}, 409))
    with pytest.raises(ConflictError, match="reused") as info:
        runner.run(_get, rec)
    assert info.value.status == 409
    assert len(rec.requests) == 1


def test_request_timeout_is_retried_then_raised(runner: Runner) -> None:
    rec = Recorder(ok({"error": "Request Timeout"}, 408))
    with pytest.raises(RequestTimeoutError) as info:
        runner.run(_render, rec, max_retries=2)  # safe even for a billed render
    assert info.value.status == 408
    assert len(rec.requests) == 3


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        ({"message": "You have exhausted your plan limit"}, {}),
        ({"error": "Limit reached", "upgradeUrl": "https://pictify.io/pricing"}, {}),
        (
            {"error": "Too many requests"},
            {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "99999999999"},
        ),
    ],
    ids=["old-message", "upgrade-url", "far-reset"],
)
def test_quota_429_without_a_code_is_not_retried(
    runner: Runner, body: dict[str, str], headers: dict[str, str]
) -> None:
    rec = Recorder(httpx.Response(429, json=body, headers=headers))
    with pytest.raises(QuotaExceededError):
        runner.run(_get, rec)
    assert len(rec.requests) == 1


def test_throttle_429_waits_until_the_window_resets(runner: Runner) -> None:
    import time

    reset = str(int(time.time()) + 20)
    throttled = httpx.Response(
        429,
        json={"error": "slow"},
        headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset},
    )
    rec = Recorder(throttled, ok(TEMPLATE))
    assert runner.run(_get, rec).uid == "T1"
    assert len(runner.sleeps) == 1
    assert 15 <= runner.sleeps[0] <= 20


def _rate_limit_after_get(client: Pictify | AsyncPictify) -> object:
    if isinstance(client, AsyncPictify):

        async def main() -> object:
            await client.templates.get("T1")
            return client.rate_limit

        return main()
    client.templates.get("T1")
    return client.rate_limit


@pytest.mark.parametrize(
    "reset", ["inf", "-inf", "nan", "1e400", "1e300", "-5", "9" * 400, "12abc"]
)
def test_odd_rate_limit_reset_values_do_not_raise(runner: Runner, reset: str) -> None:
    headers = {"X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "3", "X-RateLimit-Reset": reset}
    rec = Recorder(httpx.Response(200, headers=headers, json=TEMPLATE))
    info = runner.run(_rate_limit_after_get, rec)
    assert info == RateLimitInfo(limit=60, remaining=3, reset=None)
    assert info.reset_at is None


def test_odd_429_reset_still_maps_to_a_rate_limit_error(runner: Runner) -> None:
    headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "inf"}
    rec = Recorder(httpx.Response(429, headers=headers, json={"error": "slow"}))
    with pytest.raises(RateLimitError) as info:
        runner.run(_get, rec, max_retries=0)
    assert info.value.retry_after is None
