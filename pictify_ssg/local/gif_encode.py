"""Assembling captured frames into an animated GIF with Pillow."""

from __future__ import annotations

import io
from collections.abc import Sequence
from itertools import pairwise

from PIL import Image

MIN_FRAME_MS = 20
"""Browsers show GIF frames shorter than 20 ms for 100 ms, so none is made shorter."""


def frame_durations(times_ms: Sequence[float], end_ms: float) -> list[int]:
    """How long each frame is shown, on the GIF's 10 ms grid, without drift.

    Each frame starts at ``times_ms[i]`` and lasts until the next one (the last until
    ``end_ms``). Rounding every start time to the grid, instead of every duration, keeps the
    total equal to the recording's length: 15 fps is 70, 60, 70 ms... rather than 70 ms each.
    """
    grid = [round(t / 10) * 10 for t in [*times_ms, end_ms]]
    return [max(MIN_FRAME_MS, b - a) for a, b in pairwise(grid)]


def encode_gif(frames: Sequence[bytes], durations_ms: Sequence[int], colors: int) -> bytes:
    """An endlessly looping GIF of ``frames`` (PNG bytes), each with at most ``colors`` colours.

    Args:
        frames: Screenshots, all of one size.
        durations_ms: How long each frame is shown.
        colors: Palette size (2-256): fewer colours, smaller file.
    """
    images = [_paletted(frame, colors) for frame in frames]
    out = io.BytesIO()
    images[0].save(
        out,
        format="GIF",
        save_all=True,
        append_images=images[1:],
        duration=list(durations_ms),
        loop=0,
        # Pillow stores only what changed between frames and merges identical neighbours.
        optimize=False,
        disposal=1,
    )
    return out.getvalue()


def _paletted(png: bytes, colors: int) -> Image.Image:
    with Image.open(io.BytesIO(png)) as image:
        # Median cut with Floyd-Steinberg dithering (Pillow's defaults for RGB images): smooth
        # gradients survive a small palette better than with the faster octree.
        paletted: Image.Image = image.convert("RGB").quantize(colors=colors)
        return paletted
