"""What every resource of :class:`AsyncPictify` holds: the client, seen through what it uses."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from pictify_ssg.client._options import RequestOptions
from pictify_ssg.client._request import Endpoint

R = TypeVar("R")


class AsyncClientLike(Protocol):
    """The parts of :class:`AsyncPictify` a resource uses."""

    _sleep: Callable[[float], Awaitable[None]]
    _clock: Callable[[], float]
    _random: Callable[[], float]

    async def _request(self, endpoint: Endpoint[R], options: RequestOptions = ...) -> R: ...


class AsyncResource:
    """Base of every resource of :class:`AsyncPictify`: holds the client."""

    def __init__(self, client: AsyncClientLike) -> None:
        self._client = client
