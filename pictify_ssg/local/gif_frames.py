"""Recording GIF frames in Chromium: by seeking a page's animations, or by filming it live.

``POST /gif`` seeks: every animation of the document (``document.getAnimations()``: CSS
animations, transitions and Web Animations) is paused and moved to each frame's time before its
screenshot. Frames are therefore exact whatever the machine's load, and a 3 s animation does not
need 3 s of wall time; scripts that animate by themselves (``requestAnimationFrame``) are not
seen, as with the hosted API, which times GIFs from CSS animations too.

``POST /gif/capture`` films: screenshots of the live page for the requested time, each frame
shown for as long as it really lasted, so a slow machine yields fewer frames, not a faster film.
"""

from __future__ import annotations

import asyncio
import io
import math
import time
from dataclasses import dataclass
from typing import Literal

from PIL import Image

from pictify_ssg.local.gif_encode import encode_gif, frame_durations
from pictify_ssg.local.renderer import PageHandle, RenderFailure, RenderOutput

GifQuality = Literal["low", "medium", "high"]


@dataclass(frozen=True)
class QualityPreset:
    """Frame rate and palette size of a quality level."""

    fps: int
    colors: int


QUALITY_PRESETS: dict[GifQuality, QualityPreset] = {
    "low": QualityPreset(fps=10, colors=64),
    "medium": QualityPreset(fps=15, colors=128),
    "high": QualityPreset(fps=25, colors=256),
}

MAX_ANIMATION_MS = 10_000
"""Longer (or endless) animations are recorded for this long at most."""

MAX_FRAMES = 250
"""Above this the frame rate is lowered, so a long animation stays a reasonable file."""

SEEK_BUDGET_S = 90.0
"""Render budget on top of loading the page: seeking, screenshots and encoding."""

_ANIMATIONS = """
() => document.getAnimations().map((a) => {
  const t = a.effect ? a.effect.getComputedTiming() : null;
  if (!t || typeof t.duration !== "number") return null;
  return [t.delay || 0, t.duration, t.iterations, t.endDelay || 0];
}).filter((t) => t !== null)
"""
# [delay, duration, iterations, endDelay] per animation; iterations is null for Infinity
# (JSON has no infinity).

_SEEK = """
(t) => {
  for (const a of document.getAnimations()) { a.pause(); a.currentTime = t; }
  return true;
}
"""


def animation_length_ms(timings: list[list[float | None]]) -> float:
    """The time until every animation has ended (one cycle of an endless one), capped."""
    longest = 0.0
    for delay, duration, iterations, end_delay in timings:
        cycles = 1.0 if iterations is None or math.isinf(iterations) else iterations
        total = (delay or 0) + (duration or 0) * cycles + (end_delay or 0)
        longest = max(longest, total)
    return min(longest, MAX_ANIMATION_MS)


@dataclass
class Recording:
    """What a recorder measured, for the response (filled in by the capture)."""

    frame_count: int = 0
    length_ms: float = 0.0
    fps: float = 0.0


class SeekRecorder:
    """A capture for `RenderJob`: frames at fixed times of the document's animations.

    Args:
        quality: Palette size and default frame rate.
        fps: Frame rate asked for (overrides the preset's).
    """

    def __init__(self, quality: GifQuality, fps: int | None = None) -> None:
        self.preset = QUALITY_PRESETS[quality]
        self.fps = fps or self.preset.fps
        self.recording = Recording()

    async def __call__(self, page: PageHandle) -> RenderOutput:
        """Seek, screenshot each frame, encode."""
        length = animation_length_ms(await page.evaluate(_ANIMATIONS))
        if length <= 0:
            raise RenderFailure(
                422,
                "STATIC_SOURCE",
                "Static source: nothing on the page animates (no CSS animation or transition "
                "was found); add an @keyframes animation to record a GIF, or render an image",
            )
        count = max(1, min(MAX_FRAMES, math.ceil(length * self.fps / 1000)))
        times = [index * length / count for index in range(count)]
        frames = []
        for moment in times:
            await page.evaluate(_SEEK, moment)
            frames.append(await page.screenshot())
        self.recording = Recording(count, length, count * 1000 / length)
        return await _encoded(frames, frame_durations(times, length), self.preset.colors)


class LiveRecorder:
    """A capture for `RenderJob`: screenshots of the running page for ``seconds``.

    Args:
        seconds: How long to film.
        quality: Frame rate and palette size.
    """

    def __init__(self, seconds: float, quality: GifQuality) -> None:
        self.seconds = seconds
        self.preset = QUALITY_PRESETS[quality]
        self.recording = Recording()

    async def __call__(self, page: PageHandle) -> RenderOutput:
        """Film, then encode with the frames' real timing."""
        interval = 1.0 / self.preset.fps
        start = time.monotonic()
        frames: list[bytes] = []
        times: list[float] = []
        while True:
            now = time.monotonic() - start
            if now >= self.seconds or len(frames) >= MAX_FRAMES:
                break
            times.append(now * 1000)
            frames.append(await page.screenshot())
            # Wait for the next tick of the frame clock; a slow screenshot skips ticks.
            next_tick = (math.floor((time.monotonic() - start) / interval) + 1) * interval
            await asyncio.sleep(max(0.0, min(next_tick, self.seconds) - (time.monotonic() - start)))
        if not frames:
            raise RenderFailure(422, "NO_FRAMES_CAPTURED", "No frames captured")
        length = self.seconds * 1000
        self.recording = Recording(len(frames), length, len(frames) / self.seconds)
        return await _encoded(frames, frame_durations(times, length), self.preset.colors)


async def _encoded(frames: list[bytes], durations: list[int], colors: int) -> RenderOutput:
    with Image.open(io.BytesIO(frames[0])) as first:
        width, height = first.size
    # Quantising hundreds of frames takes seconds: off the event loop.
    data = await asyncio.to_thread(encode_gif, frames, durations, colors)
    return RenderOutput(data, width, height, "gif")
