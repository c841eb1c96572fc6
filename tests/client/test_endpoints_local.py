"""The core endpoints against the real local Pictify server, over real HTTP.

Each call is made with ``Pictify`` and with ``AsyncPictify``; an httpx event hook records what
went over the wire (method, path, query, camelCase body, headers) and the result is parsed from
the server's real answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from pictify_ssg.client import (
    AsyncPictify,
    BatchJob,
    BatchResults,
    Deleted,
    ImageResult,
    Pictify,
    RenderResult,
    Template,
    TemplateVariables,
)
from pictify_ssg.client.exceptions import AuthenticationError, NotFoundError

if TYPE_CHECKING:
    from pictify_ssg.local import LocalServer

# The caller's http client keeps its own timeout (httpx's 5 s default would fail a GIF render
# on a busy 2-core machine): generous, since only a hung server should hit it.
HTTP_TIMEOUT = 120.0

HTML = "<div style='width:320px;height:160px;background:#335'><h1>{{title}}</h1></div>"


class Live:
    """Runs ``fn(client)`` against the local server with a sync or async client."""

    def __init__(self, mode: str, server: LocalServer) -> None:
        self.mode = mode
        self.server = server
        self.requests: list[httpx.Request] = []

    def run(
        self, fn: Callable[[Any], Any], *, api_key: str | None = None, collect: bool = False
    ) -> Any:
        key = api_key or self.server.api_key
        if self.mode == "sync":
            http = httpx.Client(
                timeout=HTTP_TIMEOUT, event_hooks={"request": [self.requests.append]}
            )
            with http, Pictify(key, base_url=self.server.base_url, http_client=http) as client:
                result = fn(client)
                return list(result) if collect else result

        async def record(request: httpx.Request) -> None:
            self.requests.append(request)

        async def main() -> Any:
            http = httpx.AsyncClient(timeout=HTTP_TIMEOUT, event_hooks={"request": [record]})
            async with (
                http,
                AsyncPictify(key, base_url=self.server.base_url, http_client=http) as client,
            ):
                result = fn(client)
                if collect:
                    return [item async for item in result]
                return await result

        return asyncio.run(main())

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def body(self) -> Any:
        return json.loads(self.last.content) if self.last.content else None

    def check(
        self, method: str, path: str, body: Any = None, query: dict[str, str] | None = None
    ) -> None:
        request = self.last
        assert request.method == method
        assert request.url.path == path
        assert dict(request.url.params) == (query or {})
        assert self.body() == body
        assert ("idempotency-key" in request.headers) is (method == "POST")


@pytest.fixture(params=["sync", "async"])
def live(request: pytest.FixtureRequest, local_server: LocalServer) -> Live:
    """A recorder bound to the session's local server, once per client flavour."""
    return Live(request.param, local_server)


@pytest.fixture
def template(local_server: LocalServer) -> Iterator[Template]:
    """A fresh template on the local server (deleted afterwards)."""
    with Pictify(local_server.api_key, base_url=local_server.base_url) as client:
        created = client.templates.create(name="Fixture", html=HTML, width=320, height=160)
        yield created
        with contextlib.suppress(NotFoundError):  # the test may have deleted it
            client.templates.delete(created.uid)


def test_template_create(live: Live) -> None:
    created = live.run(
        lambda c: c.templates.create(
            name="Card", html=HTML, width=320, height=160, js_enabled=False
        )
    )
    live.check(
        "POST",
        "/templates",
        {"jsEnabled": False, "name": "Card", "html": HTML, "width": 320, "height": 160},
    )
    assert isinstance(created, Template)
    assert created.variables == ["title"]
    assert created["outputFormat"] == created.output_format == "image"
    assert created.updated_at


def test_template_get(live: Live, template: Template) -> None:
    fetched = live.run(lambda c: c.templates.get(template.uid))
    live.check("GET", f"/templates/{template.uid}")
    assert fetched.uid == template.uid
    assert fetched["html"] == HTML
    assert (fetched.width, fetched.height) == (320, 160)


def test_template_update(live: Live, template: Template) -> None:
    updated = live.run(lambda c: c.templates.update(template.uid, name="Renamed", width=400))
    live.check("PUT", f"/templates/{template.uid}", {"name": "Renamed", "width": 400})
    assert (updated.name, updated.width, updated.height) == ("Renamed", 400, 160)


def test_template_list_walks_all_pages(live: Live, template: Template) -> None:
    everything = live.run(lambda c: c.templates.list(limit=1), collect=True)
    assert template.uid in {t.uid for t in everything}
    pages = [r for r in live.requests if r.url.path == "/templates"]
    assert len(pages) >= len(everything)
    assert pages[0].url.params["page"] == "1"
    assert pages[0].url.params["limit"] == "1"


def test_template_list_page(live: Live, template: Template) -> None:
    page = live.run(lambda c: c.templates.list(page=1, limit=100))
    live.check("GET", "/templates", query={"page": "1", "limit": "100"})
    assert template.uid in {t["uid"] for t in page["templates"]}
    assert page["pagination"]["page"] == 1


def test_template_variables(live: Live, template: Template) -> None:
    result = live.run(lambda c: c.templates.get_variables(template.uid))
    live.check("GET", f"/templates/{template.uid}/variables")
    assert isinstance(result, TemplateVariables)
    assert [v["name"] for v in result["variables"]] == ["title"]


def test_template_render(live: Live, template: Template) -> None:
    result = live.run(
        lambda c: c.templates.render(template.uid, variables={"title": "Hello"}, format="png")
    )
    live.check(
        "POST",
        f"/templates/{template.uid}/render",
        {"variables": {"title": "Hello"}, "format": "png", "quality": 0.9},
    )
    assert isinstance(result, RenderResult)
    assert result.template_uid == template.uid
    first = result.results[0]
    assert first.url is not None
    assert result["url"] == first.url
    assert first.url.startswith(live.server.base_url)
    assert (first.width, first.height) == (320, 160)
    image = httpx.get(first.url)
    assert image.headers["content-type"] == "image/png"


def test_template_render_unknown_layout_is_partial(live: Live, template: Template) -> None:
    result = live.run(
        lambda c: c.templates.render(
            template.uid, variables={"title": "x"}, layouts=["default", "bogus"]
        )
    )
    assert result.total_rendered == 1
    assert [e.layout for e in result.errors] == ["bogus"]


def test_template_delete(live: Live, template: Template) -> None:
    result = live.run(lambda c: c.templates.delete(template.uid))
    live.check("DELETE", f"/templates/{template.uid}")
    assert isinstance(result, Deleted)
    with pytest.raises(NotFoundError):
        live.run(lambda c: c.templates.get(template.uid))


def test_batch_render_results_and_wait(live: Live, template: Template) -> None:
    sets = [{"title": "One"}, {"title": "Two"}]
    job = live.run(
        lambda c: c.templates.batch_render(template.uid, variable_sets=sets, concurrency=2)
    )
    live.check(
        "POST",
        f"/templates/{template.uid}/batch-render",
        {"variableSets": sets, "format": "png", "quality": 0.9, "concurrency": 2},
    )
    assert isinstance(job, BatchJob)
    assert job["id"] == job.batch_id
    assert job.total_items == 2
    done = live.run(
        lambda c: c.templates.wait_for_batch(job.batch_id, timeout=120, poll_interval=0.05)
    )
    assert isinstance(done, BatchResults)
    assert done.status == "completed"
    assert done.completed_items == 2
    assert sorted(item.index or 0 for item in done.results) == [0, 1]
    assert all(item.success and item.url for item in done.results)
    polled = live.run(lambda c: c.templates.get_batch_results(job.batch_id))
    live.check("GET", f"/templates/batch/{job.batch_id}/results")
    assert polled.is_terminal


def test_cancel_batch(live: Live, template: Template) -> None:
    job = live.run(lambda c: c.templates.batch_render(template.uid, variable_sets=[{"title": "x"}]))
    answer = live.run(lambda c: c.templates.cancel_batch(job.batch_id))
    live.check("POST", f"/templates/batch/{job.batch_id}/cancel")
    assert isinstance(answer, BatchJob)
    assert answer.batch_id == job.batch_id
    assert answer.status in {"cancelled", "completed"}  # it may have finished already


def test_image_create_list_get(live: Live) -> None:
    image = live.run(
        lambda c: c.images.create(html="<p>hi</p>", width=120, height=60, format="png")
    )
    live.check(
        "POST", "/image", {"html": "<p>hi</p>", "width": 120, "height": 60, "fileExtension": "png"}
    )
    assert isinstance(image, ImageResult)
    assert image["url"].endswith(".png")
    assert image.id
    fetched = live.run(lambda c: c.images.get(image.id))
    live.check("GET", f"/image/{image.id}")
    assert fetched.url == image.url
    listed = live.run(lambda c: c.images.list(limit=2), collect=True)
    assert image.id in {i.id for i in listed}
    first = next(r for r in live.requests if r.url.path == "/image" and r.method == "GET")
    assert dict(first.url.params) == {"limit": "2", "offset": "0"}


def test_not_found_and_bad_key(live: Live) -> None:
    with pytest.raises(NotFoundError) as info:
        live.run(lambda c: c.templates.get("NOPE000000"))
    assert info.value.status == 404
    assert "not found" in info.value.message.lower()
    with pytest.raises(NotFoundError):
        live.run(lambda c: c.templates.get_batch_results("batch_missing"))
    with pytest.raises(AuthenticationError) as auth:
        live.run(lambda c: c.templates.get("X"), api_key="definitely-wrong-key")
    assert "definitely-wrong-key" not in str(auth.value)
