"""``/gif``: animated GIFs from HTML, a URL or a template, films of live pages; list and get."""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from pictify_ssg.local.gif_frames import SEEK_BUDGET_S, LiveRecorder, SeekRecorder
from pictify_ssg.local.render_lists import offset_page, one_record, pick
from pictify_ssg.local.render_records import produce
from pictify_ssg.local.renderer import RenderJob
from pictify_ssg.local.schemas import parse_body
from pictify_ssg.local.schemas_media import GifCaptureRequest, GifRequest
from pictify_ssg.local.sources import resolve_source
from pictify_ssg.local.state import get_state

_PUBLIC_FIELDS = (
    "uid",
    "url",
    "width",
    "height",
    "animationLength",
    "framesPerSecond",
    "frameCount",
    "frameDurationSeconds",
    "quality",
    "format",
    "size",
    "createdAt",
    "templateUid",
)

LIVE_BUDGET_S = 30.0
"""Render budget on top of the filming time: encoding the frames."""


async def create(request: Request) -> JSONResponse:
    """``POST /gif`` -> ``{gif: {url, uid, width, height, animationLength (ms)...}, _meta}``."""
    started = time.monotonic()
    state = get_state(request)
    body = await parse_body(request, GifRequest)
    source = resolve_source(state, body, body.width, body.height)
    recorder = SeekRecorder(body.quality, body.frames_per_second)
    job = RenderJob(
        width=source.width,
        height=source.height,
        format="gif",
        html=source.html,
        url=source.url,
        selector=body.selector,
        javascript=source.javascript,
        capture=recorder,
        extra_budget_s=SEEK_BUDGET_S,
    )
    record = await _store(request, job, body.quality, source.extra, recorder)
    return JSONResponse({"gif": _public(record), "_meta": _meta(started)})


async def capture(request: Request) -> JSONResponse:
    """``POST /gif/capture``: film ``url`` for ``frameDurationSeconds`` s; length in seconds."""
    started = time.monotonic()
    body = await parse_body(request, GifCaptureRequest)
    seconds = body.frame_duration_seconds
    recorder = LiveRecorder(seconds, body.quality)
    job = RenderJob(
        width=body.width,
        height=body.height,
        format="gif",
        url=body.url,
        javascript=True,
        capture=recorder,
        extra_budget_s=seconds + LIVE_BUDGET_S,
    )
    record = await _store(
        request,
        job,
        body.quality,
        {"source": "capture", "frameDurationSeconds": seconds},
        recorder,
        seconds=True,
    )
    gif = _public(record)
    metadata = {
        key: gif[key]
        for key in ("width", "height", "framesPerSecond", "frameCount", "animationLength")
    }
    metadata |= {"frameDurationSeconds": seconds, "quality": body.quality, "uid": gif["uid"]}
    return JSONResponse({"gif": gif, "metadata": metadata, "_meta": _meta(started)})


async def _store(
    request: Request,
    job: RenderJob,
    quality: str,
    extra: dict[str, Any],
    recorder: SeekRecorder | LiveRecorder,
    *,
    seconds: bool = False,
) -> dict[str, Any]:
    """Render ``job`` and store its record with what the recorder measured.

    ``animationLength`` is milliseconds for ``POST /gif`` and seconds (``seconds=True``) for
    ``/gif/capture``, as on the hosted API (wire notes, conflict C15).
    """
    state = get_state(request)
    record = await produce(state, job, request=request, extra=extra, kind="gif")
    # Stored again: what the recording measured is known only once the render is done.
    took = recorder.recording
    length = took.length_ms / 1000 if seconds else round(took.length_ms)
    record |= {
        "uid": record["id"],
        "animationLength": length,
        "framesPerSecond": round(took.fps, 2),
        "frameCount": took.frame_count,
        "quality": quality,
    }
    state.storage.put("gif", record["id"], record, record["createdAt"])
    return record


async def list_gifs(request: Request) -> JSONResponse:
    """``GET /gif?limit=&offset=`` -> ``{gifs, pagination}``."""
    return offset_page(request, "gif", "gifs", _public)


async def get(request: Request) -> JSONResponse:
    """``GET /gif/{uid}`` -> ``{gif}``."""
    return one_record(request, "gif", _public, what="GIF")


def _public(record: dict[str, Any]) -> dict[str, Any]:
    return pick(record, _PUBLIC_FIELDS)


def _meta(started: float) -> dict[str, int]:
    return {"processingTime": round((time.monotonic() - started) * 1000)}


ROUTES = [
    Route("/gif", create, methods=["POST"]),
    Route("/gif", list_gifs, methods=["GET"]),
    Route("/gif/capture", capture, methods=["POST"]),
    Route("/gif/{uid}", get, methods=["GET"]),
]
