"""``/image``: render HTML, a URL or a saved template to one image; list and get images."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from pictify_ssg.local.render_lists import offset_page, one_record, pick
from pictify_ssg.local.render_records import produce
from pictify_ssg.local.renderer import RenderJob
from pictify_ssg.local.schemas import ImageRequest, parse_body
from pictify_ssg.local.sources import resolve_source
from pictify_ssg.local.state import get_state

_PUBLIC_FIELDS = ("id", "url", "width", "height", "format", "size", "createdAt", "templateUid")


async def create(request: Request) -> JSONResponse:
    """``POST /image`` -> ``{url, id, createdAt, width, height, format}``."""
    state = get_state(request)
    body = await parse_body(request, ImageRequest)
    source = resolve_source(state, body, body.width, body.height)
    job = RenderJob(
        width=source.width,
        height=source.height,
        format=body.output_format,
        html=source.html,
        url=source.url,
        selector=body.selector,
        javascript=source.javascript,
    )
    label = body.file_extension.lower() if body.output_format != "png" else "png"
    record = await produce(state, job, format_label=label, request=request, extra=source.extra)
    return JSONResponse(public_image(record))


async def list_images(request: Request) -> JSONResponse:
    """``GET /image?limit=&offset=`` -> ``{images, pagination}``."""
    return offset_page(request, "image", "images", public_image)


async def get(request: Request) -> JSONResponse:
    """``GET /image/{uid}`` -> ``{image}``."""
    return one_record(request, "image", public_image, what="Image")


def public_image(record: dict[str, Any]) -> dict[str, Any]:
    """The wire form of an image record (stored bookkeeping fields left out)."""
    return pick(record, _PUBLIC_FIELDS)


ROUTES = [
    Route("/image", create, methods=["POST"]),
    Route("/image", list_images, methods=["GET"]),
    Route("/image/{uid}", get, methods=["GET"]),
]
