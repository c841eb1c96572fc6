"""``/image/canvas`` (FabricJS JSON to an image) and ``/image/agent-screenshot`` (refused)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from pictify_ssg.local.api_errors import ApiError, invalid_field
from pictify_ssg.local.canvas_html import CanvasError, canvas_document
from pictify_ssg.local.render_records import produce
from pictify_ssg.local.renderer import RenderJob
from pictify_ssg.local.routes.images import public_image
from pictify_ssg.local.schemas import parse_body
from pictify_ssg.local.schemas_media import AgentScreenshotRequest, CanvasRequest
from pictify_ssg.local.state import get_state

AGENT_SCREENSHOT_UNSUPPORTED = "AGENT_SCREENSHOT_UNSUPPORTED"


async def canvas(request: Request) -> JSONResponse:
    """``POST /image/canvas`` -> the image, as ``POST /image`` answers."""
    state = get_state(request)
    body = await parse_body(request, CanvasRequest)
    defaults = {d.name: d.default_value for d in body.variable_definitions or []}
    try:
        document = canvas_document(
            body.fabric_js_data, defaults | body.variables, width=body.width, height=body.height
        )
    except CanvasError as exc:
        raise invalid_field(exc.field, exc.message, "CANVAS_UNSUPPORTED") from None
    # Checked up front so a refused image is an error naming it, not a blank spot.
    for field, url in document.image_urls:
        refusal = await state.renderer.policy.check_card_resource(url)
        if refusal is not None:
            raise invalid_field(field, f"cannot load {url}: {refusal}", "URL_NOT_ALLOWED")
    job = RenderJob(
        width=document.width,
        height=document.height,
        format=body.output_format,
        html=document.html,
        javascript=False,  # the document is ours; nothing in it needs scripts
    )
    label = body.file_extension.lower() if body.output_format != "png" else "png"
    record = await produce(
        state, job, format_label=label, request=request, extra={"source": "canvas"}
    )
    return JSONResponse(public_image(record))


async def agent_screenshot(request: Request) -> JSONResponse:
    """``POST /image/agent-screenshot``: 501, no browsing agent runs locally."""
    await parse_body(request, AgentScreenshotRequest)
    raise ApiError(
        501,
        "Agent screenshots need the hosted Pictify API (a browsing agent picks the element); "
        "the local server does not run one. Use POST /image with url and selector instead.",
        AGENT_SCREENSHOT_UNSUPPORTED,
        # The same answer every time: a retry cannot help.
        extra={"retriable": False},
    )


ROUTES = [
    Route("/image/canvas", canvas, methods=["POST"]),
    Route("/image/agent-screenshot", agent_screenshot, methods=["POST"]),
]
