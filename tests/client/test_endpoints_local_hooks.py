"""Webhook subscriptions and bindings endpoints against the real local server, over real HTTP.

Each call is made with ``Pictify`` and ``AsyncPictify`` (the `Live` recorder of
``test_endpoints_local.py``): the wire form of the request is checked, and the result is parsed
from the server's real answer. Bindings fetch a real data source on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

import httpx
import pytest

from pictify_ssg.client import (
    Binding,
    BindingRefresh,
    Deleted,
    Pictify,
    Template,
    WebhookSubscription,
)
from pictify_ssg.client.exceptions import NotFoundError

from .loopback import Loopback
from .test_endpoints_local import HTML, Live

if TYPE_CHECKING:
    from pictify_ssg.local import LocalServer

COVERED = frozenset(
    {
        "webhooks.list",
        "webhooks.create",
        "webhooks.get",
        "webhooks.update",
        "webhooks.delete",
        "webhooks.pause",
        "webhooks.resume",
        "bindings.list",
        "bindings.create",
        "bindings.get",
        "bindings.update",
        "bindings.delete",
        "bindings.refresh",
    }
)
"""Client methods whose wire form is pinned here rather than in ``test_endpoints_mock.py``."""


@pytest.fixture(params=["sync", "async"])
def live(request: pytest.FixtureRequest, hooks_server: LocalServer) -> Live:
    """A recorder bound to the hooks server, once per client flavour."""
    return Live(request.param, hooks_server)


@pytest.fixture
def client(hooks_server: LocalServer) -> Iterator[Pictify]:
    """A plain sync client for set-up and tear-down."""
    with Pictify(hooks_server.api_key, base_url=hooks_server.base_url) as pictify:
        yield pictify


@pytest.fixture
def subscription(client: Pictify, loopback: Loopback) -> Iterator[WebhookSubscription]:
    """A subscription to ``render.failed`` (no render in these tests fails) on the loopback."""
    created = client.webhooks.create(event="render.failed", target_url=f"{loopback.url}/hook")
    yield created
    with contextlib.suppress(NotFoundError):
        client.webhooks.delete(created.uid)


@pytest.fixture
def template(client: Pictify) -> Iterator[Template]:
    """A template on the hooks server."""
    created = client.templates.create(name="Hooks", html=HTML, width=320, height=160)
    yield created
    client.templates.delete(created.uid)


@pytest.fixture
def binding(client: Pictify, template: Template, loopback: Loopback) -> Iterator[Binding]:
    """A binding of ``template`` fed by the loopback data source."""
    loopback.payload = {"repo": {"name": "first"}}
    created = client.bindings.create(
        template_uid=template.uid,
        data_url=f"{loopback.url}/data",
        data_mapping={"title": "repo.name"},
        schedule=3600,
    )
    yield created
    with contextlib.suppress(NotFoundError):
        client.bindings.delete(created.uid)


def test_webhooks_create_returns_the_secret_once(live: Live, loopback: Loopback) -> None:
    target = f"{loopback.url}/hook"
    created = live.run(
        lambda c: c.webhooks.create(
            event="render.completed", target_url=target, filters={"template_id": "T1"}
        )
    )
    live.check(
        "POST",
        "/webhook-subscriptions",
        {"event": "render.completed", "targetUrl": target, "filters": {"templateId": "T1"}},
    )
    assert isinstance(created, WebhookSubscription)
    assert created.secret is not None
    assert created.secret.startswith("whsec_")
    assert (created.target_url, created.status, created.platform) == (target, "active", "custom")
    assert created.filters == {"templateId": "T1"}
    fetched = live.run(lambda c: c.webhooks.get(created.uid))
    live.check("GET", f"/webhook-subscriptions/{created.uid}")
    assert fetched.uid == created.uid
    assert fetched.secret is None


def test_webhooks_list(live: Live, subscription: WebhookSubscription) -> None:
    page = live.run(lambda c: c.webhooks.list(status="active", event="render.failed"))
    live.check(
        "GET",
        "/webhook-subscriptions",
        query={"page": "1", "status": "active", "event": "render.failed"},
    )
    assert subscription.uid in {s.uid for s in page["subscriptions"]}
    assert all(s.status == "active" for s in page["subscriptions"])
    assert page["pagination"]["page"] == 1
    everything = live.run(lambda c: c.webhooks.list(limit=1), collect=True)
    assert subscription.uid in {s.uid for s in everything}


def test_webhooks_update(live: Live, subscription: WebhookSubscription, loopback: Loopback) -> None:
    target = f"{loopback.url}/new"
    updated = live.run(
        lambda c: c.webhooks.update(subscription.uid, target_url=target, status="paused")
    )
    live.check(
        "PUT",
        f"/webhook-subscriptions/{subscription.uid}",
        {"targetUrl": target, "status": "paused"},
    )
    assert isinstance(updated, WebhookSubscription)
    assert (updated.status, updated.target_url, updated.secret) == ("paused", target, None)


def test_webhooks_pause_and_resume(live: Live, subscription: WebhookSubscription) -> None:
    paused = live.run(lambda c: c.webhooks.pause(subscription.uid))
    live.check("POST", f"/webhook-subscriptions/{subscription.uid}/pause")
    assert paused.status == "paused"
    resumed = live.run(lambda c: c.webhooks.resume(subscription.uid))
    live.check("POST", f"/webhook-subscriptions/{subscription.uid}/resume")
    assert resumed.status == "active"


def test_webhooks_delete(live: Live, subscription: WebhookSubscription) -> None:
    result = live.run(lambda c: c.webhooks.delete(subscription.uid))
    live.check("DELETE", f"/webhook-subscriptions/{subscription.uid}")
    assert isinstance(result, Deleted)
    assert result.deleted is True
    with pytest.raises(NotFoundError):
        live.run(lambda c: c.webhooks.get(subscription.uid))


def test_bindings_create_renders_from_the_source(
    live: Live, template: Template, loopback: Loopback
) -> None:
    loopback.payload = {"repo": {"name": "pictify", "stars": 42}}
    source = f"{loopback.url}/data"
    created = live.run(
        lambda c: c.bindings.create(
            name="Repo",
            template_uid=template.uid,
            data_url=source,
            data_mapping={"title": "repo.name"},
            schedule="0 * * * *",
        )
    )
    live.check(
        "POST",
        "/bindings",
        {
            "name": "Repo",
            "templateId": template.uid,
            "dataSource": {"type": "http", "url": source, "method": "GET"},
            "mapping": {"title": "$.repo.name"},
            "refreshPolicy": {"type": "ttl", "ttlSeconds": 3600},
        },
    )
    assert isinstance(created, Binding)
    assert created.template_id == template.uid
    assert created.status == "active"
    assert created["lastVariables"] == {"title": "pictify"}
    assert created.render_url == created["imageUrl"]
    assert created.render_url is not None
    assert created.render_url.startswith(f"{live.server.base_url}/b/{created.uid}.")
    assert [r.method for r in loopback.received("/data")] == ["GET"]
    image = httpx.get(created.render_url)
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"


def test_bindings_get(live: Live, binding: Binding, template: Template) -> None:
    fetched = live.run(lambda c: c.bindings.get(binding.uid))
    live.check("GET", f"/bindings/{binding.uid}")
    assert isinstance(fetched, Binding)
    assert fetched.template_id == template.uid
    assert fetched["imageUrl"] == binding.render_url


def test_bindings_list(live: Live, binding: Binding, template: Template) -> None:
    page = live.run(lambda c: c.bindings.list(template_uid=template.uid, limit=5))
    live.check("GET", "/bindings", query={"page": "1", "limit": "5", "templateId": template.uid})
    assert [b.uid for b in page["bindings"]] == [binding.uid]
    assert page["bindings"][0]["imageUrl"] == binding.render_url


def test_bindings_update(live: Live, binding: Binding) -> None:
    updated = live.run(lambda c: c.bindings.update(binding.uid, status="paused", schedule=300))
    live.check(
        "PUT",
        f"/bindings/{binding.uid}",
        {"refreshPolicy": {"type": "ttl", "ttlSeconds": 300}, "status": "paused"},
    )
    assert isinstance(updated, Binding)
    assert updated.status == "paused"
    assert updated.refresh_policy is not None
    assert updated.refresh_policy["ttlSeconds"] == 300


def test_bindings_delete(live: Live, binding: Binding) -> None:
    result = live.run(lambda c: c.bindings.delete(binding.uid))
    live.check("DELETE", f"/bindings/{binding.uid}")
    assert isinstance(result, Deleted)
    with pytest.raises(NotFoundError):
        live.run(lambda c: c.bindings.get(binding.uid))
    assert binding.render_url is not None
    assert httpx.get(binding.render_url).status_code == 404


def test_bindings_refresh_fetches_again(live: Live, binding: Binding, loopback: Loopback) -> None:
    loopback.payload = {"repo": {"name": "second"}}
    result = live.run(lambda c: c.bindings.refresh(binding.uid))
    live.check("POST", f"/bindings/{binding.uid}/refresh")
    assert isinstance(result, BindingRefresh)
    assert result.status == "refreshed"
    assert result.render_url == binding.render_url
    assert result.binding is not None
    assert result.binding["lastVariables"] == {"title": "second"}
    assert len(loopback.received("/data")) == 2
