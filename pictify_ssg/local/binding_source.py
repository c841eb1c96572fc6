"""A binding's data: fetch its source (http JSON or static data) and map it to variables."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

import httpx

from pictify_ssg.local.jsonpath import find, parse
from pictify_ssg.local.outbound_policy import OutboundPolicy

MAX_SOURCE_BYTES = 1024 * 1024
"""Largest data-source answer read; a bigger one fails the fetch (it is meant to be a record)."""


class SourceError(Exception):
    """The data source failed; the message says how (never with credentials)."""


def _auth_headers(credentials: Mapping[str, Any] | None) -> dict[str, str]:
    if not credentials:
        return {}
    kind, value = credentials["type"], str(credentials["value"])
    if kind == "bearer_token":
        return {"Authorization": f"Bearer {value}"}
    if kind == "basic_auth":
        return {"Authorization": f"Basic {base64.b64encode(value.encode()).decode()}"}
    if kind == "custom_header":
        return {str(credentials.get("headerName") or "X-API-Key"): value}
    return {"X-API-Key": value}  # api_key


async def fetch(
    client: httpx.AsyncClient, policy: OutboundPolicy, source: Mapping[str, Any]
) -> Any:
    """The JSON value of ``source``.

    Raises:
        SourceError: The URL is refused, the request fails, the answer is not a 2xx, too
            large or not JSON.
    """
    if source.get("type") == "static":
        return source.get("data")
    url = str(source["url"])
    reason = await policy.check(url)
    if reason is not None:
        raise SourceError(f"dataSource.url refused: {reason}")
    headers = {**dict(source.get("headers") or {}), **_auth_headers(source.get("credentials"))}
    body = source.get("body")
    content = None
    if body is not None:
        content = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        headers.setdefault("Content-Type", "application/json")
    try:
        async with client.stream(
            str(source.get("method", "GET")), url, headers=headers, content=content
        ) as response:
            if not response.is_success:
                raise SourceError(f"the data source answered HTTP {response.status_code}")
            data = bytearray()
            async for chunk in response.aiter_bytes():
                data += chunk
                if len(data) > MAX_SOURCE_BYTES:
                    raise SourceError(f"the data source answered more than {MAX_SOURCE_BYTES} B")
    except httpx.HTTPError as exc:
        raise SourceError(f"the data source could not be reached ({type(exc).__name__})") from None
    try:
        return json.loads(bytes(data))
    except ValueError:
        raise SourceError("the data source did not answer JSON") from None


def map_variables(
    data: Any, mapping: Mapping[str, str], defaults: Mapping[str, Any]
) -> dict[str, Any]:
    """Template variables from ``data``: each mapped path's value, else its default.

    A path that finds nothing (or ``null``) falls back to ``defaults``; without a default the
    variable is left out, so the template's own default applies.
    """
    variables = dict(defaults)
    for name, path in mapping.items():
        found, value = find(data, parse(path))
        if found and value is not None:
            variables[name] = value
    return variables
