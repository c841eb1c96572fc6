"""``layout`` and ``layouts`` are validated alike on every route that takes them.

An unknown layout is a 422 ``LAYOUT_NOT_FOUND`` naming the field: for ``layout`` on the single
render (no more silent fallback to the base layout) and the batch render, for ``layouts`` when
none of the keys exists, and on a batch for any unknown key (a batch has no per-layout error
slot). The single render keeps the hosted API's partial success for ``layouts`` that mix known
and unknown keys (see test_render.py).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .test_batches import submit, wait_for


@pytest.fixture(scope="module")
def squared(api: httpx.Client) -> str:
    response = api.post(
        "/templates",
        json={
            "html": "<b>{{t}}</b>",
            "width": 60,
            "height": 30,
            "layouts": {"square": {"width": 30, "height": 30}},
        },
    )
    assert response.status_code == 200, response.text
    uid: str = response.json()["template"]["uid"]
    return uid


def _render(api: httpx.Client, uid: str, **body: Any) -> httpx.Response:
    return api.post(f"/templates/{uid}/render", json=body)


def _batch(api: httpx.Client, uid: str, **body: Any) -> httpx.Response:
    return submit(api, uid, variableSets=[{"t": "x"}], **body)


CASES = [
    ({"layout": "nope"}, "layout", "'nope'"),
    ({"layouts": ["nope"]}, "layouts", "'nope'"),
    ({"layouts": ["nope", "gone", "nope"]}, "layouts", "'nope', 'gone'"),
    ({"layout": "square", "layouts": ["nope"]}, "layouts", "'nope'"),
]


@pytest.mark.parametrize("route", [_render, _batch], ids=["render", "batch-render"])
@pytest.mark.parametrize(("body", "field", "named"), CASES)
def test_unknown_layouts_are_a_422_naming_field_and_keys(
    api: httpx.Client,
    squared: str,
    route: Any,
    body: dict[str, Any],
    field: str,
    named: str,
) -> None:
    response = route(api, squared, **body)

    assert response.status_code == 422, response.text
    error = response.json()
    assert error["code"] == "LAYOUT_NOT_FOUND"
    assert error["errors"] == [
        {"field": field, "message": error["errors"][0]["message"], "code": "LAYOUT_NOT_FOUND"}
    ]
    assert named in error["message"]
    assert "known layouts: default, square" in error["message"]
    assert "x-layout-fallback" not in response.headers


def test_a_batch_with_one_unknown_key_among_known_ones_is_refused(
    api: httpx.Client, squared: str
) -> None:
    response = _batch(api, squared, layouts=["default", "nope"])

    assert response.status_code == 422
    assert response.json()["code"] == "LAYOUT_NOT_FOUND"


@pytest.mark.parametrize(
    "body",
    [{}, {"layout": "square"}, {"layout": "default"}, {"layouts": ["square", "default"]}],
)
def test_known_layouts_render_on_both_routes(
    api: httpx.Client, squared: str, body: dict[str, Any]
) -> None:
    single = _render(api, squared, **body)
    batch = _batch(api, squared, **body)

    assert single.status_code == 200, single.text
    assert single.json()["totalErrors"] == 0
    assert batch.status_code == 202, batch.text
    assert wait_for(api, batch.json()["batchId"])["status"] == "completed"
