"""Helpers for the local server tests (importable, unlike conftest fixtures)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import cast

import httpx
from PIL import Image

from pictify_ssg.local import LocalServer

CARD_HTML = """<!doctype html>
<html><head><meta charset="utf-8"><style>
  body { margin: 0; background: #ffffff; font-family: sans-serif; }
  .card { width: 100%; height: 100vh; padding: 40px; box-sizing: border-box; }
  h1 { font-size: 56px; color: #111111; margin: 0 0 16px; }
  p { font-size: 28px; color: #333333; }
</style></head>
<body><div class="card"><h1 id="title">{{title}}</h1><p>{{description}}</p>
<footer>{{site}}</footer></div></body></html>"""

StartServer = Callable[..., LocalServer]


def fetch_image(url: str) -> Image.Image:
    """Download a rendered file (no key needed) and open it with Pillow."""
    response = httpx.get(url, timeout=30)
    assert response.status_code == 200, response.text
    image = Image.open(io.BytesIO(response.content))
    image.load()
    return image


def is_blank(image: Image.Image) -> bool:
    """Whether every pixel has the same colour."""
    # For an RGB image Pillow returns one (min, max) pair per band.
    extrema = cast("tuple[tuple[int, int], ...]", image.convert("RGB").getextrema())
    return all(low == high for low, high in extrema)


def colourful_pixels(image: Image.Image) -> int:
    """Pixels whose channels differ a lot (colour emoji are colourful; text is grey)."""
    data = image.convert("RGB").tobytes()
    return sum(
        1 for i in range(0, len(data), 3) if max(data[i : i + 3]) - min(data[i : i + 3]) > 60
    )


def client_for(server: LocalServer) -> httpx.Client:
    """An authenticated client for ``server`` (close it, or use it in a ``with``)."""
    return httpx.Client(
        base_url=server.base_url,
        headers={"Authorization": f"Bearer {server.api_key}"},
        timeout=60,
    )
