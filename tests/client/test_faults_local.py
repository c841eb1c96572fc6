"""Retries, rate limits and idempotency against a real local server with faults switched on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pictify_ssg.client import Effect, Pictify, RateLimitInfo, RetryPolicy
from pictify_ssg.client.exceptions import (
    APIConnectionError,
    NotFoundError,
    RateLimitError,
    ServerError,
)

pytest.importorskip("starlette")

from pictify_ssg.local import LocalServer, ServerOptions


def _server(tmp_path: Path, **options: Any) -> LocalServer:
    return LocalServer(data_dir=tmp_path, options=ServerOptions(**options))


@pytest.fixture
def recorded() -> Iterator[tuple[httpx.Client, list[httpx.Request]]]:
    requests: list[httpx.Request] = []
    with httpx.Client(event_hooks={"request": [requests.append]}) as http:
        yield http, requests


def test_rate_limit_headers_and_429(
    tmp_path: Path, recorded: tuple[httpx.Client, list[httpx.Request]]
) -> None:
    http, requests = recorded
    sleeps: list[float] = []
    with (
        _server(tmp_path, rate_limit_per_minute=2) as server,
        Pictify(
            server.api_key, base_url=server.base_url, http_client=http, max_retries=1
        ) as client,
    ):
        client._sleep = sleeps.append
        client.templates.list()
        assert isinstance(client.rate_limit, RateLimitInfo)
        assert (client.rate_limit.limit, client.rate_limit.remaining) == (2, 1)
        client.templates.list()
        with pytest.raises(RateLimitError) as info:
            client.templates.list()
    assert info.value.retry_after is not None
    assert 0 < info.value.retry_after <= 60
    assert sleeps == [pytest.approx(info.value.retry_after, abs=1.0)]  # waited as told, once
    assert len(requests) == 4
    assert client.rate_limit is not None
    assert client.rate_limit.remaining == 0


def test_injected_503s_are_retried_with_one_key_for_idempotent_posts(
    tmp_path: Path, recorded: tuple[httpx.Client, list[httpx.Request]]
) -> None:
    http, requests = recorded
    policy = RetryPolicy(max_retries=8, base_delay=0.0, jitter=0.0)
    with (
        _server(tmp_path, error_rate=0.6, idempotency=True, seed=3) as server,
        Pictify(
            server.api_key, base_url=server.base_url, http_client=http, retry_policy=policy
        ) as client,
    ):
        client._sleep = lambda _delay: None
        for i in range(4):  # cancelling is idempotent: retried through the injected 503s
            with pytest.raises(NotFoundError):
                client.templates.cancel_batch(f"batch_missing_{i}")
    posts = [r for r in requests if r.method == "POST"]
    assert len(posts) > 4, "the seeded fault injector should have failed some attempts"
    keys = [r.headers["idempotency-key"] for r in posts]
    assert len(set(keys)) == 4  # one key per logical call, reused on its retries


def test_injected_503s_are_not_retried_for_billed_or_creating_posts(
    tmp_path: Path, recorded: tuple[httpx.Client, list[httpx.Request]]
) -> None:
    # A 503 without Retry-After may come from a proxy after the upstream got the request.
    http, requests = recorded
    with (
        _server(tmp_path, error_rate=1.0) as server,
        Pictify(server.api_key, base_url=server.base_url, http_client=http) as client,
    ):
        client._sleep = lambda _delay: None
        with pytest.raises(ServerError, match=r"Not retried.*bill it twice"):
            client.templates.render("T_ANY", variables={"title": "x"})
        with pytest.raises(ServerError, match=r"Not retried.*duplicate"):
            client.templates.create(name="T", html="<p>{{x}}</p>")
        with pytest.raises(ServerError):
            client.templates.list()
    assert [r.method for r in requests] == ["POST", "POST", "GET", "GET", "GET"]


def test_dropped_connections_are_retried(
    tmp_path: Path, recorded: tuple[httpx.Client, list[httpx.Request]]
) -> None:
    http, requests = recorded
    policy = RetryPolicy(max_retries=8, base_delay=0.0, jitter=0.0)
    with (
        _server(tmp_path, drop_rate=0.5, seed=1) as server,
        Pictify(
            server.api_key, base_url=server.base_url, http_client=http, retry_policy=policy
        ) as client,
    ):
        client._sleep = lambda _delay: None
        pages = [client.templates.list() for _ in range(4)]
    assert len(pages) == 4
    assert len(requests) > 4


def test_dropped_billed_post_is_attempted_once(
    tmp_path: Path, recorded: tuple[httpx.Client, list[httpx.Request]]
) -> None:
    http, requests = recorded
    with (
        _server(tmp_path, drop_rate=1.0) as server,
        Pictify(server.api_key, base_url=server.base_url, http_client=http) as client,
    ):
        client._sleep = lambda _delay: None
        with pytest.raises(APIConnectionError, match=r"Not retried.*rendered and billed") as info:
            client.templates.render("T_ANY", variables={"title": "x"})
    assert len(requests) == 1
    assert info.value.maybe_sent is True
    assert info.value.effect is Effect.BILLED
