"""Every endpoint over ``httpx.MockTransport``: method, path, query, body casing, parsing.

The core endpoints also run against the real local server in ``test_endpoints_local.py``,
GIFs, PDFs and canvas renders in ``test_endpoints_local_media.py``, webhook subscriptions
and bindings in ``test_endpoints_local_hooks.py``; this table covers the shapes that server
cannot produce (a successful agent screenshot, the flat render answer of older docs...) and
pins the exact wire form of every call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from pictify_ssg.client import (
    BatchJob,
    BatchResults,
    Deleted,
    ImageResult,
    RenderResult,
    Template,
    TemplateVariables,
)
from pictify_ssg.client._model_base import PictifyModel

from .conftest import BASE_URL, Recorder, Runner

IMAGE = {"url": "https://cdn/i.png", "id": "IMG1", "createdAt": "2026-01-01T00:00:00Z"}
TEMPLATE = {
    "uid": "T1",
    "name": "Card",
    "html": "<h1>{{title}}</h1>",
    "width": 1200,
    "height": 630,
    "variables": ["title"],
    "updatedAt": "2026-01-02",
}
RENDER = {
    "results": [
        {
            "layout": "default",
            "url": "https://cdn/r.png",
            "width": 1200,
            "height": 630,
            "format": "png",
        }
    ],
    "errors": [{"layout": "bogus", "error": "Layout not found"}],
    "totalLayouts": 2,
    "totalRendered": 1,
    "totalErrors": 1,
    "templateUid": "T1",
}
BATCH = {"batchId": "BATCH1", "status": "pending", "totalItems": 2, "message": "queued"}
RESULTS = {
    "batchId": "BATCH1",
    "status": "completed",
    "progress": 100,
    "totalItems": 2,
    "completedItems": 1,
    "failedItems": 1,
    "results": [
        {"index": 0, "success": True, "variables": ["title"]},
        {"index": 1, "success": False, "error": "boom"},
    ],
}


@dataclass
class Case:
    """One endpoint call and what must go over the wire."""

    id: str
    call: Callable[[Any], Any]
    response: Any
    method: str
    path: str
    body: Any = None
    query: dict[str, str] = field(default_factory=dict)
    check: Callable[[Any], object] = lambda result: None
    status: int = 200


def _is(model: type[PictifyModel], **expected: Any) -> Callable[[Any], None]:
    def check(result: Any) -> None:
        assert isinstance(result, model), type(result)
        for key, value in expected.items():
            assert result[key] == value, key

    return check


CASES = [
    # images
    Case(
        "images.create html",
        lambda c: c.images.create(html="<h1>Hi</h1>", width=1200, height=630, format="png"),
        IMAGE,
        "POST",
        "/image",
        {"html": "<h1>Hi</h1>", "width": 1200, "height": 630, "fileExtension": "png"},
        check=_is(
            ImageResult, url="https://cdn/i.png", id="IMG1", createdAt="2026-01-01T00:00:00Z"
        ),
    ),
    Case(
        "images.create url",
        lambda c: c.images.create(url="https://example.com", full_page=False, selector="#a"),
        IMAGE,
        "POST",
        "/image",
        {"url": "https://example.com", "fullPage": False, "selector": "#a"},
    ),
    Case(
        "images.create template",
        lambda c: c.images.create(template="T1", variables={"first_name": "Ada"}),
        IMAGE,
        "POST",
        "/image",
        {"template": "T1", "variables": {"first_name": "Ada"}},
    ),
    Case(
        "images.create css",
        lambda c: c.images.create(html="<p>x</p>", css="p{color:red}"),
        IMAGE,
        "POST",
        "/image",
        {"html": "<style>p{color:red}</style><p>x</p>"},
    ),
    Case(
        "images.agent_screenshot",
        lambda c: c.images.agent_screenshot(prompt="pricing section"),
        {**IMAGE, "metadata": {"selector": ".pricing"}},
        "POST",
        "/image/agent-screenshot",
        {"prompt": "pricing section"},
        check=_is(ImageResult, metadata={"selector": ".pricing"}),
    ),
    Case(
        "images.list",
        lambda c: c.images.list(limit=10, offset=20),
        {
            "images": [IMAGE],
            "pagination": {"total": 21, "limit": 10, "offset": 20, "hasMore": False},
        },
        "GET",
        "/image",
        query={"limit": "10", "offset": "20"},
        check=lambda page: [i.id for i in page.items] == ["IMG1"],
    ),
    Case(
        "images.get",
        lambda c: c.images.get("IMG1"),
        {"image": IMAGE},
        "GET",
        "/image/IMG1",
        check=_is(ImageResult, id="IMG1"),
    ),
    # templates
    Case(
        "templates.list",
        lambda c: c.templates.list(page=1, limit=20, output_format="image"),
        {
            "templates": [TEMPLATE],
            "pagination": {"page": 1, "limit": 20, "total": 1, "hasNext": False},
        },
        "GET",
        "/templates",
        query={"page": "1", "limit": "20", "outputFormat": "image"},
        check=lambda page: page["templates"][0].uid == "T1",
    ),
    Case(
        "templates.create",
        lambda c: c.templates.create(
            name="Social Card", html="<h1>{{title}}</h1>", width=1200, height=630, js_enabled=False
        ),
        {"template": TEMPLATE, "addedVariables": ["title"]},
        "POST",
        "/templates",
        {
            "jsEnabled": False,
            "name": "Social Card",
            "html": "<h1>{{title}}</h1>",
            "width": 1200,
            "height": 630,
        },
        check=_is(Template, uid="T1", variables=["title"], updatedAt="2026-01-02"),
    ),
    Case(
        "templates.get",
        lambda c: c.templates.get("T1"),
        {"template": TEMPLATE},
        "GET",
        "/templates/T1",
        check=_is(Template, uid="T1", updated_at="2026-01-02"),
    ),
    Case(
        "templates.update",
        lambda c: c.templates.update("T1", html="<h2>{{title}}</h2>", output_format="image"),
        {"template": TEMPLATE},
        "PUT",
        "/templates/T1",
        {"html": "<h2>{{title}}</h2>", "outputFormat": "image"},
        check=_is(Template, uid="T1"),
    ),
    Case(
        "templates.delete",
        lambda c: c.templates.delete("T1"),
        {"message": "Template deleted successfully"},
        "DELETE",
        "/templates/T1",
        check=_is(Deleted, message="Template deleted successfully"),
    ),
    Case(
        "templates.delete 204",
        lambda c: c.templates.delete("T1"),
        None,
        "DELETE",
        "/templates/T1",
        check=_is(Deleted),
        status=204,
    ),
    Case(
        "templates.render",
        lambda c: c.templates.render(
            "T1", variables={"title": "My Post"}, format="png", layouts=["default", "bogus"]
        ),
        RENDER,
        "POST",
        "/templates/T1/render",
        {
            "variables": {"title": "My Post"},
            "format": "png",
            "quality": 0.9,
            "layouts": ["default", "bogus"],
        },
        check=_is(RenderResult, url="https://cdn/r.png", templateUid="T1", total_errors=1),
    ),
    Case(
        "templates.render pdf pages",
        lambda c: c.templates.render(
            "T1",
            format="pdf",
            quality=None,
            variable_sets=[{"a": 1}],
            preset="A4",
            width=10,
            height=20,
            layout="wide",
        ),
        RENDER,
        "POST",
        "/templates/T1/render",
        {
            "variables": {},
            "format": "pdf",
            "variableSets": [{"a": 1}],
            "preset": "A4",
            "width": 10,
            "height": 20,
            "layout": "wide",
        },
    ),
    Case(
        "templates.get_variables",
        lambda c: c.templates.get_variables("T1"),
        {
            "templateUid": "T1",
            "templateName": "Card",
            "variables": [{"name": "title", "type": "text", "defaultValue": ""}],
        },
        "GET",
        "/templates/T1/variables",
        check=lambda r: (
            isinstance(r, TemplateVariables)
            and r["variables"][0]["name"] == "title"
            and r.variables[0].default_value == ""
        ),
    ),
    Case(
        "templates.batch_render",
        lambda c: c.templates.batch_render(
            "T1",
            variable_sets=[{"title": "Post 1"}, {"title": "Post 2"}],
            webhook_url="https://me/batch",
            concurrency=3,
        ),
        BATCH,
        "POST",
        "/templates/T1/batch-render",
        {
            "variableSets": [{"title": "Post 1"}, {"title": "Post 2"}],
            "format": "png",
            "quality": 0.9,
            "concurrency": 3,
            "webhookUrl": "https://me/batch",
        },
        check=_is(BatchJob, id="BATCH1", batchId="BATCH1", total_items=2),
        status=202,
    ),
    Case(
        "templates.get_batch_results",
        lambda c: c.templates.get_batch_results("BATCH1"),
        RESULTS,
        "GET",
        "/templates/batch/BATCH1/results",
        check=lambda r: (
            isinstance(r, BatchResults) and r.is_terminal and r.results[1].error == "boom"
        ),
    ),
    Case(
        "templates.cancel_batch",
        lambda c: c.templates.cancel_batch("BATCH1"),
        {"batchId": "BATCH1", "status": "cancelled", "message": "Batch cancelled"},
        "POST",
        "/templates/batch/BATCH1/cancel",
        check=_is(BatchJob, status="cancelled"),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_endpoint(runner: Runner, case: Case) -> None:
    if case.response is None:
        answer = httpx.Response(case.status)
    else:
        answer = httpx.Response(case.status, json=case.response)
    rec = Recorder(answer)
    result = runner.run(case.call, rec)
    request = rec.last
    assert request.method == case.method
    assert str(request.url).split("?")[0] == f"{BASE_URL}{case.path}"
    assert dict(request.url.params) == case.query
    assert rec.body() == case.body
    assert ("content-type" in request.headers) is (case.body is not None)
    assert ("idempotency-key" in request.headers) is (case.method == "POST")
    assert request.headers["accept"] == "application/json"
    assert request.headers["authorization"].startswith("Bearer ")
    assert case.check(result) is not False


def test_every_resource_method_has_a_case() -> None:
    from .test_endpoints_local_hooks import COVERED as HOOKS_COVERED
    from .test_endpoints_local_media import COVERED as MEDIA_COVERED
    from .test_parity import PAIRS, _public_methods

    covered = {c.id.split(" ")[0] for c in CASES} | MEDIA_COVERED | HOOKS_COVERED

    expected = {
        f"{sync_cls.__name__.lower()}.{name}"
        for sync_cls, _ in PAIRS
        for name in _public_methods(sync_cls)
        if name != "wait_for_batch"  # a polling helper, tested in test_batch_wait.py
    }
    assert expected <= covered, expected - covered


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda c: c.images.create(), "exactly one"),
        (lambda c: c.images.create(html="x", url="y"), "exactly one"),
        (lambda c: c.images.create(url="y", css="p{}"), "css="),
        (lambda c: c.images.agent_screenshot(prompt="  "), "prompt"),
        (lambda c: c.gifs.create(), "exactly one"),
        (lambda c: c.templates.batch_render("T", variable_sets=[{}] * 101), "at most 100"),
        (lambda c: c.templates.batch_render("T", variable_sets=[]), "at least one"),
        (
            lambda c: c.templates.batch_render("T", variable_sets=[{}], concurrency=11),
            "concurrency",
        ),
        (lambda c: c.templates.render("T", layout="a", layouts=["b"]), "not both"),
        (lambda c: c.templates.create(name="no html"), "html="),
        (lambda c: c.templates.get(""), "non-empty"),
        (lambda c: c.pdfs.multi_page(template_uid="T", variable_sets=[]), "at least one"),
        (lambda c: c.bindings.create(template_uid="T", schedule="0 9-17 * * 1-5"), "schedule"),
    ],
)
def test_invalid_arguments_fail_before_sending(
    runner: Runner, call: Callable[[Any], Any], match: str
) -> None:
    rec = Recorder()
    with pytest.raises(ValueError, match=match):
        runner.run(call, rec)
    assert rec.requests == []
