"""The GIF, PDF, canvas and agent-screenshot part of the OpenAPI document (see `openapi`)."""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel

from pictify_ssg.local.openapi import (
    _BOOL,
    _INT,
    _STR,
    Schema,
    _json,
    _object,
    _operation,
    _path_param,
    _query_int,
    _ref,
)
from pictify_ssg.local.schemas_media import (
    AgentScreenshotRequest,
    CanvasRequest,
    GifCaptureRequest,
    GifRequest,
    PdfMultiPageRequest,
    PdfRenderRequest,
)

REQUEST_MODELS: Final[tuple[type[BaseModel], ...]] = (
    GifRequest,
    GifCaptureRequest,
    PdfRenderRequest,
    PdfMultiPageRequest,
    CanvasRequest,
    AgentScreenshotRequest,
)

_NUMBER: Final[Schema] = {"type": "number"}
_PAGINATION: Final[Schema] = _object(
    {"total": _INT, "limit": _INT, "offset": _INT, "hasMore": _BOOL}
)

RESPONSE_SCHEMAS: Final[dict[str, Schema]] = {
    "Gif": _object(
        {"uid": _STR, "url": _STR, "width": _INT, "height": _INT, "animationLength": _NUMBER},
        {
            "framesPerSecond": _NUMBER,
            "frameCount": _INT,
            "frameDurationSeconds": _NUMBER,
            "quality": _STR,
            "format": _STR,
            "size": _INT,
            "createdAt": _STR,
            "templateUid": _STR,
        },
    ),
    "GifCreated": _object(
        {"gif": _ref("Gif"), "_meta": _object({"processingTime": _INT})},
        {"metadata": {"type": "object"}},
    ),
    "GifEnvelope": _object({"gif": _ref("Gif")}),
    "GifPage": _object(
        {"gifs": {"type": "array", "items": _ref("Gif")}, "pagination": _PAGINATION}
    ),
    "Pdf": _object(
        {
            "id": _STR,
            "url": _STR,
            "pageCount": _INT,
            "preset": _STR,
            "pageSize": _object({"width": _INT, "height": _INT}),
            "createdAt": _STR,
        },
        {"size": _INT, "templateUid": _STR, "success": {"const": True}},
    ),
    "PdfEnvelope": _object({"pdf": _ref("Pdf")}),
    "PdfPage": _object(
        {"pdfs": {"type": "array", "items": _ref("Pdf")}, "pagination": _PAGINATION}
    ),
    "PdfPresets": _object(
        {
            "presets": {
                "type": "array",
                "items": _object({"name": _STR, "width": _INT, "height": _INT, "unit": _STR}),
            }
        }
    ),
}

NOT_IMPLEMENTED: Final = (
    "`AGENT_SCREENSHOT_UNSUPPORTED`: agent screenshots need the hosted API's browsing agent; "
    "the local server validates the body, then always answers 501."
)


def paths() -> dict[str, Schema]:
    """The media operations, keyed by path."""
    uid = _path_param("uid")
    page = [_query_int("limit", 30, 1, 100), _query_int("offset", 0, 0)]
    return {
        "/gif": {
            "get": _operation(
                "List GIFs",
                ("200", _json(_ref("GifPage"), "One page of GIFs.")),
                params=page,
                errors=("422",),
            ),
            "post": _operation(
                "Record the CSS animations of HTML, a URL or a template as a GIF",
                ("200", _json(_ref("GifCreated"), "The GIF (animationLength in ms).")),
                body=("GifRequest", True),
            ),
        },
        "/gif/capture": {
            "post": _operation(
                "Film a live page for frameDurationSeconds seconds",
                ("200", _json(_ref("GifCreated"), "The GIF (animationLength in s).")),
                body=("GifCaptureRequest", True),
            )
        },
        "/gif/{uid}": {
            "get": _operation(
                "Get a GIF record", ("200", _json(_ref("GifEnvelope"), "The GIF.")), params=[uid]
            )
        },
        "/pdf/render": {
            "post": _operation(
                "Print a template to PDF",
                ("200", _json(_ref("Pdf"), "The PDF.")),
                body=("PdfRenderRequest", True),
            )
        },
        "/pdf/multi-page": {
            "post": _operation(
                "Print a template once per variable set, one page each",
                ("200", _json(_ref("Pdf"), "The PDF.")),
                body=("PdfMultiPageRequest", True),
            )
        },
        "/pdf/presets": {
            "get": _operation(
                "Paper presets (portrait, in points)",
                ("200", _json(_ref("PdfPresets"), "The presets.")),
            )
        },
        "/pdf": {
            "get": _operation(
                "List PDFs",
                ("200", _json(_ref("PdfPage"), "One page of PDFs.")),
                params=page,
                errors=("422",),
            )
        },
        "/pdf/{uid}": {
            "get": _operation(
                "Get a PDF record", ("200", _json(_ref("PdfEnvelope"), "The PDF.")), params=[uid]
            )
        },
        "/image/canvas": {
            "post": _operation(
                "Render FabricJS JSON to an image",
                ("200", _json(_ref("Image"), "The rendered image.")),
                body=("CanvasRequest", True),
            )
        },
        "/image/agent-screenshot": {
            "post": _operation(
                "Agent screenshot (not available locally)",
                ("501", _json(_ref("Error"), NOT_IMPLEMENTED)),
                body=("AgentScreenshotRequest", True),
            )
        },
    }
