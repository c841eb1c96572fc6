"""Pure request building: endpoint descriptions, camelCase bodies, headers."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import quote

from pydantic.alias_generators import to_camel

from ._effects import Effect

T = TypeVar("T")

#: Methods whose repetition changes nothing more (RFC 9110 §9.2.2); their endpoints are
#: ``Effect.IDEMPOTENT`` unless they say otherwise. A POST must always declare its effect.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})

#: Python names whose wire name is not the plain camelCase form.
WIRE_NAME_OVERRIDES: dict[str, str] = {
    "fabric_js_data": "fabricJSData",
    "format_": "format",
}


def wire_name(name: str) -> str:
    """Return the wire (camelCase) name for a Python parameter name."""
    return WIRE_NAME_OVERRIDES.get(name) or to_camel(name)


def to_wire(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Camel-case the top-level keys, drop ``None`` values, send containers as plain copies.

    Nested keys are left alone on purpose: ``variables`` and similar maps hold the caller's
    own names (``{"first_name": ...}`` must reach the template unchanged). Any mapping or
    sequence a caller passed (a ``MappingProxyType``, a tuple) is copied to a ``dict``/``list``
    here, once for every endpoint, so the JSON encoder can take it and the caller's own object
    is never the one sent.
    """
    return {wire_name(k): _plain(v) for k, v in fields.items() if v is not None}


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes | bytearray):
        return [_plain(item) for item in value]
    return value


def to_wire_deep(value: Any, opaque: frozenset[str] = frozenset()) -> Any:
    """Camel-case keys of nested option maps (``options={"print_background": True}``).

    Only for option objects whose keys are API field names. Values under a key named in
    ``opaque`` are the caller's own data (HTTP headers, a request body) and pass through
    untouched, at any depth.

    Args:
        value: The option object (dicts and lists are walked).
        opaque: Keys (as given or as wire names) whose values are never re-cased.
    """
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if item is None:
                continue
            name = wire_name(str(key))
            user_data = key in opaque or name in opaque
            out[name] = item if user_data else to_wire_deep(item, opaque)
        return out
    if isinstance(value, list):
        return [to_wire_deep(v, opaque) for v in value]
    return value


def path_segment(value: str) -> str:
    """Quote one path segment (ids come from callers; a ``/`` must not change the route)."""
    if not value:
        raise ValueError("an id/uid must be a non-empty string")
    return quote(value, safe="")


def new_idempotency_key() -> str:
    """Make a fresh idempotency key (UUID4): once per logical call, reused on every attempt."""
    return f"pictify-ssg-{uuid.uuid4()}"


@dataclass(frozen=True)
class Endpoint(Generic[T]):
    """Everything needed to call one endpoint once, and to parse its answer.

    Attributes:
        method: HTTP method.
        path: Path below the base URL, starting with ``/``.
        parse: Turns the decoded JSON (``None`` for an empty body) into the result.
        params: Query parameters (``None`` values are dropped).
        body: JSON body (already in wire form) or ``None``.
        idempotency_key: Caller-supplied key for POSTs; one is generated when ``None``.
        effect: What repeating the request does, which decides when it may be retried (see
            :class:`Effect`). Defaults to ``IDEMPOTENT`` for GET/PUT/DELETE; a POST without it
            is a programming error.
        long_running: Give the call :data:`LONG_OPERATION_TIMEOUT` to read its answer when
            nobody configured a timeout.

    Raises:
        ValueError: For a POST (or other non-idempotent method) without ``effect``.
    """

    method: str
    path: str
    parse: Callable[[Any], T]
    params: Mapping[str, Any] | None = None
    body: Mapping[str, Any] | None = None
    idempotency_key: str | None = None
    effect: Effect | None = None
    long_running: bool = False

    def __post_init__(self) -> None:
        if self.effect is None:
            if self.method.upper() not in IDEMPOTENT_METHODS:
                raise ValueError(f"{self.method} {self.path}: declare the endpoint's effect=")
            # Frozen: set the derived default the way dataclasses themselves do.
            object.__setattr__(self, "effect", Effect.IDEMPOTENT)

    @property
    def declared_effect(self) -> Effect:
        """:attr:`effect`, never ``None`` after construction."""
        return self.effect or Effect.IDEMPOTENT


@dataclass(frozen=True)
class PreparedRequest:
    """A request ready to send (same for every attempt of one logical call)."""

    method: str
    url: str
    headers: dict[str, str]
    params: dict[str, str] = field(default_factory=dict)
    json: Mapping[str, Any] | None = None
    effect: Effect = Effect.IDEMPOTENT


def _param_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def merge_headers(base: Mapping[str, str], extra: Mapping[str, str]) -> dict[str, str]:
    """``base`` plus ``extra``; an extra header replaces a base one of any letter case.

    A plain ``dict.update`` would send ``Authorization`` and ``authorization`` both.
    """
    replaced = {name.lower() for name in extra}
    merged = {k: v for k, v in base.items() if k.lower() not in replaced}
    merged.update(extra)
    return merged


def prepare(
    endpoint: Endpoint[Any],
    *,
    base_url: str,
    api_key: str,
    user_agent: str,
    extra_headers: Mapping[str, str] | None = None,
) -> PreparedRequest:
    """Build the request for an endpoint (pure apart from generating an idempotency key).

    ``Content-Type`` is only sent with a body: the hosted API (Fastify) rejects a JSON
    content-type with an empty body. Every POST carries an ``Idempotency-Key``, made once here
    and reused by every attempt. ``extra_headers`` (per call) come last and win.
    """
    method = endpoint.method.upper()
    headers = {
        "Authorization": f"Bearer {api_key}",
        "Accept": "application/json",
        "User-Agent": user_agent,
    }
    if endpoint.body is not None:
        headers["Content-Type"] = "application/json"
    if method == "POST":
        headers["Idempotency-Key"] = endpoint.idempotency_key or new_idempotency_key()
    params = {k: _param_value(v) for k, v in (endpoint.params or {}).items() if v is not None}
    return PreparedRequest(
        method=method,
        url=f"{base_url}{endpoint.path}",
        headers=merge_headers(headers, extra_headers or {}),
        params=params,
        json=endpoint.body,
        effect=endpoint.declared_effect,
    )
