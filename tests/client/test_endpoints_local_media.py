"""GIFs, PDFs, canvas and agent screenshots against the real local server, over real HTTP.

Like ``test_endpoints_local.py``: each call is made with ``Pictify`` and ``AsyncPictify``, the
wire form is checked from what really went out, and the result is parsed from the server's real
answer; the files it names are then opened (GIF frames, PDF pages, canvas pixels).

The server here may screenshot loopback addresses (``allow_private_network``), so
``gifs.capture`` can film a page served by this module.
"""

from __future__ import annotations

import functools
import http.server
import io
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pypdf
import pytest
from PIL import Image

from pictify_ssg.client import Gif, ImageResult, PdfResult, Pictify, RenderResult, Template
from pictify_ssg.client.exceptions import ServerError, ValidationError
from pictify_ssg.local import LocalServer, ServerOptions

from .test_endpoints_local import Live

#: Every client method this module runs against the server (`test_endpoints_mock` counts them).
COVERED = frozenset(
    {
        "gifs.create",
        "gifs.capture",
        "gifs.list",
        "gifs.get",
        "pdfs.render",
        "pdfs.multi_page",
        "images.canvas",
    }
)

SLIDE = (
    "<style>body{margin:0;background:#fff}"
    "#box{position:absolute;top:0;left:0;width:20px;height:20px;background:#f00;"
    "animation:slide 1s linear infinite}"
    "@keyframes slide{from{left:0}to{left:80px}}</style><div id=box>{{label}}</div>"
)
PAGE = (
    "<html><head><style>body{margin:0;font:24px sans-serif}</style></head>"
    "<body><h1>{{heading}}</h1></body></html>"
)
POINTS_PER_MM = 72 / 25.4


@pytest.fixture(scope="module")
def static_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An http server on 127.0.0.1 with a page whose box keeps moving."""
    root = tmp_path_factory.mktemp("site")
    (root / "moving.html").write_text(SLIDE.replace("{{label}}", ""), encoding="utf-8")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(root))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as httpd:
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
        httpd.shutdown()
        thread.join()


@pytest.fixture(scope="module")
def media_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    """A server whose URL renders may reach loopback (where `static_site` is)."""
    options = ServerOptions(browsers=1, allow_private_network=True)
    with LocalServer(data_dir=tmp_path_factory.mktemp("media"), options=options) as server:
        yield server


@pytest.fixture(params=["sync", "async"])
def live(request: pytest.FixtureRequest, media_server: LocalServer) -> Live:
    """A recorder bound to the media server, once per client flavour."""
    return Live(request.param, media_server)


def _template(server: LocalServer, html: str, width: int, height: int) -> Template:
    with Pictify(server.api_key, base_url=server.base_url) as client:
        return client.templates.create(name="Media", html=html, width=width, height=height)


@pytest.fixture(scope="module")
def slide_template(media_server: LocalServer) -> Template:
    """A 100x20 template whose box slides right over one second."""
    return _template(media_server, SLIDE, 100, 20)


@pytest.fixture(scope="module")
def page_template(media_server: LocalServer) -> Template:
    """A page with one heading variable."""
    return _template(media_server, PAGE, 600, 400)


def _gif(url: str) -> Image.Image:
    response = httpx.get(url)
    assert response.headers["content-type"] == "image/gif"
    return Image.open(io.BytesIO(response.content))


def _pdf(url: str) -> pypdf.PdfReader:
    response = httpx.get(url)
    assert response.headers["content-type"] == "application/pdf"
    return pypdf.PdfReader(io.BytesIO(response.content))


def _box_left(frame: Image.Image) -> int:
    """Where the red box starts in a frame (its left edge)."""
    rgb = frame.convert("RGB")
    for x in range(rgb.width):
        pixel = rgb.getpixel((x, 10))
        assert isinstance(pixel, tuple)
        if pixel[0] > 200 > pixel[1]:
            return x
    raise AssertionError("no red box in the frame")


def _frame_count(image: Image.Image) -> int:
    # Pillow's stubs do not know the attribute of its multi-frame formats.
    return int(getattr(image, "n_frames", 1))


def test_gif_from_html_records_the_animation(live: Live) -> None:
    html = SLIDE.replace("{{label}}", "")
    gif = live.run(lambda c: c.gifs.create(html=html, width=100, height=20, quality="low"))
    live.check("POST", "/gif", {"html": html, "width": 100, "height": 20, "quality": "low"})
    assert isinstance(gif, Gif)
    assert (gif.width, gif.height, gif.animation_length) == (100, 20, 1000)
    assert gif.uid
    image = _gif(gif.url)
    assert image.size == (100, 20)
    assert _frame_count(image) == 10  # low: 10 frames per second, over one second
    lefts = []
    for index in range(_frame_count(image)):
        image.seek(index)
        lefts.append(_box_left(image))
    assert lefts == sorted(lefts)
    assert lefts[0] == 0
    assert lefts[-1] >= 70  # 90% of the way to 80 px


def test_gif_from_template_with_frame_rate(live: Live, slide_template: Template) -> None:
    gif = live.run(
        lambda c: c.gifs.create(
            template=slide_template.uid, variables={"label": "x"}, frames_per_second=4
        )
    )
    live.check(
        "POST",
        "/gif",
        {"template": slide_template.uid, "variables": {"label": "x"}, "framesPerSecond": 4},
    )
    assert (gif.width, gif.height) == (100, 20)  # the template's size
    assert gif["templateUid"] == slide_template.uid
    assert gif["frameCount"] == 4
    assert _frame_count(_gif(gif.url)) == 4


def test_gif_from_a_url(live: Live, static_site: str) -> None:
    url = f"{static_site}/moving.html"
    gif = live.run(lambda c: c.gifs.create(url=url, width=100, height=20))
    live.check("POST", "/gif", {"url": url, "width": 100, "height": 20})
    assert (gif.width, gif.height, gif.animation_length) == (100, 20, 1000)
    assert _frame_count(_gif(gif.url)) == 15  # medium: 15 frames per second, all different


def test_gif_of_a_static_page_is_a_validation_error(live: Live) -> None:
    with pytest.raises(ValidationError) as info:
        live.run(lambda c: c.gifs.create(html="<p>still</p>"))
    assert info.value.status == 422
    assert info.value.message.startswith("Static source")
    assert info.value.code == "STATIC_SOURCE"


def test_gif_capture_films_a_live_url(live: Live, static_site: str) -> None:
    url = f"{static_site}/moving.html"
    gif = live.run(
        lambda c: c.gifs.capture(url=url, width=100, height=20, frame_duration_seconds=1)
    )
    live.check(
        "POST",
        "/gif/capture",
        {"url": url, "width": 100, "height": 20, "frameDurationSeconds": 1},
    )
    assert isinstance(gif, Gif)
    assert gif.animation_length == 1  # seconds, for captures (wire notes, conflict C15)
    assert gif["frameDurationSeconds"] == 1
    assert gif["frameCount"] >= 1
    assert _gif(gif.url).size == (100, 20)


def test_gif_list_and_get(live: Live) -> None:
    html = SLIDE.replace("{{label}}", "")
    made = live.run(lambda c: c.gifs.create(html=html, width=100, height=20, quality="low"))
    fetched = live.run(lambda c: c.gifs.get(made.uid))
    live.check("GET", f"/gif/{made.uid}")
    assert (fetched.uid, fetched.url) == (made.uid, made.url)
    listed = live.run(lambda c: c.gifs.list(limit=1), collect=True)
    assert made.uid in {g.uid for g in listed}
    first = next(r for r in live.requests if r.url.path == "/gif" and r.method == "GET")
    assert dict(first.url.params) == {"limit": "1", "offset": "0"}


def test_pdf_render_prints_on_a_preset(live: Live, page_template: Template) -> None:
    options = {"preset": "A5", "margins": {"top": "10mm"}, "print_background": True}
    pdf = live.run(
        lambda c: c.pdfs.render(
            template_uid=page_template.uid, variables={"heading": "Invoice 7"}, options=options
        )
    )
    live.check(
        "POST",
        "/pdf/render",
        {
            "templateUid": page_template.uid,
            "variables": {"heading": "Invoice 7"},
            "options": {"preset": "A5", "margins": {"top": "10mm"}, "printBackground": True},
        },
    )
    assert isinstance(pdf, PdfResult)
    assert (pdf.success, pdf.page_count, pdf.preset) == (True, 1, "A5")
    assert pdf.page_size == {
        "width": round(148 * POINTS_PER_MM),
        "height": round(210 * POINTS_PER_MM),
    }
    document = _pdf(pdf.url)
    assert len(document.pages) == 1
    box = document.pages[0].mediabox
    # Chromium rounds paper sizes to its own units: within a point of the preset.
    assert (float(box.width), float(box.height)) == pytest.approx(
        (148 * POINTS_PER_MM, 210 * POINTS_PER_MM), abs=1
    )
    assert "Invoice 7" in document.pages[0].extract_text()


def test_pdf_multi_page_has_a_page_per_set(live: Live, page_template: Template) -> None:
    sets = [{"heading": f"Chapter {n}"} for n in range(1, 4)]
    pdf = live.run(
        lambda c: c.pdfs.multi_page(
            template_uid=page_template.uid,
            variable_sets=sets,
            options={"preset": "Letter", "landscape": True},
        )
    )
    live.check(
        "POST",
        "/pdf/multi-page",
        {
            "templateUid": page_template.uid,
            "variableSets": sets,
            "options": {"preset": "Letter", "landscape": True},
        },
    )
    assert (pdf.page_count, pdf.preset) == (3, "Letter")
    assert pdf.page_size == {"width": 792, "height": 612}
    document = _pdf(pdf.url)
    assert len(document.pages) == 3
    texts = [page.extract_text() for page in document.pages]
    assert [f"Chapter {n}" in text for n, text in enumerate(texts, 1)] == [True] * 3
    assert [float(page.mediabox.width) for page in document.pages] == pytest.approx(
        [792] * 3, abs=1
    )


def test_template_render_as_pdf_pages(live: Live, page_template: Template) -> None:
    sets = [{"heading": "One"}, {"heading": "Two"}]
    result = live.run(
        lambda c: c.templates.render(
            page_template.uid, format="pdf", quality=None, variable_sets=sets, preset="A4"
        )
    )
    live.check(
        "POST",
        f"/templates/{page_template.uid}/render",
        {"variables": {}, "format": "pdf", "variableSets": sets, "preset": "A4"},
    )
    assert isinstance(result, RenderResult)
    first = result.results[0]
    assert (first.format, first["pageCount"]) == ("pdf", 2)
    assert first.url is not None
    document = _pdf(first.url)
    assert [p.extract_text().strip() for p in document.pages] == ["One", "Two"]
    assert float(document.pages[0].mediabox.width) == pytest.approx(210 * POINTS_PER_MM, abs=1)


def test_canvas_draws_fabric_objects(live: Live) -> None:
    fabric = {
        "version": "5.3.0",
        "background": "#ffffff",
        "objects": [
            {"type": "rect", "left": 10, "top": 10, "width": 40, "height": 20, "fill": "#ff0000"},
            {"type": "circle", "left": 100, "top": 10, "radius": 15, "fill": "#0000ff"},
            {"type": "text", "left": 10, "top": 60, "text": "{{title}}", "fontSize": 20},
        ],
    }
    image = live.run(
        lambda c: c.images.canvas(
            fabric_js_data=fabric, variables={"title": "Hi"}, width=160, height=100
        )
    )
    live.check(
        "POST",
        "/image/canvas",
        {"fabricJSData": fabric, "variables": {"title": "Hi"}, "width": 160, "height": 100},
    )
    assert isinstance(image, ImageResult)
    assert (image.width, image.height) == (160, 100)
    pixels = Image.open(io.BytesIO(httpx.get(image.url).content)).convert("RGB")
    assert pixels.getpixel((30, 20)) == (255, 0, 0)
    assert pixels.getpixel((116, 26)) == (0, 0, 255)
    assert pixels.getpixel((5, 5)) == (255, 255, 255)


def test_agent_screenshot_is_not_available_locally(live: Live) -> None:
    with pytest.raises(ServerError) as info:
        live.run(lambda c: c.images.agent_screenshot(prompt="the pricing table"))
    live.check("POST", "/image/agent-screenshot", {"prompt": "the pricing table"})
    # Sent once: a 501 (and a body saying "retriable": false) is never retried.
    assert len(live.requests) == 1
    assert not info.value.retryable
    assert info.value.status == 501
    assert info.value.code == "AGENT_SCREENSHOT_UNSUPPORTED"
    assert "hosted Pictify API" in info.value.message
