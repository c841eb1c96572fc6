"""The caller's own data reaches the wire untouched; only our field names are camelCased.

The local server has no bindings, so the request body is captured with MockTransport.
"""

from __future__ import annotations

from typing import Any

from .conftest import Recorder, Runner, ok

BINDING = {"binding": {"uid": "B1", "templateId": "T1"}}
SOURCE = {
    "type": "http",
    "url": "https://data.example/api",
    "method": "POST",
    "headers": {"x_custom": "1", "X-Api-Key": "k"},
    "body": {"user_id": 1, "filter_by": {"created_at": {"gte": "2026"}}},
    "credentials": {"type": "custom_header", "value": "secret"},
}


def test_binding_create_sends_the_data_source_as_given(runner: Runner) -> None:
    rec = Recorder(ok(BINDING, 201))
    runner.run(
        lambda c: c.bindings.create(
            template_uid="T1",
            data_source=SOURCE,
            mapping={"user_name": "$.data.user_name"},
            defaults={"user_name": "Ada"},
            refresh_policy={"type": "ttl", "ttl_seconds": 60, "on_error": "serve_stale"},
            output_config={"format": "png", "quality": 90},
        ),
        rec,
    )
    assert rec.body() == {
        "templateId": "T1",
        "dataSource": SOURCE,
        "mapping": {"user_name": "$.data.user_name"},
        "defaults": {"user_name": "Ada"},
        "refreshPolicy": {"type": "ttl", "ttlSeconds": 60, "onError": "serve_stale"},
        "outputConfig": {"format": "png", "quality": 90},
    }


def test_binding_update_keeps_data_url_headers(runner: Runner) -> None:
    rec = Recorder(ok(BINDING))
    runner.run(
        lambda c: c.bindings.update(
            "B1", data_url="https://d", headers={"x_custom": "1"}, data_mapping={"a_b": "c_d"}
        ),
        rec,
    )
    body: dict[str, Any] = rec.body()
    assert body["dataSource"]["headers"] == {"x_custom": "1"}
    assert body["mapping"] == {"a_b": "$.c_d"}


def test_template_variables_are_sent_unchanged(runner: Runner) -> None:
    rec = Recorder(ok({"results": []}))
    runner.run(
        lambda c: c.templates.render(
            "T1", variables={"first_name": "Ada", "meta_data": {"a_b": 1}}
        ),
        rec,
    )
    assert rec.body()["variables"] == {"first_name": "Ada", "meta_data": {"a_b": 1}}
