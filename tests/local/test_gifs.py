"""``/gif``: GIFs recorded from CSS animations, quality presets, errors and the network policy."""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from PIL import Image

from pictify_ssg.local import LocalServer
from pictify_ssg.local.gif_encode import frame_durations
from pictify_ssg.local.gif_frames import MAX_ANIMATION_MS, animation_length_ms

PULSE = (
    "<style>body{margin:0;background:#fff}"
    "#dot{width:60px;height:60px;background:linear-gradient(90deg,#f00,#00f);"
    "animation:fade 600ms ease-in-out 200ms 2 alternate}"
    "@keyframes fade{from{opacity:0}to{opacity:1}}</style><div id=dot></div>"
)

# A wide three-colour gradient that fades in: hundreds of colours per frame.
GRADIENT = (
    "<style>body{margin:0}#g{width:256px;height:20px;"
    "background:linear-gradient(90deg,#f00,#0f0,#00f);animation:in 1s linear}"
    "@keyframes in{from{opacity:.2}to{opacity:1}}</style><div id=g></div>"
)


def _gif(record: dict[str, Any]) -> Image.Image:
    response = httpx.get(record["url"])
    assert response.headers["content-type"] == "image/gif"
    return Image.open(io.BytesIO(response.content))


def _colours(image: Image.Image) -> int:
    """Most colours in one frame of the GIF."""
    most = 0
    for index in range(int(getattr(image, "n_frames", 1))):
        image.seek(index)
        most = max(most, len(image.convert("RGB").getcolors(1 << 16) or []))
    return most


def test_length_comes_from_delay_duration_and_iterations(api: httpx.Client) -> None:
    response = api.post("/gif", json={"html": PULSE, "width": 60, "height": 60})

    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"gif", "_meta"}
    gif = body["gif"]
    # 200 ms delay + 2 iterations of 600 ms; medium quality is 15 frames per second.
    assert gif["animationLength"] == 1400
    assert (gif["frameCount"], gif["quality"]) == (21, "medium")
    image = _gif(gif)
    assert image.size == (60, 60)
    assert image.info["loop"] == 0
    assert api.get(f"/gif/{gif['uid']}").json()["gif"] == gif


def test_quality_presets_change_frame_rate_and_palette(api: httpx.Client) -> None:
    low, high = (
        api.post("/gif", json={"html": GRADIENT, "width": 256, "height": 20, "quality": q}).json()[
            "gif"
        ]
        for q in ("low", "high")
    )

    assert (low["framesPerSecond"], high["framesPerSecond"]) == (10, 25)
    assert low["frameCount"] < high["frameCount"]
    assert _colours(_gif(low)) <= 64 < _colours(_gif(high))


def test_endless_animations_record_one_cycle(api: httpx.Client) -> None:
    html = PULSE.replace("200ms 2 alternate", "0ms infinite")
    gif = api.post("/gif", json={"html": html, "quality": "low"}).json()["gif"]

    assert (gif["animationLength"], gif["frameCount"]) == (600, 6)


def test_selector_crops_every_frame(api: httpx.Client) -> None:
    html = f"<div style='padding:30px'>{PULSE}</div>"
    gif = api.post("/gif", json={"html": html, "selector": "#dot", "quality": "low"}).json()["gif"]

    assert (gif["width"], gif["height"]) == (60, 60)
    assert _gif(gif).size == (60, 60)


def test_a_page_without_animation_is_a_422(api: httpx.Client) -> None:
    response = api.post("/gif", json={"html": "<h1>Still</h1>"})

    assert response.status_code == 422
    assert response.json()["code"] == "STATIC_SOURCE"
    assert response.json()["error"].startswith("Static source")


def test_url_sources_obey_the_network_policy(api: httpx.Client) -> None:
    # The session server screenshots public addresses only.
    response = api.post("/gif", json={"url": "http://127.0.0.1:9/x.html"})

    assert response.status_code == 422
    assert response.json()["code"] == "URL_NOT_ALLOWED"
    capture = api.post(
        "/gif/capture", json={"url": "http://127.0.0.1:9/", "frameDurationSeconds": 1}
    )
    assert capture.status_code == 422
    assert capture.json()["code"] == "URL_NOT_ALLOWED"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/gif", {}, "body"),
        ("/gif", {"html": "x", "url": "https://a.example"}, "body"),
        ("/gif", {"html": "x", "quality": "ultra"}, "quality"),
        ("/gif", {"html": "x", "width": 2001}, "width"),
        ("/gif", {"html": "x", "framesPerSecond": 0}, "framesPerSecond"),
        ("/gif", {"url": "ftp://a.example/x"}, "url"),
        ("/gif/capture", {}, "url"),
        (
            "/gif/capture",
            {"url": "https://a.example", "frameDurationSeconds": 31},
            "frameDurationSeconds",
        ),
    ],
)
def test_bad_bodies_name_the_field(
    api: httpx.Client, path: str, body: dict[str, Any], field: str
) -> None:
    response = api.post(path, json=body)

    assert response.status_code == 422, response.text
    assert response.json()["code"] == "VALIDATION_ERROR"
    assert field in {e["field"] for e in response.json()["errors"]}


def test_media_routes_need_the_key(local_server: LocalServer) -> None:
    for path in ("/gif", "/gif/capture", "/pdf/render", "/pdf/multi-page", "/image/canvas"):
        response = httpx.post(f"{local_server.base_url}{path}", json={})
        assert (response.status_code, response.json()) == (401, {"message": "Invalid Request"})


def test_unknown_gif_is_404(api: httpx.Client) -> None:
    response = api.get("/gif/NOPE000000")

    assert response.status_code == 404
    assert response.json()["code"] == "GIF_NOT_FOUND"


def test_list_is_paginated_newest_first(api: httpx.Client) -> None:
    made = [
        api.post("/gif", json={"html": PULSE, "width": 20, "height": 20, "quality": "low"}).json()
        for _ in range(2)
    ]
    page = api.get("/gif", params={"limit": 1}).json()

    assert page["gifs"][0]["uid"] == made[-1]["gif"]["uid"]
    assert page["pagination"]["limit"] == 1
    assert page["pagination"]["hasMore"] is True
    assert api.get("/gif", params={"limit": 0}).status_code == 422


@pytest.mark.parametrize(
    ("timings", "length"),
    [
        ([], 0),
        ([[0, 1000, 1, 0]], 1000),
        ([[250, 500, 3, 100]], 1850),
        ([[100, 400, None, 0], [0, 300, 1, 0]], 500),  # endless: one cycle
        ([[0, 60_000, 1, 0]], MAX_ANIMATION_MS),
    ],
)
def test_animation_length(timings: list[list[float | None]], length: float) -> None:
    assert animation_length_ms(timings) == length


def test_frame_durations_stay_on_the_gif_grid_without_drift() -> None:
    times = [i * 1000 / 15 for i in range(15)]  # 15 fps over one second

    durations = frame_durations(times, 1000)

    assert all(d % 10 == 0 for d in durations)
    assert sum(durations) == 1000
    assert set(durations) == {60, 70}
