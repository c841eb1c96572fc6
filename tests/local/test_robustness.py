"""Client mistakes get clear 4xx answers, never a 500, and the server keeps serving."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pictify_ssg.local import LocalServer

BAD_REQUESTS: list[tuple[str, str, Any, int, str]] = [
    ("POST", "/templates", b"{not json", 400, "INVALID_JSON"),
    ("POST", "/templates", b"[1, 2]", 422, "VALIDATION_ERROR"),
    ("POST", "/templates", b'"text"', 422, "VALIDATION_ERROR"),
    ("POST", "/templates", {}, 422, "VALIDATION_ERROR"),
    ("POST", "/templates", {"html": 42}, 422, "VALIDATION_ERROR"),
    ("POST", "/templates", {"html": "<p>x</p>", "width": 0}, 422, "VALIDATION_ERROR"),
    ("POST", "/templates", {"html": "<p>x</p>", "height": 99999}, 422, "VALIDATION_ERROR"),
    ("POST", "/templates", {"html": "<p>x</p>", "width": "wide"}, 422, "VALIDATION_ERROR"),
    ("POST", "/templates", {"html": "<p>x</p>", "engine": "fabric"}, 422, "VALIDATION_ERROR"),
    ("POST", "/templates", {"fabricJSData": {}}, 422, "VALIDATION_ERROR"),
    ("POST", "/templates", {"html": "{{#if x}}unclosed"}, 422, "HANDLEBARS_COMPILE_ERROR"),
    ("POST", "/templates", {"html": "x" * (500 * 1024 + 1)}, 413, "TEMPLATE_TOO_LARGE"),
    (
        "POST",
        "/templates",
        {"html": "<p/>", "layouts": {"Bad Key": {"width": 10}}},
        422,
        "VALIDATION_ERROR",
    ),
    ("POST", "/image", {}, 422, "VALIDATION_ERROR"),
    ("POST", "/image", {"html": "<p/>", "url": "https://example.org"}, 422, "VALIDATION_ERROR"),
    ("POST", "/image", {"url": "file:///etc/passwd"}, 422, "VALIDATION_ERROR"),
    ("POST", "/image", {"url": "javascript:alert(1)"}, 422, "VALIDATION_ERROR"),
    ("POST", "/image", {"html": "<p/>", "width": -5}, 422, "VALIDATION_ERROR"),
    ("POST", "/image", {"html": "<p/>", "width": 4097}, 422, "VALIDATION_ERROR"),
    ("POST", "/image", {"template": "NOPE000000"}, 404, "TEMPLATE_NOT_FOUND"),
    ("POST", "/image", {"html": "<p>x</p>", "selector": "#missing"}, 422, "SELECTOR_NOT_FOUND"),
    ("POST", "/image", {"html": "<p>x</p>", "selector": "[[["}, 422, "INVALID_SELECTOR"),
    ("GET", "/image?limit=0", None, 422, "VALIDATION_ERROR"),
    ("GET", "/image?offset=minus", None, 422, "VALIDATION_ERROR"),
    ("GET", "/image/NOPE000000", None, 404, "IMAGE_NOT_FOUND"),
    ("GET", "/templates?limit=1000", None, 422, "VALIDATION_ERROR"),
    ("GET", "/templates?sort=sideways", None, 422, "VALIDATION_ERROR"),
    ("GET", "/templates/NOPE000000", None, 404, "TEMPLATE_NOT_FOUND"),
    ("PUT", "/templates/NOPE000000", {"name": "x"}, 404, "TEMPLATE_NOT_FOUND"),
    ("DELETE", "/templates/NOPE000000", None, 404, "TEMPLATE_NOT_FOUND"),
    ("GET", "/templates/NOPE000000/variables", None, 404, "TEMPLATE_NOT_FOUND"),
    ("POST", "/templates/NOPE000000/render", {}, 404, "TEMPLATE_NOT_FOUND"),
    (
        "POST",
        "/templates/NOPE000000/batch-render",
        {"variableSets": [{}]},
        404,
        "TEMPLATE_NOT_FOUND",
    ),
    ("GET", "/templates/batch/nope/results", None, 404, "BATCH_NOT_FOUND"),
    ("POST", "/templates/batch/nope/cancel", None, 404, "BATCH_NOT_FOUND"),
    ("GET", "/no/such/route", None, 404, "NOT_FOUND"),
    ("PATCH", "/templates", {}, 405, "METHOD_NOT_ALLOWED"),
    ("GET", "/files/../state.sqlite3", None, 404, "NOT_FOUND"),
    ("GET", "/files/NOPE000000.png", None, 404, "FILE_NOT_FOUND"),
    ("GET", "/files/state.sqlite3", None, 404, "FILE_NOT_FOUND"),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    BAD_REQUESTS,
    ids=[f"{m} {p[:40]} {s} {c}" for m, p, _, s, c in BAD_REQUESTS],
)
def test_bad_input_gets_a_clear_4xx(
    api: httpx.Client, method: str, path: str, body: Any, status: int, code: str
) -> None:
    if isinstance(body, bytes):
        response = api.request(
            method, path, content=body, headers={"Content-Type": "application/json"}
        )
    else:
        response = api.request(method, path, json=body)

    assert response.status_code == status, response.text
    payload = response.json()
    assert payload["code"] == code
    assert payload["error"] == payload["message"]
    assert len(payload["message"]) > 10
    if status == 422 and code == "VALIDATION_ERROR":
        assert isinstance(payload["errors"], list)


def test_validation_errors_name_the_field(api: httpx.Client) -> None:
    response = api.post("/image", json={"html": "<p/>", "width": 0})

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["width"]
    assert "width" in response.json()["message"]


def test_json_content_type_with_an_empty_body_is_accepted(api: httpx.Client) -> None:
    # The official SDK sends Content-Type: application/json on every request, GETs included.
    response = api.get("/templates", headers={"Content-Type": "application/json"})

    assert response.status_code == 200


def test_the_server_keeps_rendering_after_bad_requests(
    api: httpx.Client, local_server: LocalServer
) -> None:
    for path, body in [("/image", b"\xff\xfe"), ("/image", b"{"), ("/templates", b"null")]:
        api.post(path, content=body)
    api.post("/image", json={"html": "<p>x</p>", "selector": "#missing"})

    response = api.post(
        "/image", json={"html": "<h1>still alive</h1>", "width": 200, "height": 100}
    )

    assert response.status_code == 200
    assert httpx.get(response.json()["url"]).status_code == 200


def test_a_page_that_navigates_away_mid_render_is_a_4xx(api: httpx.Client) -> None:
    html = "<script>location.href = 'about:blank#gone'; document.write('x')</script>"

    response = api.post("/image", json={"html": html, "width": 40, "height": 40})
    after = api.post("/image", json={"html": "<p>ok</p>", "width": 40, "height": 40})

    assert response.status_code < 500, response.text
    assert after.status_code == 200
