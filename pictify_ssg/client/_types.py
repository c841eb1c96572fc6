"""Small shared types: the :data:`NOT_GIVEN` sentinel and what a timeout may be."""

from __future__ import annotations

from typing import Literal, TypeAlias

import httpx

__all__ = ["NOT_GIVEN", "NotGiven", "TimeoutTypes"]

#: What a timeout may be: seconds, an ``httpx.Timeout``, or ``None`` for no limit.
TimeoutTypes: TypeAlias = "float | httpx.Timeout | None"


class NotGiven:
    """The type of :data:`NOT_GIVEN`: an argument the caller did not pass.

    ``timeout=None`` already means "no limit" to httpx, so "not passed" needs its own value
    (the Stainless SDKs' habit). Falsy and a singleton: test with ``value is NOT_GIVEN``.
    """

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


#: Default of ``timeout`` and ``max_retries`` arguments: "use the client's own setting".
NOT_GIVEN = NotGiven()
