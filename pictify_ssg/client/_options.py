"""Per-call options: ``timeout=``, ``max_retries=`` and ``extra_headers=`` of every method.

Every resource method takes the same three keyword arguments, in the habit of the
Stainless-generated SDKs; they are validated here, before anything is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx

from ._config import resolve_max_retries, resolve_timeout
from ._types import NOT_GIVEN, NotGiven, TimeoutTypes


@dataclass(frozen=True)
class RequestOptions:
    """A caller's per-call choices.

    Attributes:
        timeout: ``httpx.Timeout`` for this call; ``None`` when the caller gave none (the
            client then decides, see ``BaseClient._timeout_for``).
        max_retries: Retries after the first attempt for this call; ``None``: the client's.
        extra_headers: Headers added to the client's own, replacing same-named ones
            (case-insensitively).
    """

    timeout: httpx.Timeout | None = None
    max_retries: int | None = None
    extra_headers: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> RequestOptions:
        """Build options from a resource method's keyword arguments.

        Raises:
            ValueError: For a non-positive timeout or a negative ``max_retries``.
        """
        return cls(
            timeout=None if isinstance(timeout, NotGiven) else resolve_timeout(timeout),
            max_retries=(
                None if isinstance(max_retries, NotGiven) else resolve_max_retries(max_retries)
            ),
            extra_headers=dict(extra_headers or {}),
        )


#: Options of a call that passed none.
DEFAULT_OPTIONS = RequestOptions()
