"""Webhook deliveries from the real local server to a receiver on 127.0.0.1.

Every delivery is checked with the client's own `verify_signature`, so the server signs exactly
as receivers verify. Retries, the ``failed`` mark, paused subscriptions, other keys and a
receiver that hangs are all exercised with real requests; "nothing arrived" is only claimed
after a delivery sent later to another subscription has arrived (emission is decided when the
render finishes, so an excluded subscription never gets a delivery to send).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from pictify_ssg.client import Pictify
from pictify_ssg.client.webhooks import verify_signature

from .conftest import OTHER_KEY
from .loopback import WAIT_S, Loopback, Received
from .test_endpoints_local import HTML

if TYPE_CHECKING:
    from pictify_ssg.local import LocalServer

Subscribe = Callable[..., dict[str, Any]]


def _api(server: LocalServer, key: str) -> httpx.Client:
    return httpx.Client(
        base_url=server.base_url, headers={"Authorization": f"Bearer {key}"}, timeout=120
    )


@pytest.fixture
def api(hooks_server: LocalServer) -> Iterator[httpx.Client]:
    """Raw HTTP to the hooks server with its first key."""
    with _api(hooks_server, hooks_server.api_key) as client:
        yield client


@pytest.fixture
def subscribe(hooks_server: LocalServer, loopback: Loopback) -> Iterator[Subscribe]:
    """Create subscriptions to paths of the loopback; all are deleted after the test."""
    made: list[tuple[str, str]] = []

    def create(
        path: str, event: str = "render.completed", key: str | None = None, **extra: Any
    ) -> dict[str, Any]:
        key = key or hooks_server.api_key
        with _api(hooks_server, key) as client:
            body = {"event": event, "targetUrl": f"{loopback.url}{path}", **extra}
            response = client.post("/webhook-subscriptions", json=body)
        assert response.status_code == 201, response.text
        subscription: dict[str, Any] = response.json()["subscription"]
        made.append((key, subscription["uid"]))
        return subscription

    yield create
    for key, uid in made:
        with _api(hooks_server, key) as client:
            client.delete(f"/webhook-subscriptions/{uid}")


def _verified(received: Received, secret: str, event: str) -> dict[str, Any]:
    signature = received.headers["X-Pictify-Signature"]
    assert verify_signature(received.body, signature, secret)
    assert received.headers["X-Webhook-Signature"] == signature
    assert received.headers["X-Pictify-Event"] == event
    assert received.headers["X-Pictify-Delivery-Id"].startswith("dlv_")
    assert received.headers["Content-Type"] == "application/json"
    body: dict[str, Any] = received.json()
    assert body["event"] == event
    assert set(body) == {"event", "timestamp", "data"}
    data: dict[str, Any] = body["data"]
    return data


def _until(api: httpx.Client, uid: str, done: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    """The subscription once ``done`` holds (the server records an attempt after sending it)."""
    deadline = time.monotonic() + WAIT_S
    while True:
        doc: dict[str, Any] = api.get(f"/webhook-subscriptions/{uid}").json()["subscription"]
        if done(doc) or time.monotonic() > deadline:
            return doc
        time.sleep(0.02)


def _image(api: httpx.Client, **extra: Any) -> httpx.Response:
    return api.post("/image", json={"html": "<p>hook</p>", "width": 40, "height": 20, **extra})


def test_image_render_delivers_signed_render_completed(
    api: httpx.Client, subscribe: Subscribe, loopback: Loopback
) -> None:
    subscription = subscribe("/hook")
    assert subscription["secret"].startswith("whsec_")
    image = _image(api).json()
    [received] = loopback.wait_for(1, "/hook")
    assert received.method == "POST"
    data = _verified(received, subscription["secret"], "render.completed")
    assert data["imageId"] == data["renderId"] == image["id"]
    assert data["url"] == image["url"]
    assert (data["type"], data["source"], data["format"]) == ("image", "html", "png")
    assert (data["width"], data["height"]) == (40, 20)
    doc = _until(api, subscription["uid"], lambda d: d["deliveryCount"] == 1)
    assert (doc["deliveryCount"], doc["failureCount"], doc["status"]) == (1, 0, "active")
    assert doc["lastDelivery"]["responseCode"] == 200
    assert "secret" not in doc


def test_template_and_batch_renders_are_announced_per_item(
    api: httpx.Client, subscribe: Subscribe, loopback: Loopback
) -> None:
    card = {"name": "Hooks", "html": HTML, "width": 80, "height": 40}
    uid = api.post("/templates", json=card).json()["template"]["uid"]
    other = api.post("/templates", json=card).json()["template"]["uid"]
    subscription = subscribe("/tpl", filters={"templateId": uid})
    assert api.post(f"/templates/{other}/render", json={}).status_code == 200
    rendered = api.post(f"/templates/{uid}/render", json={"variables": {"title": "x"}}).json()
    batch = api.post(
        f"/templates/{uid}/batch-render", json={"variableSets": [{"title": "a"}, {"title": "b"}]}
    ).json()
    datas = [
        _verified(r, subscription["secret"], "render.completed")
        for r in loopback.wait_for(3, "/tpl")
    ]
    assert all(d["templateId"] == uid for d in datas)
    [from_template] = [d for d in datas if d["source"] == "template"]
    assert from_template["url"] == rendered["results"][0]["url"]
    items = sorted((d for d in datas if d["source"] == "batch"), key=lambda d: d["index"])
    assert [(d["batchId"], d["index"]) for d in items] == [
        (batch["batchId"], 0),
        (batch["batchId"], 1),
    ]


def test_failed_render_delivers_render_failed(
    api: httpx.Client, subscribe: Subscribe, loopback: Loopback
) -> None:
    subscription = subscribe("/failed", event="render.failed")
    subscribe("/done")  # render.completed: must not hear of the failure
    response = _image(api, selector="#missing")
    assert response.status_code == 422
    [received] = loopback.wait_for(1, "/failed")
    data = _verified(received, subscription["secret"], "render.failed")
    assert data["errorCode"] == "SELECTOR_NOT_FOUND"
    assert "#missing" in data["error"]
    _image(api)
    loopback.wait_for(1, "/done")
    assert len(loopback.received("/done")) == 1


def test_failed_attempts_are_retried_until_success(
    api: httpx.Client, subscribe: Subscribe, loopback: Loopback
) -> None:
    loopback.answer("/flaky", 500, 502, 200)
    subscription = subscribe("/flaky")
    _image(api)
    attempts = loopback.wait_for(3, "/flaky")
    assert len({a.headers["X-Pictify-Delivery-Id"] for a in attempts}) == 1
    assert len({a.body for a in attempts}) == 1
    for attempt in attempts:
        _verified(attempt, subscription["secret"], "render.completed")
    doc = _until(api, subscription["uid"], lambda d: d["deliveryCount"] == 1)
    assert (doc["deliveryCount"], doc["failureCount"], doc["status"]) == (1, 2, "active")
    assert doc["lastDelivery"]["retryCount"] == 2


def test_subscription_is_marked_failed_after_repeated_failures(
    api: httpx.Client, subscribe: Subscribe, loopback: Loopback
) -> None:
    loopback.answer("/dead", 503)
    dead = subscribe("/dead")
    _image(api)
    loopback.wait_for(3, "/dead")  # the hooks server allows 3 consecutive failures
    doc = _until(api, dead["uid"], lambda d: d["status"] == "failed")
    assert (doc["status"], doc["failureCount"], doc["deliveryCount"]) == ("failed", 3, 0)
    subscribe("/alive")
    _image(api)
    loopback.wait_for(1, "/alive")
    assert len(loopback.received("/dead")) == 3
    resumed = api.post(f"/webhook-subscriptions/{dead['uid']}/resume").json()["subscription"]
    assert resumed["status"] == "active"


def test_paused_subscription_and_other_keys_get_nothing(
    hooks_server: LocalServer, api: httpx.Client, subscribe: Subscribe, loopback: Loopback
) -> None:
    paused = subscribe("/paused")
    assert api.post(f"/webhook-subscriptions/{paused['uid']}/pause").status_code == 200
    theirs = subscribe("/theirs", key=OTHER_KEY)
    subscribe("/active")
    _image(api)
    loopback.wait_for(1, "/active")
    assert loopback.received("/paused") == []
    assert loopback.received("/theirs") == []
    assert api.get(f"/webhook-subscriptions/{theirs['uid']}").status_code == 404
    listed = api.get("/webhook-subscriptions", params={"limit": 100}).json()["subscriptions"]
    assert theirs["uid"] not in {s["uid"] for s in listed}
    with _api(hooks_server, OTHER_KEY) as other:
        _image(other)
    [received] = loopback.wait_for(1, "/theirs")
    _verified(received, theirs["secret"], "render.completed")


def test_a_hanging_receiver_does_not_hold_renders_back(
    hooks_server: LocalServer, subscribe: Subscribe, loopback: Loopback
) -> None:
    loopback.hold = threading.Event()
    subscribe("/slow")
    with Pictify(hooks_server.api_key, base_url=hooks_server.base_url, timeout=120) as client:
        client.images.create(html="<p>1</p>", width=20, height=10)
        loopback.wait_held(1)
        second = client.images.create(html="<p>2</p>", width=20, height=10)
    # The second render was answered while the first delivery was still being held.
    assert second.url
    assert loopback.held >= 1
    loopback.hold.set()
    loopback.wait_for(2, "/slow")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"event": "render.completed", "targetUrl": "http://10.1.2.3/hook"}, "targetUrl"),
        ({"event": "render.completed", "targetUrl": "https://example.com/hook"}, "targetUrl"),
    ],
)
def test_targets_outside_the_outbound_hosts_are_refused(
    api: httpx.Client, body: dict[str, Any], field: str
) -> None:
    response = api.post("/webhook-subscriptions", json=body)
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "URL_NOT_ALLOWED"
    assert error["errors"][0]["field"] == field
    assert "outbound_hosts" in error["message"]
