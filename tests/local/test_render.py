"""POST /templates/{uid}/render: the results[] envelope, layouts, formats, real pixels."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pictify_ssg.local import LocalServer

from .helpers import colourful_pixels, fetch_image, is_blank


def _render(api: httpx.Client, uid: str, **body: Any) -> httpx.Response:
    return api.post(f"/templates/{uid}/render", json=body)


def test_render_returns_the_results_envelope_and_a_real_png(
    api: httpx.Client, card_template: dict[str, Any], local_server: LocalServer
) -> None:
    uid = card_template["uid"]

    response = _render(api, uid, variables={"title": "Hello", "description": "World"})

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["templateUid"] == uid
    assert (body["totalLayouts"], body["totalRendered"], body["totalErrors"]) == (1, 1, 0)
    assert body["errors"] == []
    [result] = body["results"]
    assert result["layout"] == "default"
    assert result["name"] == "Default"
    assert (result["width"], result["height"], result["format"]) == (600, 315, "png")
    assert result["url"] == f"{local_server.base_url}/files/{result['id']}.png"
    file = httpx.get(result["url"])
    assert file.headers["content-type"] == "image/png"
    image = fetch_image(result["url"])
    assert image.format == "PNG"
    assert image.size == (600, 315)
    assert not is_blank(image)


def test_size_override_and_layouts(api: httpx.Client) -> None:
    html = "<body style='margin:0;background:#0af'>{{t}}</body>"
    layouts = {"square": {"width": 300, "height": 300}}
    uid = api.post("/templates", json={"html": html, "layouts": layouts}).json()["template"]["uid"]

    override = _render(api, uid, width=320, height=200).json()["results"][0]
    several = _render(api, uid, layouts=["default", "square", "missing"]).json()

    assert (override["width"], override["height"]) == (320, 200)
    assert fetch_image(override["url"]).size == (320, 200)
    assert [r["layout"] for r in several["results"]] == ["default", "square"]
    assert several["results"][1]["name"] == "Square"
    assert fetch_image(several["results"][1]["url"]).size == (300, 300)
    assert several["errors"] == [{"layout": "missing", "error": "Layout not found"}]
    assert (several["totalLayouts"], several["totalRendered"], several["totalErrors"]) == (3, 2, 1)


@pytest.mark.parametrize(
    ("fmt", "content_type", "pil_format", "ext"),
    [
        ("jpg", "image/jpeg", "JPEG", "jpg"),
        ("jpeg", "image/jpeg", "JPEG", "jpg"),
        ("webp", "image/webp", "WEBP", "webp"),
    ],
)
def test_other_image_formats(
    api: httpx.Client,
    card_template: dict[str, Any],
    fmt: str,
    content_type: str,
    pil_format: str,
    ext: str,
) -> None:
    body = _render(api, card_template["uid"], format=fmt, quality=0.5, variables={"title": "Q"})

    result = body.json()["results"][0]
    assert result["format"] == fmt
    assert result["url"].endswith(f".{ext}")
    assert httpx.get(result["url"]).headers["content-type"] == content_type
    image = fetch_image(result["url"])
    assert image.format == pil_format
    assert image.size == (600, 315)


def test_pdf_output(api: httpx.Client, card_template: dict[str, Any]) -> None:
    result = _render(api, card_template["uid"], format="pdf").json()["results"][0]

    response = httpx.get(result["url"])
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


@pytest.mark.parametrize(
    "body",
    [
        {"quality": 0},
        {"quality": 1.5},
        {"width": 0},
        {"height": 5000},
        {"format": "gif"},
        {"layouts": []},
        {"layouts": [f"l{i}" for i in range(21)]},
        {"layout": "Not Valid"},
        {"variables": ["not", "an", "object"]},
    ],
)
def test_bad_render_bodies_get_422(
    api: httpx.Client, card_template: dict[str, Any], body: dict[str, Any]
) -> None:
    response = _render(api, card_template["uid"], **body)

    assert response.status_code == 422, response.text
    assert response.json()["errors"]


def test_a_script_title_renders_as_text_not_markup(api: httpx.Client) -> None:
    # If the title were inserted raw, the script would paint the whole page red.
    html = (
        "<body style='margin:0;background:#fff'>"
        "<h1 id='title' style='font-size:20px'>{{title}}</h1></body>"
    )
    uid = api.post("/templates", json={"html": html, "width": 400, "height": 200}).json()[
        "template"
    ]["uid"]
    title = "<script>document.body.style.background='red'</script><b>x</b>"

    result = _render(api, uid, variables={"title": title}).json()["results"][0]
    cropped = api.post(
        "/image", json={"template": uid, "variables": {"title": title}, "selector": "#title"}
    ).json()

    image = fetch_image(result["url"]).convert("RGB")
    assert image.getpixel((399, 199)) == (255, 255, 255)
    assert colourful_pixels(image) == 0
    # The escaped markup is visible text: the heading is wide enough to hold it.
    assert cropped["width"] > 200


def test_required_and_strict_variables(api: httpx.Client) -> None:
    definitions = [{"name": "title", "validation": {"required": True}}]
    required = api.post(
        "/templates", json={"html": "{{title}}", "variableDefinitions": definitions}
    ).json()["template"]["uid"]
    strict = api.post(
        "/templates", json={"html": "{{title}} {{other}}", "strictVariables": True}
    ).json()["template"]["uid"]

    missing = _render(api, required)
    undefined = _render(api, strict, variables={"title": "t"})
    fine = _render(api, strict, variables={"title": "t", "other": "o"})

    assert (missing.status_code, missing.json()["code"]) == (422, "VARIABLE_REQUIRED")
    assert (undefined.status_code, undefined.json()["code"]) == (422, "UNDEFINED_VARIABLE")
    assert "other" in undefined.json()["message"]
    assert fine.status_code == 200


def test_default_values_fill_missing_variables(api: httpx.Client) -> None:
    definitions = [{"name": "bg", "defaultValue": "#ff0000"}]
    html = "<body style='margin:0;background:{{bg}}'></body>"
    uid = api.post(
        "/templates",
        json={"html": html, "variableDefinitions": definitions, "width": 50, "height": 50},
    ).json()["template"]["uid"]

    default = fetch_image(_render(api, uid).json()["results"][0]["url"]).convert("RGB")
    given = _render(api, uid, variables={"bg": "#0000ff"}).json()["results"][0]["url"]

    assert default.getpixel((25, 25)) == (255, 0, 0)
    assert fetch_image(given).convert("RGB").getpixel((25, 25)) == (0, 0, 255)


def test_helper_outside_the_safelist_is_a_422(api: httpx.Client) -> None:
    response = api.post("/templates", json={"html": "{{lookup a b}}"})

    if response.status_code == 200:  # rejected at render time instead of save time
        uid = response.json()["template"]["uid"]
        response = _render(api, uid, variables={"a": {}, "b": "x"})
    assert response.status_code == 422
    assert response.json()["code"] == "HELPER_NOT_ALLOWED"


def test_stats_count_routes_and_renders(
    api: httpx.Client, card_template: dict[str, Any], local_server: LocalServer
) -> None:
    route = "POST /templates/{uid}/render"
    before_route = local_server.stats.count(route)
    before_renders = local_server.stats.total_renders

    _render(api, card_template["uid"], layouts=["default", "default"])

    assert local_server.stats.count(route) == before_route + 1
    assert local_server.stats.total_renders == before_renders + 1
