"""Translate the documented Python binding surface to the wire shape the API really uses.

The SDK docs describe ``template_uid``, ``data_url``, ``data_mapping`` (dot paths) and a cron
``schedule``; the dashboard code (the shape judged real, wire notes conflict C7) posts
``templateId``, ``dataSource{type,url,method,headers}``, ``mapping`` (JSONPath) and
``refreshPolicy{type:"ttl", ttlSeconds}``. The mapping:

=================  ==============================================
Python argument    Wire field
=================  ==============================================
``template_uid``   ``templateId``
``data_url``       ``dataSource = {type: "http", url, method, headers}``
``headers``        ``dataSource.headers``
``data_mapping``   ``mapping``; ``"a.b"`` becomes ``"$.a.b"``
``schedule``       ``refreshPolicy = {type: "ttl", ttlSeconds}``, from a cron
                   expression or seconds
``format``         ``outputConfig.format``
=================  ==============================================

The wire-named arguments (``data_source``, ``mapping``, ``refresh_policy``, ``output_config``)
are accepted too and sent as given, with our own field names camelCased
(``ttl_seconds`` -> ``ttlSeconds``). The caller's data is never re-cased: the headers and body
a data source sends (``{"x_custom": ...}``, ``{"user_id": 1}``), the ``mapping`` and
``defaults`` (variable names) and their values pass through exactly as given.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pictify_ssg.client._request import to_wire, to_wire_deep

from ._common import output_format

_MINUTE, _HOUR, _DAY, _WEEK = 60, 3600, 86400, 604800
_NAMED = {"@hourly": _HOUR, "@daily": _DAY, "@midnight": _DAY, "@weekly": _WEEK}
_NUM = r"\d{1,2}"
#: Data-source fields that hold the caller's own data (sent to *their* server as is).
DATA_SOURCE_USER_DATA = frozenset({"headers", "body"})
#: Formats of ``outputConfig.format`` (wire notes §6.16).
BINDING_FORMATS = frozenset({"png", "jpeg", "webp", "pdf"})


def to_jsonpath(path: str) -> str:
    """Turn a dot path (``user.name``, ``items[0].name``) into JSONPath (``$.user.name``)."""
    path = path.strip()
    if path.startswith("$"):
        return path
    return f"${path}" if path.startswith("[") else f"$.{path}"


def cron_to_ttl(schedule: str | int) -> int:
    """Approximate a cron schedule as a refresh interval in seconds.

    The API refreshes on a TTL, not a cron clock, so only regular schedules translate:
    ``*/N * * * *`` (N minutes), ``M * * * *`` (hourly), ``M */N * * *`` (N hours),
    ``M H * * *`` (daily), ``M H * * D`` (weekly), ``@hourly``/``@daily``/``@weekly``.
    An ``int`` is taken as seconds.

    Raises:
        ValueError: For schedules with no fixed interval; pass ``refresh_policy=`` instead.
    """
    if isinstance(schedule, int):
        if schedule <= 0:
            raise ValueError("schedule in seconds must be positive")
        return schedule
    text = " ".join(schedule.split())
    if text in _NAMED:
        return _NAMED[text]
    rules: list[tuple[str, Any]] = [
        (r"\* \* \* \* \*", lambda m: _MINUTE),
        (rf"\*/({_NUM}) \* \* \* \*", lambda m: int(m[1]) * _MINUTE),
        (rf"{_NUM} \* \* \* \*", lambda m: _HOUR),
        (rf"{_NUM} \*/({_NUM}) \* \* \*", lambda m: int(m[1]) * _HOUR),
        (rf"{_NUM} {_NUM} \* \* \*", lambda m: _DAY),
        (rf"{_NUM} {_NUM} \* \* [0-7]", lambda m: _WEEK),
    ]
    for pattern, seconds in rules:
        match = re.fullmatch(pattern, text)
        if match:
            value = int(seconds(match))
            if value > 0:
                return value
    raise ValueError(
        f"cannot turn schedule {schedule!r} into a refresh interval; use a regular cron "
        "(e.g. '0 * * * *') or seconds, or pass refresh_policy={'type': 'ttl', ...}"
    )


def _exclusive(a: str, a_value: Any, b: str, b_value: Any) -> None:
    if a_value is not None and b_value is not None:
        raise ValueError(f"pass {a}= or {b}=, not both")


def binding_body(
    *,
    name: str | None = None,
    template_uid: str | None = None,
    data_url: str | None = None,
    data_mapping: Mapping[str, str] | None = None,
    schedule: str | int | None = None,
    headers: Mapping[str, str] | None = None,
    method: str | None = None,
    defaults: Mapping[str, Any] | None = None,
    format: str | None = None,
    data_source: Mapping[str, Any] | None = None,
    mapping: Mapping[str, str] | None = None,
    refresh_policy: Mapping[str, Any] | None = None,
    output_config: Mapping[str, Any] | None = None,
    status: str | None = None,
) -> dict[str, Any]:
    """Build the wire body of a binding create/update (see the module docstring)."""
    _exclusive("data_url", data_url, "data_source", data_source)
    _exclusive("data_mapping", data_mapping, "mapping", mapping)
    _exclusive("schedule", schedule, "refresh_policy", refresh_policy)
    source: dict[str, Any] | None = (
        to_wire_deep(data_source, opaque=DATA_SOURCE_USER_DATA) if data_source else None
    )
    if data_url is not None:
        source = to_wire(
            {
                "type": "http",
                "url": data_url,
                "method": method or "GET",
                "headers": headers,
            }
        )
    elif headers is not None or method is not None:
        raise ValueError("headers= and method= need data_url=")
    wire_mapping = dict(mapping) if mapping is not None else None
    if data_mapping is not None:
        wire_mapping = {var: to_jsonpath(path) for var, path in data_mapping.items()}
    policy: dict[str, Any] | None = to_wire_deep(refresh_policy) if refresh_policy else None
    if schedule is not None:
        policy = {"type": "ttl", "ttlSeconds": cron_to_ttl(schedule)}
    output: dict[str, Any] | None = to_wire_deep(output_config) if output_config else None
    if format is not None:
        output = {
            **(output or {}),
            "format": output_format(format, allowed=BINDING_FORMATS, param="format"),
        }
    return to_wire(
        {
            "name": name,
            "template_id": template_uid,
            "data_source": source,
            "mapping": wire_mapping,
            "defaults": defaults,
            "refresh_policy": policy,
            "output_config": output,
            "status": status,
        }
    )
