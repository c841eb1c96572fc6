"""Helpers for the client tests: a recording MockTransport and a sync/async runner."""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from pictify_ssg.client import AsyncPictify, Pictify

from .loopback import Loopback

if TYPE_CHECKING:
    from pictify_ssg.local import LocalServer

API_KEY = "pk_test_SECRET_KEY_123"
BASE_URL = "https://api.test"

Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """A MockTransport handler that records requests and answers from a script.

    ``answers`` is a list of responses or exceptions, consumed in order (the last one repeats),
    or a callable ``request -> response``.
    """

    def __init__(self, *answers: httpx.Response | Exception | Handler) -> None:
        self.answers = list(answers) or [httpx.Response(200, json={})]
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        index = min(len(self.requests) - 1, len(self.answers) - 1)
        answer = self.answers[index]
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, httpx.Response):
            # Responses are single-use: hand out a fresh copy each time.
            return httpx.Response(
                answer.status_code, headers=answer.headers, content=answer.content
            )
        return answer(request)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def body(self, index: int = -1) -> Any:
        content = self.requests[index].content
        return json.loads(content) if content else None


def ok(payload: Any, status: int = 200, **headers: str) -> httpx.Response:
    """A JSON response."""
    return httpx.Response(status, json=payload, headers=headers)


class Runner:
    """Runs the same scenario against ``Pictify`` or ``AsyncPictify``."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.sleeps: list[float] = []
        self.now = 1000.0  # a fake monotonic clock, advanced only by the fake sleeps
        self.rand = 0.0  # what the client's random source returns (0: no poll jitter)

    def _sleep(self, delay: float) -> None:
        self.sleeps.append(delay)
        self.now += delay

    def _configure(self, client: Pictify | AsyncPictify) -> None:
        client._clock = lambda: self.now
        client._random = lambda: self.rand
        if isinstance(client, Pictify):
            client._sleep = self._sleep
        else:

            async def fake_sleep(delay: float) -> None:
                self._sleep(delay)

            client._sleep = fake_sleep

    def run(
        self,
        fn: Callable[[Any], Any],
        handler: Handler | None = None,
        *,
        base_url: str = BASE_URL,
        api_key: str = API_KEY,
        collect: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Call ``fn(client)``; await it for async; with ``collect`` iterate the result fully."""
        transport = httpx.MockTransport(handler) if handler is not None else None
        if self.mode == "sync":
            with Pictify(api_key, base_url=base_url, transport=transport, **kwargs) as client:
                self._configure(client)
                result = fn(client)
                return list(result) if collect else result

        async def main() -> Any:
            async with AsyncPictify(
                api_key, base_url=base_url, transport=transport, **kwargs
            ) as client:
                self._configure(client)
                result = fn(client)
                if collect:
                    return [item async for item in result]
                return await result if inspect.isawaitable(result) else result

        return asyncio.run(main())


@pytest.fixture(params=["sync", "async"])
def runner(request: pytest.FixtureRequest) -> Runner:
    """The scenario runner, once per client flavour."""
    return Runner(request.param)


HOOKS_KEY = "hooks-key-one"
OTHER_KEY = "hooks-key-two"


@pytest.fixture(scope="session")
def hooks_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    """A local server that may call 127.0.0.1 (webhooks, data sources), with fast retries.

    Two keys, to check that subscriptions and bindings stay with the key that made them.
    """
    from pictify_ssg.local import LocalServer, ServerOptions

    options = ServerOptions(
        browsers=1,
        outbound_hosts=("127.0.0.1",),
        webhook_retry_delays_s=(0.05, 0.05),
        webhook_failure_limit=3,
        # Longer than any test waits, so a receiver that hangs stays hanging until released.
        outbound_timeout_s=120,
    )
    with LocalServer(
        data_dir=tmp_path_factory.mktemp("hooks-server"),
        options=options,
        api_keys=[HOOKS_KEY, OTHER_KEY],
    ) as server:
        # Start Chromium now: the recorders' clients keep httpx's 5 s default timeout.
        with Pictify(HOOKS_KEY, base_url=server.base_url, timeout=120) as client:
            client.images.create(html="<p>warm</p>", width=20, height=10)
        yield server


@pytest.fixture
def loopback() -> Iterator[Loopback]:
    """A recording HTTP server on 127.0.0.1 (webhook receiver and data source)."""
    with Loopback().running() as server:
        yield server
