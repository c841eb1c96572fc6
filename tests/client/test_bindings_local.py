"""Bindings on the real local server, fed by a data source on 127.0.0.1 whose answer changes.

Checked through what a user sees: the variables the binding rendered (``lastVariables``), the
bytes served at its stable ``renderUrl``, the requests the data source got, and the
``binding.updated`` / ``binding.failed`` webhooks (verified with `verify_signature`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from pictify_ssg.client.webhooks import verify_signature

from .loopback import WAIT_S, Loopback

if TYPE_CHECKING:
    from pictify_ssg.local import LocalServer

MakeBinding = Callable[..., dict[str, Any]]
CARD = (
    "<div style='width:320px;height:160px;background:#fff'>"
    "<h1>{{title}}</h1><p>{{description}}</p><i>{{site}}</i></div>"
)


@pytest.fixture
def api(hooks_server: LocalServer) -> Iterator[httpx.Client]:
    """Raw HTTP to the hooks server."""
    headers = {"Authorization": f"Bearer {hooks_server.api_key}"}
    with httpx.Client(base_url=hooks_server.base_url, headers=headers, timeout=120) as client:
        yield client


@pytest.fixture
def template_uid(api: httpx.Client) -> Iterator[str]:
    """A template with title, description and site variables."""
    body = {"name": "Live", "html": CARD, "width": 320, "height": 160}
    uid: str = api.post("/templates", json=body).json()["template"]["uid"]
    yield uid
    api.delete(f"/templates/{uid}")


@pytest.fixture
def make_binding(api: httpx.Client, template_uid: str, loopback: Loopback) -> Iterator[MakeBinding]:
    """Create bindings of the fixture template on the loopback's ``/data`` (deleted after)."""
    made: list[str] = []

    def create(**fields: Any) -> dict[str, Any]:
        body = {
            "templateId": template_uid,
            "dataSource": {"type": "http", "url": f"{loopback.url}/data"},
            "mapping": {"title": "$.title"},
            **fields,
        }
        response = api.post("/bindings", json=body)
        assert response.status_code == 201, response.text
        binding: dict[str, Any] = response.json()["binding"]
        made.append(binding["uid"])
        return binding

    yield create
    for uid in made:
        api.delete(f"/bindings/{uid}")


def _get(api: httpx.Client, uid: str) -> dict[str, Any]:
    binding: dict[str, Any] = api.get(f"/bindings/{uid}").json()["binding"]
    return binding


def _image(binding: dict[str, Any]) -> bytes:
    response = httpx.get(binding["renderUrl"], timeout=120)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-cache"
    return response.content


def test_mapping_follows_paths_quoted_keys_indexes_and_defaults(
    api: httpx.Client, make_binding: MakeBinding, loopback: Loopback
) -> None:
    loopback.payload = {"items": [{"name": "First"}, {"name": "Last"}], "odd key": {"x": "Q"}}
    binding = make_binding(
        mapping={
            "title": "$.items[0].name",
            "description": "$['odd key'].x",
            "site": "$.nowhere.to.be.found",
            "extra": "$.items[-1].name",
        },
        defaults={"site": "fallback", "description": "unused"},
    )
    assert binding["lastVariables"] == {
        "title": "First",
        "description": "Q",
        "site": "fallback",
        "extra": "Last",
    }
    assert binding["status"] == "active"
    assert binding["lastError"] is None


def test_a_post_source_gets_its_method_headers_and_body(
    make_binding: MakeBinding, loopback: Loopback
) -> None:
    loopback.payload = {}
    make_binding(
        dataSource={
            "type": "http",
            "url": f"{loopback.url}/data",
            "method": "POST",
            "headers": {"X-Token": "abc"},
            "body": {"q": 1},
            "credentials": {"type": "bearer_token", "value": "s3cret"},
        }
    )
    [request] = loopback.received("/data")
    assert request.method == "POST"
    assert request.headers["X-Token"] == "abc"
    assert request.headers["Authorization"] == "Bearer s3cret"
    assert request.json() == {"q": 1}


def test_refresh_renders_the_new_data_at_the_same_url(
    api: httpx.Client, make_binding: MakeBinding, loopback: Loopback
) -> None:
    hook = api.post(
        "/webhook-subscriptions",
        json={"event": "binding.updated", "targetUrl": f"{loopback.url}/updated"},
    ).json()["subscription"]
    loopback.payload = {"title": "Before"}
    binding = make_binding()
    before = _image(binding)
    loopback.payload = {"title": "After"}
    refreshed = api.post(f"/bindings/{binding['uid']}/refresh").json()
    assert refreshed["status"] == "refreshed"
    assert refreshed["renderUrl"] == binding["renderUrl"]
    assert refreshed["binding"]["lastVariables"] == {"title": "After"}
    assert refreshed["binding"]["fileUrl"] != binding["fileUrl"]
    assert _image(binding) != before
    updates = loopback.wait_for(2, "/updated")
    bodies = []
    for update in updates:
        assert verify_signature(update.body, update.headers["X-Pictify-Signature"], hook["secret"])
        bodies.append(update.json()["data"])
    assert bodies[1]["bindingId"] == binding["uid"]
    assert (bodies[1]["previousData"], bodies[1]["newData"]) == (
        {"title": "Before"},
        {"title": "After"},
    )
    assert bodies[1]["imageUrl"] == binding["renderUrl"]
    api.delete(f"/webhook-subscriptions/{hook['uid']}")


def test_ttl_refetches_on_access_only_once_expired(
    api: httpx.Client, make_binding: MakeBinding, loopback: Loopback
) -> None:
    loopback.payload = {"title": "One"}
    lasting = make_binding(refreshPolicy={"type": "ttl", "ttlSeconds": 3600})
    short = make_binding(refreshPolicy={"type": "ttl", "ttlSeconds": 1})
    assert len(loopback.received("/data")) == 2
    loopback.payload = {"title": "Two"}
    _image(lasting)
    _image(lasting)
    assert _get(api, lasting["uid"])["lastVariables"] == {"title": "One"}
    assert len(loopback.received("/data")) == 2
    # The short TTL runs out while this loop asks; each access after that fetches again.
    deadline = time.monotonic() + WAIT_S
    while len(loopback.received("/data")) < 3 and time.monotonic() < deadline:
        _image(short)
        time.sleep(0.2)
    assert _get(api, short["uid"])["lastVariables"] == {"title": "Two"}


def test_paused_and_manual_bindings_do_not_fetch_on_access(
    api: httpx.Client, make_binding: MakeBinding, loopback: Loopback
) -> None:
    loopback.payload = {"title": "Kept"}
    manual = make_binding(refreshPolicy={"type": "manual"})
    paused = make_binding(refreshPolicy={"type": "ttl", "ttlSeconds": 1})
    assert api.post(f"/bindings/{paused['uid']}/pause").json()["binding"]["status"] == "paused"
    loopback.payload = {"title": "Ignored"}
    time.sleep(1.1)  # past the paused binding's TTL, which must not matter
    for binding in (manual, paused):
        _image(binding)
    assert len(loopback.received("/data")) == 2
    assert api.post(f"/bindings/{paused['uid']}/resume").json()["binding"]["status"] == "active"


@pytest.mark.parametrize("on_error", ["serve_stale", "serve_default", "serve_error"])
def test_on_error_policies(
    api: httpx.Client, make_binding: MakeBinding, loopback: Loopback, on_error: str
) -> None:
    hook = api.post(
        "/webhook-subscriptions",
        json={"event": "binding.failed", "targetUrl": f"{loopback.url}/failed"},
    ).json()["subscription"]
    loopback.payload = {"title": "Good"}
    binding = make_binding(
        refreshPolicy={"type": "manual", "onError": on_error}, defaults={"title": "Default"}
    )
    good = _image(binding)
    loopback.answer("/data", 200, 500)
    refreshed = api.post(f"/bindings/{binding['uid']}/refresh").json()
    assert refreshed["status"] == "failed"
    current = refreshed["binding"]
    assert current["status"] == "error"
    assert "HTTP 500" in current["lastError"]
    served = httpx.get(binding["renderUrl"], timeout=120)
    if on_error == "serve_stale":
        assert served.content == good
        assert current["lastVariables"] == {"title": "Good"}
    elif on_error == "serve_default":
        assert served.status_code == 200
        assert served.content != good
        assert current["lastVariables"] == {"title": "Default"}
    else:
        assert served.status_code == 502
        assert served.json()["code"] == "BINDING_SOURCE_FAILED"
    [failure] = loopback.wait_for(1, "/failed")
    assert verify_signature(failure.body, failure.headers["X-Pictify-Signature"], hook["secret"])
    data = failure.json()["data"]
    assert (data["bindingId"], data["retryCount"]) == (binding["uid"], 1)
    assert "HTTP 500" in data["error"]
    api.delete(f"/webhook-subscriptions/{hook['uid']}")


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"dataSource": {"type": "http", "url": "http://10.9.9.9/x"}}, 400, "dataSource.url"),
        ({"dataSource": {"type": "http"}}, 422, "dataSource"),
        ({"mapping": {"title": "$.items[*]"}}, 422, "mapping"),
        ({"mapping": {"title": "items.name"}}, 422, "mapping"),
        ({"refreshPolicy": {"ttlSeconds": 0}}, 422, "refreshPolicy.ttlSeconds"),
    ],
)
def test_bad_bindings_are_refused_naming_the_field(
    api: httpx.Client, template_uid: str, body: dict[str, Any], status: int, field: str
) -> None:
    full = {
        "templateId": template_uid,
        "dataSource": {"type": "static", "data": {}},
        "mapping": {},
        **body,
    }
    response = api.post("/bindings", json=full)
    assert response.status_code == status, response.text
    assert response.json()["errors"][0]["field"] == field


def test_static_source_and_unknown_template(api: httpx.Client, template_uid: str) -> None:
    body = {
        "templateId": template_uid,
        "dataSource": {"type": "static", "data": {"user": {"name": "Ada"}}},
        "mapping": {"title": "$.user.name"},
    }
    created = api.post("/bindings", json=body)
    assert created.status_code == 201
    assert created.json()["binding"]["lastVariables"] == {"title": "Ada"}
    api.delete(f"/bindings/{created.json()['binding']['uid']}")
    missing = api.post("/bindings", json={**body, "templateId": "NOPE000000"})
    assert missing.status_code == 404


def test_an_edit_renders_again_on_the_next_request(
    api: httpx.Client, make_binding: MakeBinding, loopback: Loopback
) -> None:
    loopback.payload = {"title": "T", "other": "O"}
    binding = make_binding(refreshPolicy={"type": "manual"})
    renamed = api.put(f"/bindings/{binding['uid']}", json={"name": "Renamed"}).json()["binding"]
    assert renamed["name"] == "Renamed"
    _image(binding)
    assert len(loopback.received("/data")) == 1  # a new name changes no pixel
    edited = api.put(f"/bindings/{binding['uid']}", json={"mapping": {"title": "$.other"}})
    assert edited.json()["binding"]["mapping"] == {"title": "$.other"}
    _image(binding)
    assert len(loopback.received("/data")) == 2
    assert _get(api, binding["uid"])["lastVariables"] == {"title": "O"}
