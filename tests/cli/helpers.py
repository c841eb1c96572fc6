"""Helpers of the CLI tests."""

from __future__ import annotations

from pathlib import Path


def pixel(path: Path) -> tuple[int, int, int]:
    """The colour near the card's bottom-right corner (away from any text)."""
    from PIL import Image

    with Image.open(path) as image:
        assert image.size == (1200, 630)
        rgb = image.convert("RGB").getpixel((1150, 600))
    assert isinstance(rgb, tuple)
    return (int(rgb[0]), int(rgb[1]), int(rgb[2]))


def near(actual: tuple[int, int, int], expected: tuple[int, int, int]) -> bool:
    """Colours equal within what PNG palette quantisation may shift (a few levels)."""
    return all(abs(a - e) <= 8 for a, e in zip(actual, expected, strict=True))
