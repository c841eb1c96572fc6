"""``POST /image/canvas``: FabricJS objects drawn by Chromium, checked pixel by pixel."""

from __future__ import annotations

import base64
import io
from typing import Any

import httpx
import pytest
from PIL import Image

from pictify_ssg.local.canvas_html import CanvasError, canvas_document

from .helpers import fetch_image

RED, GREEN, BLUE, WHITE = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)


def _png_data_url(colour: tuple[int, int, int], size: tuple[int, int]) -> str:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def _draw(api: httpx.Client, objects: list[dict[str, Any]], **body: Any) -> Image.Image:
    fabric = {"version": "5.3.0", "background": "#ffffff", "objects": objects}
    response = api.post(
        "/image/canvas", json={"fabricJSData": fabric, "width": 200, "height": 100, **body}
    )
    assert response.status_code == 200, response.text
    return fetch_image(response.json()["url"]).convert("RGB")


def _dark(image: Image.Image) -> int:
    """Pixels of near-black text."""
    return sum(image.convert("L").histogram()[:64])


# Fabric's default strokeWidth (1) widens every box by one pixel even without a stroke; the
# objects below set it to 0 so their edges fall on whole pixels.
@pytest.mark.parametrize(
    ("obj", "inside", "outside"),
    [
        (
            {"type": "rect", "left": 20, "top": 10, "width": 40, "height": 30, "fill": "red"},
            [(21, 11), (59, 39)],
            [(19, 10), (61, 25), (40, 41)],
        ),
        (  # originX/Y center: left/top is the middle
            {
                "type": "rect",
                "left": 100,
                "top": 50,
                "width": 20,
                "height": 20,
                "fill": "red",
                "originX": "center",
                "originY": "center",
            },
            [(91, 41), (109, 59)],
            [(88, 50), (112, 50)],
        ),
        (  # rotated 90 degrees around its centre: a 60x10 bar stands up
            {
                "type": "rect",
                "left": 100,
                "top": 50,
                "width": 60,
                "height": 10,
                "fill": "red",
                "angle": 90,
                "originX": "center",
                "originY": "center",
            },
            [(100, 25), (100, 75)],
            [(80, 50), (120, 50)],
        ),
        (  # scaled twice as wide
            {
                "type": "rect",
                "left": 0,
                "top": 0,
                "width": 20,
                "height": 20,
                "fill": "red",
                "scaleX": 2,
            },
            [(38, 10)],
            [(42, 10)],
        ),
        (
            {"type": "circle", "left": 50, "top": 20, "radius": 25, "fill": "red"},
            [(75, 45), (55, 45)],
            [(52, 22), (98, 68)],
        ),
        (
            {"type": "ellipse", "left": 0, "top": 0, "rx": 50, "ry": 20, "fill": "red"},
            [(50, 20), (5, 20)],
            [(3, 3), (50, 45)],
        ),
        (
            {
                "type": "line",
                "left": 10,
                "top": 50,
                "x1": 0,
                "y1": 0,
                "x2": 100,
                "y2": 0,
                "stroke": "red",
                "strokeWidth": 6,
            },
            [(60, 52)],
            [(60, 60), (120, 52)],
        ),
        (  # a group's children sit relative to its centre
            {
                "type": "group",
                "left": 100,
                "top": 0,
                "width": 40,
                "height": 40,
                "objects": [
                    {
                        "type": "rect",
                        "left": -20,
                        "top": -20,
                        "width": 20,
                        "height": 20,
                        "fill": "red",
                    }
                ],
            },
            [(110, 10)],
            [(130, 10), (110, 30), (90, 10)],
        ),
        (
            {
                "type": "image",
                "left": 150,
                "top": 50,
                "width": 10,
                "height": 10,
                "scaleX": 3,
                "scaleY": 3,
                "src": _png_data_url(RED, (10, 10)),
            },
            [(152, 52), (177, 77)],
            [(148, 60), (182, 60)],
        ),
        (
            {
                "type": "rect",
                "left": 0,
                "top": 0,
                "width": 50,
                "height": 50,
                "fill": "red",
                "opacity": 0,
            },
            [],
            [(25, 25)],
        ),
    ],
    ids=[
        "rect",
        "origin",
        "angle",
        "scale",
        "circle",
        "ellipse",
        "line",
        "group",
        "image",
        "opacity",
    ],
)
def test_objects_land_where_fabric_puts_them(
    api: httpx.Client,
    obj: dict[str, Any],
    inside: list[tuple[int, int]],
    outside: list[tuple[int, int]],
) -> None:
    image = _draw(api, [{"strokeWidth": 0, **obj}])

    assert [image.getpixel(p) for p in inside] == [RED] * len(inside)
    assert [image.getpixel(p) for p in outside] == [WHITE] * len(outside)


def test_text_fills_variables_escaped(api: httpx.Client) -> None:
    text = {"type": "textbox", "left": 0, "top": 0, "width": 200, "height": 60, "fontSize": 40}
    text |= {"text": "{{title}}", "fill": "#000000", "backgroundColor": "#00ff00"}

    filled = _draw(api, [text], variables={"title": "<b>Hi</b>"})
    empty = _draw(api, [text], variables={"title": ""})

    assert filled.getpixel((199, 59)) == GREEN
    # Escaped text draws glyphs ("<b>Hi</b>" literally), so far more dark pixels than none.
    dark = _dark(filled)
    assert dark > 100
    assert _dark(empty) == 0


def test_variable_definitions_give_defaults(api: httpx.Client) -> None:
    text = {"type": "text", "left": 0, "top": 0, "width": 200, "height": 60, "fontSize": 40}
    text |= {"text": "{{word}}", "fill": "#000"}

    image = _draw(api, [text], variableDefinitions=[{"name": "word", "defaultValue": "MMM"}])

    assert _dark(image) > 100


@pytest.mark.parametrize(
    ("objects", "field"),
    [
        ([{"type": "rect"}, {"type": "path"}], "fabricJSData.objects[1].type"),
        (
            [{"type": "group", "objects": [{"type": "polygon"}]}],
            "fabricJSData.objects[0].objects[0].type",
        ),
        ([{"type": "rect", "fill": {"type": "linear"}}], "fabricJSData.objects[0].fill"),
        ([{"type": "rect", "fill": "red;background:url(x)"}], "fabricJSData.objects[0].fill"),
        ([{"type": "rect", "width": "wide"}], "fabricJSData.objects[0].width"),
        ([{"type": "image", "src": "file:///etc/passwd"}], "fabricJSData.objects[0].src"),
    ],
)
def test_what_cannot_be_drawn_is_a_422_naming_the_object(
    api: httpx.Client, objects: list[dict[str, Any]], field: str
) -> None:
    response = api.post("/image/canvas", json={"fabricJSData": {"objects": objects}})

    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field
    assert response.json()["code"] == "CANVAS_UNSUPPORTED"


def test_http_images_obey_the_network_policy(api: httpx.Client) -> None:
    obj = {"type": "image", "width": 10, "height": 10, "src": "http://127.0.0.1:9/x.png"}

    response = api.post("/image/canvas", json={"fabricJSData": {"objects": [obj]}})

    assert response.status_code == 422
    assert response.json()["code"] == "URL_NOT_ALLOWED"
    assert response.json()["errors"][0]["field"] == "fabricJSData.objects[0].src"


def test_size_defaults_to_the_canvas_and_format_is_chosen(api: httpx.Client) -> None:
    fabric = {"width": 120, "height": 50, "objects": []}

    body = api.post("/image/canvas", json={"fabricJSData": fabric, "fileExtension": "jpg"}).json()

    assert (body["width"], body["height"], body["format"]) == (120, 50, "jpg")
    assert body["url"].endswith(".jpg")
    assert api.post("/image/canvas", json={}).json()["errors"][0]["field"] == "fabricJSData"


def test_agent_screenshot_is_a_documented_501(api: httpx.Client) -> None:
    refused = api.post("/image/agent-screenshot", json={"prompt": "the pricing table"})
    invalid = api.post("/image/agent-screenshot", json={"prompt": "   "})

    assert refused.status_code == 501
    assert refused.json()["code"] == "AGENT_SCREENSHOT_UNSUPPORTED"
    assert refused.json()["retriable"] is False
    assert invalid.status_code == 422
    assert invalid.json()["errors"][0]["field"] == "prompt"


def test_document_quotes_font_families_and_escapes_text() -> None:
    doc = canvas_document(
        {"objects": [{"type": "i-text", "text": "a<b>&", "fontFamily": "Open Sans, serif"}]}, {}
    )

    assert "a&lt;b&gt;&amp;" in doc.html
    assert "font-family:'Open Sans',serif" in doc.html
    with pytest.raises(CanvasError, match="fontFamily"):
        canvas_document({"objects": [{"type": "text", "fontFamily": "x;}<style>"}]}, {})
