# Generated from _resources/_async/_resource.py by scripts/unasync.py: edit that file, not this one.
"""What every resource of :class:`Pictify` holds: the client, seen through what it uses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from pictify_ssg.client._options import RequestOptions
from pictify_ssg.client._request import Endpoint

R = TypeVar("R")


class SyncClientLike(Protocol):
    """The parts of :class:`Pictify` a resource uses."""

    _sleep: Callable[[float], None]
    _clock: Callable[[], float]
    _random: Callable[[], float]

    def _request(self, endpoint: Endpoint[R], options: RequestOptions = ...) -> R: ...


class SyncResource:
    """Base of every resource of :class:`Pictify`: holds the client."""

    def __init__(self, client: SyncClientLike) -> None:
        self._client = client
