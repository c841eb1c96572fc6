"""Making PNG cards small: a 256-colour palette where the eye cannot tell, else lossless.

Chromium (and the hosted service) encode PNG screenshots for speed: a 1200x630 card with a
full-bleed gradient comes out at 300-700 KB, a plain card at 100 KB. A card is flat colour,
text and smooth gradients, which a 256-colour palette reproduces at 40+ dB PSNR (no visible
difference) in 20-40 KB. So every PNG card written into a site goes through
:func:`optimize_png`:

* ``palette`` (the default): quantise to 256 colours with Pillow's fast octree quantiser,
  without dithering (dither noise costs bytes and barely raises PSNR on flat designs). The
  result is kept only when its PSNR against the original is at least :data:`MIN_PSNR_DB`;
  a photo-like card that misses the floor is re-encoded losslessly instead. A card with 256
  colours or fewer becomes a palette image with no loss at all.
* ``lossless``: the same pixels, re-encoded with zlib level 5 and adaptive filters.
* ``off``: the renderer's bytes as they are.

Whatever the mode, the smaller of the result and the original is kept, so optimising never
makes a card bigger. Pillow's octree quantiser takes ~5 ms and the encode ~3 ms for a card on
one core; libimagequant reaches a few dB more but is GPL-3 licensed and 20x slower, and
oxipng saves another 10-15 % at 20-50x the encode time, so neither is used.

Pillow is imported on first use: builds where every card is cached never load it.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from PIL import Image

PngOptimize = Literal["palette", "lossless", "off"]

#: Quality floor of a palette card: peak signal-to-noise ratio against the original, in dB.
#: 38 dB and above is where differences stop being visible on flat designs and text.
MIN_PSNR_DB = 38.0

#: zlib level of the re-encode. For palette cards, 5 is 2-7 % larger than 6 in 25 % less time
#: (3.3 ms against 4.5 ms for a 1200x630 card) and 6 is 10-15 % larger than 9 at an eighth of
#: its time; the cards stay far under the 40 KB median either way.
_COMPRESS_LEVEL = 5

#: Cards larger than this many pixels are left as they are (a 4096x4096 card is the settings'
#: limit; nothing a page names can make the renderer exceed it, this is a second guard).
_MAX_PIXELS = 4096 * 4096


@dataclass(frozen=True)
class Optimized:
    """The outcome of :func:`optimize_png`.

    Attributes:
        data: The card's bytes (the original ones when nothing smaller was found).
        method: ``"palette"``, ``"lossless"`` or ``"original"`` (what ``data`` is).
        psnr_db: PSNR of a palette card against the original (``inf`` when lossless).
    """

    data: bytes
    method: Literal["palette", "lossless", "original"]
    psnr_db: float = math.inf


def optimize_png(data: bytes, mode: PngOptimize = "palette") -> Optimized:
    """A smaller PNG with the same look as ``data`` (see the module docstring).

    Args:
        data: A PNG image. Anything else (JPEG, WebP, damaged bytes) is returned unchanged.
        mode: ``palette``, ``lossless`` or ``off``.

    Returns:
        The smallest acceptable encoding; never larger than ``data``.
    """
    if mode == "off" or not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return Optimized(data, "original")
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as opened:
            if opened.width * opened.height > _MAX_PIXELS or getattr(opened, "is_animated", False):
                return Optimized(data, "original")
            image = _flatten(opened)
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
        return Optimized(data, "original")  # not ours to judge: the caller checks the bytes
    best = Optimized(data, "original")
    if mode == "palette":
        exact = _exact_palette(image)
        if exact is not None:
            return _smaller(best, Optimized(_encode(exact), "palette"))
        # The octree is fast; max-coverage is 8x slower but keeps smooth gradients a few dB
        # better, which rescues designs the octree leaves just under the floor.
        for method in (Image.Quantize.FASTOCTREE, Image.Quantize.MAXCOVERAGE):
            if method == Image.Quantize.MAXCOVERAGE and image.mode != "RGB":
                break  # max-coverage cannot quantise an alpha channel
            quantised = image.quantize(256, method=method, dither=Image.Dither.NONE)
            psnr = psnr_db(image, quantised.convert(image.mode))
            if psnr >= MIN_PSNR_DB:
                return _smaller(best, Optimized(_encode(quantised), "palette", psnr))
    return _smaller(best, Optimized(_encode(image), "lossless"))


def _flatten(image: Image.Image) -> Image.Image:
    """RGB, or RGBA when the card really has transparency (screenshots are often RGBA with
    every pixel opaque: the alpha channel then only costs bytes)."""
    image.load()
    if image.mode == "RGBA":
        low, _high = image.getchannel("A").getextrema()
        if low == 255:
            return image.convert("RGB")
        return image
    if image.mode in ("RGB", "L"):
        return image
    alpha = "A" in image.getbands() or "transparency" in image.info
    return image.convert("RGBA" if alpha else "RGB")


def _exact_palette(image: Image.Image) -> Image.Image | None:
    """The image as a palette image without loss, when it has 256 colours or fewer."""
    if image.mode != "RGB" or image.getcolors(256) is None:
        return None
    # With no more colours than palette entries, the octree keeps every colour exactly.
    from PIL import Image

    return image.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)


def _encode(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=_COMPRESS_LEVEL, optimize=False)
    return buffer.getvalue()


def _smaller(current: Optimized, candidate: Optimized) -> Optimized:
    return candidate if len(candidate.data) < len(current.data) else current


def psnr_db(original: Image.Image, other: Image.Image) -> float:
    """Peak signal-to-noise ratio of ``other`` against ``original`` over every channel, in dB.

    Computed from the histogram of absolute differences, so it needs no array library: the
    mean squared error is the sum of ``count * difference**2`` over the histogram.

    Raises:
        ValueError: When the two images differ in size or mode.
    """
    from PIL import ImageChops

    if original.size != other.size or original.mode != other.mode:
        raise ValueError("psnr_db needs two images of the same size and mode")
    histogram = ImageChops.difference(original, other).histogram()
    squares = sum(count * (index % 256) ** 2 for index, count in enumerate(histogram) if count)
    samples = original.width * original.height * len(original.getbands())
    if squares == 0 or samples == 0:
        return math.inf
    return 10 * math.log10(255**2 * samples / squares)
