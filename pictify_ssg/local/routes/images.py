"""``/image``: render HTML, a URL or a saved template to one image; list and get images."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from pictify_ssg.local.errors import not_found
from pictify_ssg.local.publish import produce
from pictify_ssg.local.queries import int_param
from pictify_ssg.local.renderer import RenderJob
from pictify_ssg.local.routes.templates import load_template
from pictify_ssg.local.schemas import ImageRequest, parse_body
from pictify_ssg.local.state import get_state
from pictify_ssg.local.templates import fill

_PUBLIC_FIELDS = ("id", "url", "width", "height", "format", "size", "createdAt", "templateUid")


async def create(request: Request) -> JSONResponse:
    """``POST /image`` -> ``{url, id, createdAt, width, height, format}``."""
    state = get_state(request)
    body = await parse_body(request, ImageRequest)
    width, height, html, extra = body.width, body.height, body.html, {"source": "html"}
    javascript = True
    if body.template is not None:
        doc = load_template(state, body.template)
        sized = {"width", "height"} & body.model_fields_set
        filled = fill(
            doc,
            body.variables,
            width=body.width if "width" in sized else None,
            height=body.height if "height" in sized else None,
        )
        width, height, html = filled.width, filled.height, filled.html
        javascript = bool(doc.get("jsEnabled"))
        extra = {"source": "template", "templateUid": doc["uid"]}
    elif body.url is not None:
        extra = {"source": "url"}
    job = RenderJob(
        width=width,
        height=height,
        format=body.output_format,
        html=html,
        url=body.url,
        selector=body.selector,
        # A template's own jsEnabled decides; raw HTML and URL screenshots keep scripts on, as
        # the hosted API documents nothing else for them (network isolation still applies).
        javascript=javascript,
    )
    label = body.file_extension.lower() if body.output_format != "png" else "png"
    record = await produce(state, job, format_label=label, request=request, extra=extra)
    return JSONResponse(_public(record))


async def list_images(request: Request) -> JSONResponse:
    """``GET /image?limit=&offset=`` -> ``{images, pagination}``."""
    state = get_state(request)
    limit = int_param(request, "limit", 30, minimum=1, maximum=100)
    offset = int_param(request, "offset", 0, minimum=0)
    docs = state.storage.all("image")
    chunk = docs[offset : offset + limit]
    return JSONResponse(
        {
            "images": [_public(d) for d in chunk],
            "pagination": {
                "total": len(docs),
                "limit": limit,
                "offset": offset,
                "hasMore": offset + len(chunk) < len(docs),
            },
        }
    )


async def get(request: Request) -> JSONResponse:
    """``GET /image/{uid}`` -> ``{image}``."""
    doc = get_state(request).storage.get("image", request.path_params["uid"])
    if doc is None:
        raise not_found("Image", "IMAGE_NOT_FOUND")
    return JSONResponse({"image": _public(doc)})


def _public(record: dict[str, object]) -> dict[str, object]:
    return {key: record[key] for key in _PUBLIC_FIELDS if key in record}


ROUTES = [
    Route("/image", create, methods=["POST"]),
    Route("/image", list_images, methods=["GET"]),
    Route("/image/{uid}", get, methods=["GET"]),
]
