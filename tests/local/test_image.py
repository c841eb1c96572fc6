"""POST /image from HTML, a URL or a template; selector crops; GET /image listing; fonts."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pictify_ssg.local import LocalServer, ServerOptions

from .helpers import client_for, colourful_pixels, fetch_image, is_blank

PAGE = """<!doctype html><html><body style="margin:0;background:#fff">
<div id="box" style="position:absolute;left:30px;top:20px;width:120px;height:80px;
background:#2050ff"></div></body></html>"""


@pytest.fixture(scope="module")
def static_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A tiny HTTP server on loopback serving one page, for URL screenshots."""
    root = tmp_path_factory.mktemp("site")
    (root / "page.html").write_text(PAGE)

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
def private_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """A client for a server whose URL screenshots may reach loopback (where `static_site` is)."""
    options = ServerOptions(browsers=1, allow_private_network=True)
    server = LocalServer(data_dir=tmp_path_factory.mktemp("private"), options=options)
    with server, client_for(server) as client:
        yield client


def test_html_renders_at_the_hosted_default_size(api: httpx.Client) -> None:
    response = api.post("/image", json={"html": "<h1>Default size</h1>"})

    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) >= {"url", "id", "createdAt", "width", "height", "format"}
    assert (body["width"], body["height"], body["format"]) == (1280, 720, "png")
    image = fetch_image(body["url"])
    assert image.size == (1280, 720)
    assert not is_blank(image)


def test_url_screenshot_with_selector_crop(private_api: httpx.Client, static_site: str) -> None:
    response = private_api.post(
        "/image",
        json={"url": f"{static_site}/page.html", "width": 400, "height": 300, "selector": "#box"},
    )

    assert response.status_code == 200, response.text
    image = fetch_image(response.json()["url"]).convert("RGB")
    assert image.size == (120, 80)
    assert image.getpixel((60, 40)) == (32, 80, 255)


def test_unreachable_url_is_a_422(private_api: httpx.Client, static_site: str) -> None:
    port = static_site.rsplit(":", 1)[1]
    unused = f"http://127.0.0.1:{int(port) + 1 if int(port) < 65535 else 1}/nothing"

    response = private_api.post("/image", json={"url": unused})

    assert response.status_code == 422
    assert response.json()["code"] == "URL_LOAD_FAILED"


@pytest.mark.parametrize(
    ("extension", "pil_format", "content_type"),
    [
        ("jpg", "JPEG", "image/jpeg"),
        ("jpeg", "JPEG", "image/jpeg"),
        ("webp", "WEBP", "image/webp"),
        ("pdf", "PNG", "image/png"),  # unknown extensions become PNG, as on the hosted API
    ],
)
def test_file_extensions(
    api: httpx.Client, extension: str, pil_format: str, content_type: str
) -> None:
    body = api.post(
        "/image", json={"html": "<p>x</p>", "width": 64, "height": 32, "fileExtension": extension}
    ).json()

    assert httpx.get(body["url"]).headers["content-type"] == content_type
    assert fetch_image(body["url"]).format == pil_format


def test_template_source_uses_the_template_size(
    api: httpx.Client, card_template: dict[str, Any]
) -> None:
    body = api.post(
        "/image", json={"template": card_template["uid"], "variables": {"title": "T"}}
    ).json()

    assert (body["width"], body["height"]) == (600, 315)
    assert body["templateUid"] == card_template["uid"]


def test_list_and_get_images(api: httpx.Client) -> None:
    created = api.post("/image", json={"html": "<p>listed</p>", "width": 50, "height": 50}).json()

    listing = api.get("/image", params={"limit": 2}).json()
    single = api.get(f"/image/{created['id']}").json()

    assert listing["images"][0]["id"] == created["id"]
    assert listing["pagination"]["limit"] == 2
    assert listing["pagination"]["offset"] == 0
    assert listing["pagination"]["total"] >= 1
    assert single == {"image": created}


@pytest.mark.parametrize(
    ("first", "second"),
    [("日本", "中文"), ("한국어", "漢字")],
)
def test_cjk_text_renders_as_glyphs(api: httpx.Client, first: str, second: str) -> None:
    def render(text: str) -> Any:
        html = f"<body style='margin:0;background:#fff'><p style='font-size:64px'>{text}</p>"
        url = api.post("/image", json={"html": html, "width": 400, "height": 120}).json()["url"]
        return fetch_image(url).convert("RGB")

    one, two = render(first), render(second)

    assert not is_blank(one)
    # Missing fonts draw identical "tofu" boxes for different characters.
    assert one.tobytes() != two.tobytes()


def test_emoji_render_in_colour(api: httpx.Client) -> None:
    html = "<body style='margin:0;background:#fff'><p style='font-size:64px'>😀🎉</p></body>"

    url = api.post("/image", json={"html": html, "width": 300, "height": 120}).json()["url"]

    assert colourful_pixels(fetch_image(url)) > 200


def test_files_need_no_key_and_are_cacheable(api: httpx.Client) -> None:
    url = api.post("/image", json={"html": "<p>x</p>", "width": 20, "height": 20}).json()["url"]

    response = httpx.get(url)

    assert response.status_code == 200
    assert "immutable" in response.headers["cache-control"]


def test_pages_with_scripts_get_a_fresh_document(api: httpx.Client) -> None:
    script = "<script>let declared = 1; document.body.style.background = '#00ff00';</script>"
    html = f"<body style='margin:0'>{script}</body>"

    for _ in range(3):  # the same top-level `let` twice in one document would throw
        body = api.post("/image", json={"html": html, "width": 20, "height": 20}).json()
        assert fetch_image(body["url"]).convert("RGB").getpixel((10, 10)) == (0, 255, 0)


def test_the_data_dir_holds_the_files(api: httpx.Client, local_server: Any) -> None:
    body = api.post("/image", json={"html": "<p>x</p>", "width": 20, "height": 20}).json()

    assert (Path(local_server.data_dir) / "files" / f"{body['id']}.png").is_file()
