"""Auto-pagination across pages, for both styles, sync and async."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pictify_ssg.client import AsyncPictify, OffsetPagination, PagePagination, Template
from pictify_ssg.client._pagination import ListQuery, PageData

from .conftest import API_KEY, Recorder, Runner


def _templates_server(total: int, style: str = "hasNext") -> Recorder:
    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        limit = int(request.url.params.get("limit", "2"))
        items = [{"uid": f"T{i}"} for i in range(total)][(page - 1) * limit : page * limit]
        pages = max(1, -(-total // limit))
        pagination: dict[str, Any] = {"page": page, "limit": limit, "total": total}
        if style == "hasNext":
            pagination |= {"hasNext": page < pages, "hasPrev": page > 1}
        elif style == "totalPages":
            pagination["totalPages"] = pages
        return httpx.Response(200, json={"templates": items, "pagination": pagination})

    return Recorder(handler)


@pytest.mark.parametrize("style", ["hasNext", "totalPages", "total"])
def test_page_style_walks_all_pages(runner: Runner, style: str) -> None:
    rec = _templates_server(5, style)
    items = runner.run(lambda c: c.templates.list(limit=2), rec, collect=True)
    assert [t.uid for t in items] == ["T0", "T1", "T2", "T3", "T4"]
    assert [r.url.params["page"] for r in rec.requests] == ["1", "2", "3"]


def test_first_page_reads_like_the_documented_dict(runner: Runner) -> None:
    rec = _templates_server(3)
    page = runner.run(lambda c: c.templates.list(page=1, limit=20), rec)
    assert [t["uid"] for t in page["templates"]] == ["T0", "T1", "T2"]
    assert isinstance(page["pagination"], PagePagination)
    assert page["pagination"]["total"] == 3
    assert page.get("missing") is None
    assert not page.has_next_page()
    assert len(rec.requests) == 1


def test_sync_page_navigation() -> None:
    rec = _templates_server(3)
    from pictify_ssg.client import Pictify

    with Pictify(API_KEY, transport=httpx.MockTransport(rec)) as client:
        first = client.templates.list(limit=2, sort="name", has_dynamic_link=False)
        assert first.has_next_page()
        second = first.get_next_page()
        assert second is not None
        assert [t.uid for t in second.items] == ["T2"]
        assert second.get_next_page() is None
        assert len(list(first.iter_pages())) == 2
        assert "cursor=1" in repr(first)
    assert rec.requests[0].url.params["sort"] == "name"
    assert rec.requests[0].url.params["hasDynamicLink"] == "false"


def _images_server(total: int, has_more: bool = True) -> Recorder:
    def handler(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        limit = int(request.url.params.get("limit", "2"))
        items = [{"url": f"u{i}", "id": f"I{i}"} for i in range(total)][offset : offset + limit]
        pagination: dict[str, Any] = {"total": total, "limit": limit, "offset": offset}
        if has_more:
            pagination["hasMore"] = offset + len(items) < total
        return httpx.Response(200, json={"images": items, "pagination": pagination})

    return Recorder(handler)


@pytest.mark.parametrize("has_more", [True, False])
def test_offset_style_walks_all_pages(runner: Runner, has_more: bool) -> None:
    rec = _images_server(5, has_more)
    items = runner.run(lambda c: c.images.list(limit=2), rec, collect=True)
    assert [i["id"] for i in items] == ["I0", "I1", "I2", "I3", "I4"]
    assert [r.url.params["offset"] for r in rec.requests] == ["0", "2", "4"]


async def test_async_page_navigation() -> None:
    rec = _images_server(3)
    async with AsyncPictify(API_KEY, transport=httpx.MockTransport(rec)) as client:
        first = await client.images.list(limit=2, offset=0)
        assert isinstance(first.pagination, OffsetPagination)
        assert first.has_next_page()
        collected = [item.id async for item in first]
        pages = [page async for page in first.iter_pages()]
        second = await first.get_next_page()
    assert collected == ["I0", "I1", "I2"]
    assert len(pages) == 2
    assert second is not None
    assert [i.id for i in second.items] == ["I2"]


def _query(style: str, limit: int | None = 2) -> ListQuery[Template]:
    return ListQuery("/x", "templates", Template.model_validate, style, limit)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("style", "body", "cursor", "expected"),
    [
        ("page", {"templates": [{"uid": "a"}], "pagination": {"hasNext": True}}, 1, 2),
        ("page", {"templates": [{"uid": "a"}], "pagination": {"hasNext": False}}, 1, None),
        ("page", {"templates": [{"uid": "a"}], "pagination": {"totalPages": 3}}, 3, None),
        ("page", {"templates": [{"uid": "a"}], "pagination": {"total": 5}}, 2, 3),
        ("page", {"templates": [{"uid": "a"}], "pagination": {"total": 4}}, 2, None),
        ("page", {"templates": [{"uid": "a"}]}, 1, None),  # no pagination: single page
        ("page", {"templates": [], "pagination": {"hasNext": True}}, 1, None),  # empty stops
        ("page", [{"uid": "a"}], 1, None),  # bare list
        (
            "offset",
            {"templates": [{"uid": "a"}, {"uid": "b"}], "pagination": {"hasMore": True}},
            4,
            6,
        ),
        ("offset", {"templates": [{"uid": "a"}], "pagination": {"total": 6}}, 4, 5),
        ("offset", {"templates": [{"uid": "a"}], "pagination": {"total": 5}}, 4, None),
        ("offset", {"templates": [{"uid": "a"}], "pagination": {}}, 0, None),
    ],
)
def test_next_cursor(style: str, body: Any, cursor: int, expected: int | None) -> None:
    query = _query(style)
    page: PageData[Template] = query.parse_page(body)
    assert query.next_cursor(page, cursor) == expected
