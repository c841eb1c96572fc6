"""Pure request building: wire names, bodies, headers, binding translation."""

from __future__ import annotations

from typing import Any

import pytest

from pictify_ssg.client import Effect
from pictify_ssg.client._request import (
    Endpoint,
    merge_headers,
    path_segment,
    prepare,
    to_wire,
    to_wire_deep,
    wire_name,
)
from pictify_ssg.client._resources._binding_wire import binding_body, cron_to_ttl, to_jsonpath
from pictify_ssg.client._resources._common import check_variable_sets, one_of, output_format


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("width", "width"),
        ("file_extension", "fileExtension"),
        ("variable_sets", "variableSets"),
        ("webhook_url", "webhookUrl"),
        ("template_uid", "templateUid"),
        ("frame_duration_seconds", "frameDurationSeconds"),
        ("fabric_js_data", "fabricJSData"),
        ("has_dynamic_link", "hasDynamicLink"),
        ("alreadyCamel", "alreadyCamel"),
    ],
)
def test_wire_name(name: str, expected: str) -> None:
    assert wire_name(name) == expected


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"a": None, "b": 0, "c": False, "d": ""}, {"b": 0, "c": False, "d": ""}),
        ({"full_page": True}, {"fullPage": True}),
        # user data under a key is never re-cased
        ({"variables": {"first_name": "Ada"}}, {"variables": {"first_name": "Ada"}}),
        ({"variable_sets": [{"page_title": "x"}]}, {"variableSets": [{"page_title": "x"}]}),
    ],
)
def test_to_wire(fields: dict[str, Any], expected: dict[str, Any]) -> None:
    assert to_wire(fields) == expected


def test_to_wire_deep_recases_option_maps() -> None:
    options = {"print_background": True, "custom_size": {"width": 1}, "margins": None}
    assert to_wire_deep(options) == {"printBackground": True, "customSize": {"width": 1}}
    assert to_wire_deep([{"a_b": 1}]) == [{"aB": 1}]


def test_to_wire_deep_leaves_opaque_values_alone() -> None:
    source = {
        "type": "http",
        "headers": {"x_custom": "1", "Content_Type": "a"},
        "body": {"user_id": 1, "nested_list": [{"page_size": 2}], "none_kept": None},
        "credentials": {"header_name": "X-Key", "value": "v"},
    }
    assert to_wire_deep(source, opaque=frozenset({"headers", "body"})) == {
        "type": "http",
        "headers": {"x_custom": "1", "Content_Type": "a"},
        "body": {"user_id": 1, "nested_list": [{"page_size": 2}], "none_kept": None},
        "credentials": {"headerName": "X-Key", "value": "v"},
    }


def _prepare(method: str, body: dict[str, Any] | None, key: str | None = None) -> Any:
    endpoint: Endpoint[Any] = Endpoint(
        method,
        "/x",
        lambda d: d,
        params={"page": 2, "q": None, "f": True},
        body=body,
        idempotency_key=key,
        effect=Effect.BILLED if method.upper() == "POST" else None,
    )
    return prepare(endpoint, base_url="https://b", api_key="k", user_agent="ua/1")


@pytest.mark.parametrize(
    ("method", "body", "content_type", "idempotent"),
    [
        ("GET", None, False, False),
        ("DELETE", None, False, False),
        ("PUT", {"a": 1}, True, False),
        ("POST", {"a": 1}, True, True),
        ("POST", None, False, True),  # bodyless POST: no JSON content-type (Fastify rejects it)
        ("post", None, False, True),
    ],
)
def test_prepare_headers(
    method: str, body: dict[str, Any] | None, content_type: bool, idempotent: bool
) -> None:
    prepared = _prepare(method, body)
    assert prepared.method == method.upper()
    assert prepared.url == "https://b/x"
    assert prepared.headers["Authorization"] == "Bearer k"
    assert prepared.headers["User-Agent"] == "ua/1"
    assert ("Content-Type" in prepared.headers) is content_type
    assert ("Idempotency-Key" in prepared.headers) is idempotent
    assert prepared.params == {"page": "2", "f": "true"}
    assert prepared.json == body


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "get"])
def test_idempotent_methods_default_to_idempotent(method: str) -> None:
    endpoint: Endpoint[Any] = Endpoint(method, "/x", lambda d: d)
    assert endpoint.effect is Effect.IDEMPOTENT
    assert _prepare(method, None).effect is Effect.IDEMPOTENT


@pytest.mark.parametrize("method", ["POST", "post", "PATCH"])
def test_a_post_must_declare_its_effect(method: str) -> None:
    # Retry safety is declared per endpoint, never guessed: forgetting it fails at once.
    with pytest.raises(ValueError, match="declare the endpoint's effect"):
        Endpoint(method, "/x", lambda d: d)


def test_prepared_request_carries_the_effect() -> None:
    assert _prepare("POST", {}).effect is Effect.BILLED


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({}, {"Authorization": "Bearer k", "Accept": "a"}),
        ({"X-Trace": "1"}, {"Authorization": "Bearer k", "Accept": "a", "X-Trace": "1"}),
        # case-insensitive replacement: never two Authorization headers
        ({"authorization": "Bearer other"}, {"Accept": "a", "authorization": "Bearer other"}),
    ],
)
def test_merge_headers(extra: dict[str, str], expected: dict[str, str]) -> None:
    assert merge_headers({"Authorization": "Bearer k", "Accept": "a"}, extra) == expected


def test_extra_headers_reach_the_prepared_request() -> None:
    endpoint: Endpoint[Any] = Endpoint("GET", "/x", lambda d: d)
    prepared = prepare(
        endpoint, base_url="https://b", api_key="k", user_agent="u", extra_headers={"X-A": "1"}
    )
    assert prepared.headers["X-A"] == "1"
    assert prepared.headers["Authorization"] == "Bearer k"


IMAGE = frozenset({"png", "jpeg", "webp"})


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, None), ("png", "png"), ("jpg", "jpeg"), ("JPG", "jpeg"), (".jpeg", "jpeg")],
)
def test_output_format_normalises(value: str | None, expected: str | None) -> None:
    assert output_format(value, allowed=IMAGE, param="format") == expected


@pytest.mark.parametrize("value", ["pdf", "gif", "jpe", ""])
def test_output_format_rejects_unknown_values_naming_the_parameter(value: str) -> None:
    with pytest.raises(ValueError, match=r"file_extension=.* use one of: jpeg, jpg, png, webp"):
        output_format(value, allowed=IMAGE, param="file_extension")


def test_idempotency_key_is_callers_or_fresh() -> None:
    assert _prepare("POST", {}, key="mine").headers["Idempotency-Key"] == "mine"
    first = _prepare("POST", {}).headers["Idempotency-Key"]
    second = _prepare("POST", {}).headers["Idempotency-Key"]
    assert first != second


@pytest.mark.parametrize(
    ("value", "expected"),
    [("ABC123", "ABC123"), ("a/b", "a%2Fb"), ("../x", "..%2Fx"), ("a b", "a%20b")],
)
def test_path_segment(value: str, expected: str) -> None:
    assert path_segment(value) == expected


def test_path_segment_rejects_empty() -> None:
    with pytest.raises(ValueError, match="non-empty"):
        path_segment("")


@pytest.mark.parametrize(
    ("sources", "ok"),
    [
        ({"html": "x", "url": None, "template": None}, True),
        ({"html": None, "url": "u", "template": None}, True),
        ({"html": None, "url": None, "template": None}, False),
        ({"html": "x", "url": "u", "template": None}, False),
    ],
)
def test_one_of(sources: dict[str, Any], ok: bool) -> None:
    if ok:
        one_of(**sources)
    else:
        with pytest.raises(ValueError, match="exactly one"):
            one_of(**sources)


@pytest.mark.parametrize(("count", "ok"), [(0, False), (1, True), (100, True), (101, False)])
def test_check_variable_sets(count: int, ok: bool) -> None:
    sets = [{"i": i} for i in range(count)]
    if ok:
        assert check_variable_sets(sets) == sets
    else:
        with pytest.raises(ValueError, match="variable_sets"):
            check_variable_sets(sets)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("stargazers_count", "$.stargazers_count"),
        ("user.name", "$.user.name"),
        ("items[0].name", "$.items[0].name"),
        ("[0].id", "$[0].id"),
        ("$.already.json", "$.already.json"),
    ],
)
def test_to_jsonpath(path: str, expected: str) -> None:
    assert to_jsonpath(path) == expected


@pytest.mark.parametrize(
    ("schedule", "seconds"),
    [
        ("* * * * *", 60),
        ("*/15 * * * *", 900),
        ("0 * * * *", 3600),
        ("30  *  * * *", 3600),
        ("0 */6 * * *", 21600),
        ("0 0 * * *", 86400),
        ("15 3 * * 1", 604800),
        ("@hourly", 3600),
        ("@daily", 86400),
        ("@weekly", 604800),
        (900, 900),
    ],
)
def test_cron_to_ttl(schedule: str | int, seconds: int) -> None:
    assert cron_to_ttl(schedule) == seconds


@pytest.mark.parametrize("schedule", ["0 9-17 * * 1-5", "*/0 * * * *", "garbage", 0, "0 0 1 * *"])
def test_cron_without_fixed_interval_is_rejected(schedule: str | int) -> None:
    with pytest.raises(ValueError, match="schedule"):
        cron_to_ttl(schedule)


BINDING_TABLE: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    (
        "seed example",
        {
            "name": "GitHub Stats",
            "template_uid": "tmpl_github",
            "data_url": "https://api.github.com/repos/a/b",
            "data_mapping": {"stars": "stargazers_count", "forks": "forks_count"},
            "schedule": "0 * * * *",
        },
        {
            "name": "GitHub Stats",
            "templateId": "tmpl_github",
            "dataSource": {
                "type": "http",
                "url": "https://api.github.com/repos/a/b",
                "method": "GET",
            },
            "mapping": {"stars": "$.stargazers_count", "forks": "$.forks_count"},
            "refreshPolicy": {"type": "ttl", "ttlSeconds": 3600},
        },
    ),
    (
        "headers, method, format, defaults",
        {
            "data_url": "https://x",
            "headers": {"X-Token": "t"},
            "method": "POST",
            "format": "webp",
            "output_config": {"quality": 80},
            "defaults": {"stars": 0},
        },
        {
            "dataSource": {
                "type": "http",
                "url": "https://x",
                "method": "POST",
                "headers": {"X-Token": "t"},
            },
            "outputConfig": {"quality": 80, "format": "webp"},
            "defaults": {"stars": 0},
        },
    ),
    (
        "wire-shaped arguments pass through (keys camelCased)",
        {
            "data_source": {"type": "static"},
            "mapping": {"a": "$.b"},
            "refresh_policy": {"type": "ttl", "ttl_seconds": 60, "on_error": "serve_stale"},
            "status": "paused",
        },
        {
            "dataSource": {"type": "static"},
            "mapping": {"a": "$.b"},
            "refreshPolicy": {"type": "ttl", "ttlSeconds": 60, "onError": "serve_stale"},
            "status": "paused",
        },
    ),
    (
        "user data in a wire-shaped data source is not re-cased",
        {
            "data_source": {
                "type": "http",
                "url": "https://x",
                "method": "POST",
                "headers": {"x_custom": "1", "X-Api-Key": "k"},
                "body": {"user_id": 1, "filter_by": {"created_at": "x"}},
                "credentials": {"type": "bearer_token", "value": "t"},
            },
            "mapping": {"first_name": "$.user.first_name"},
            "defaults": {"first_name": "Ada"},
        },
        {
            "dataSource": {
                "type": "http",
                "url": "https://x",
                "method": "POST",
                "headers": {"x_custom": "1", "X-Api-Key": "k"},
                "body": {"user_id": 1, "filter_by": {"created_at": "x"}},
                "credentials": {"type": "bearer_token", "value": "t"},
            },
            "mapping": {"first_name": "$.user.first_name"},
            "defaults": {"first_name": "Ada"},
        },
    ),
    (
        "headers of data_url and dot-path mapping keys are not re-cased",
        {
            "data_url": "https://x",
            "headers": {"x_custom": "1"},
            "data_mapping": {"star_count": "repo.star_count"},
            "format": "jpg",
        },
        {
            "dataSource": {
                "type": "http",
                "url": "https://x",
                "method": "GET",
                "headers": {"x_custom": "1"},
            },
            "mapping": {"star_count": "$.repo.star_count"},
            "outputConfig": {"format": "jpeg"},
        },
    ),
    ("empty update", {}, {}),
]


@pytest.mark.parametrize(
    ("kwargs", "expected"), [r[1:] for r in BINDING_TABLE], ids=[r[0] for r in BINDING_TABLE]
)
def test_binding_body(kwargs: dict[str, Any], expected: dict[str, Any]) -> None:
    assert binding_body(**kwargs) == expected


@pytest.mark.parametrize(
    "kwargs",
    [
        {"data_url": "u", "data_source": {"type": "http"}},
        {"data_mapping": {}, "mapping": {}},
        {"schedule": "@daily", "refresh_policy": {"type": "manual"}},
        {"headers": {"a": "b"}},
    ],
)
def test_binding_body_conflicts(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"data_url|not both"):
        binding_body(**kwargs)
