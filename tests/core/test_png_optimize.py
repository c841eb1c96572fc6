"""Shrinking PNG cards: palette where it looks the same, lossless otherwise, never larger."""

from __future__ import annotations

import io
import math
import random

import pytest
from PIL import Image, ImageDraw

from pictify_ssg.core.png_optimize import MIN_PSNR_DB, optimize_png, psnr_db

W, H = 600, 315


def _png(image: Image.Image, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", **options)
    return buffer.getvalue()


def _decoded(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        copy: Image.Image = image.copy()
        return copy


def _gradient(mode: str = "RGB") -> Image.Image:
    """A 135-degree two-colour gradient with a text block, like a full-bleed card design."""
    image = Image.new(mode, (W, H))
    pixels = image.load()
    assert pixels is not None
    a, b = (79, 70, 229), (219, 39, 119)
    for y in range(H):
        for x in range(W):
            t = (x + y) / (W + H - 2)
            colour = tuple(round(a[i] + (b[i] - a[i]) * t) for i in range(3))
            pixels[x, y] = (*colour, 255) if mode == "RGBA" else colour
    draw = ImageDraw.Draw(image)
    draw.text((40, 120), "Configuring the widget factory", fill="white")
    return image


def _noise() -> Image.Image:
    """Photo-like content: every pixel its own colour, which no 256-colour palette keeps."""
    rng = random.Random(7)
    return Image.frombytes("RGB", (W, H), rng.randbytes(W * H * 3))


def test_a_gradient_card_becomes_a_palette_at_the_quality_floor() -> None:
    original = _gradient()
    data = _png(original, compress_level=1)  # a renderer tuned for speed

    result = optimize_png(data)

    assert result.method == "palette"
    assert len(result.data) < len(data) / 3
    shrunk = _decoded(result.data)
    assert shrunk.mode == "P"
    assert shrunk.size == (W, H)
    measured = psnr_db(original, shrunk.convert("RGB"))
    assert measured >= MIN_PSNR_DB
    assert result.psnr_db == pytest.approx(measured)


def test_a_card_with_few_colours_is_kept_exactly() -> None:
    image = Image.new("RGB", (W, H), (20, 20, 30))
    ImageDraw.Draw(image).rectangle((50, 50, 300, 200), fill=(250, 200, 0))
    result = optimize_png(_png(image, compress_level=1))
    assert result.method == "palette"
    assert psnr_db(image, _decoded(result.data).convert("RGB")) == math.inf


def test_a_photo_misses_the_floor_and_stays_lossless() -> None:
    original = _noise()
    data = _png(original, compress_level=0)
    result = optimize_png(data)
    assert result.method in ("lossless", "original")
    assert _decoded(result.data).convert("RGB").tobytes() == original.tobytes()


def test_lossless_mode_keeps_every_pixel() -> None:
    original = _gradient()
    data = _png(original, compress_level=0)
    result = optimize_png(data, "lossless")
    assert result.method == "lossless"
    assert len(result.data) < len(data)
    assert _decoded(result.data).tobytes() == original.tobytes()


def test_an_opaque_rgba_screenshot_loses_its_alpha_channel_not_its_look() -> None:
    original = _gradient("RGBA")
    result = optimize_png(_png(original, compress_level=1))
    assert result.method == "palette"
    assert psnr_db(original.convert("RGB"), _decoded(result.data).convert("RGB")) >= MIN_PSNR_DB


def test_transparency_is_kept() -> None:
    image = Image.new("RGBA", (W, H), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((100, 50, 300, 250), fill=(30, 140, 220, 255))
    result = optimize_png(_png(image, compress_level=1))
    back = _decoded(result.data).convert("RGBA")
    assert back.getpixel((5, 5))[3] == 0  # type: ignore[index]
    assert back.getpixel((200, 150)) == (30, 140, 220, 255)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"<html>502</html>", id="not-an-image"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + b"\0" * 40, id="damaged-png"),
    ],
)
def test_what_is_not_a_readable_png_passes_through(data: bytes) -> None:
    result = optimize_png(data)
    assert result.data == data
    assert result.method == "original"


def test_other_formats_and_off_pass_through() -> None:
    buffer = io.BytesIO()
    _gradient().save(buffer, "JPEG", quality=80)
    jpeg = buffer.getvalue()
    assert optimize_png(jpeg).data == jpeg
    png = _png(_gradient(), compress_level=1)
    assert optimize_png(png, "off").data == png


def test_it_never_makes_a_card_larger() -> None:
    # Already a tight palette PNG: re-encoding cannot win, so the original stays.
    tight = _png(_gradient().quantize(64), optimize=True, compress_level=9)
    result = optimize_png(tight)
    assert len(result.data) <= len(tight)


def test_psnr_of_known_differences() -> None:
    a = Image.new("RGB", (10, 10), (100, 100, 100))
    b = Image.new("RGB", (10, 10), (110, 100, 100))  # one channel in three off by 10
    expected = 10 * math.log10(255**2 / (10**2 / 3))
    assert psnr_db(a, b) == pytest.approx(expected)
    assert psnr_db(a, a) == math.inf
    with pytest.raises(ValueError, match="same size"):
        psnr_db(a, Image.new("RGB", (5, 5)))
