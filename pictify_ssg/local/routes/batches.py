"""Batch renders: submit (202), poll results, cancel."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from pictify_ssg.local.api_errors import not_found
from pictify_ssg.local.batches import BatchManager
from pictify_ssg.local.routes.templates import load_template
from pictify_ssg.local.schemas import BatchRequest, parse_body
from pictify_ssg.local.state import get_state


def _manager(request: Request) -> BatchManager:
    return get_state(request).batches


async def submit(request: Request) -> JSONResponse:
    """``POST /templates/{uid}/batch-render`` -> 202 ``{batchId, status, totalItems}``."""
    state = get_state(request)
    template = load_template(state, request.path_params["uid"])
    body = await parse_body(request, BatchRequest)
    accepted = _manager(request).submit(template, body, request)
    return JSONResponse(accepted, status_code=202)


async def results(request: Request) -> JSONResponse:
    """``GET /templates/batch/{batch_id}/results``."""
    body = _manager(request).results(request.path_params["batch_id"])
    if body is None:
        raise not_found("Batch", "BATCH_NOT_FOUND")
    return JSONResponse(body)


async def cancel(request: Request) -> JSONResponse:
    """``POST /templates/batch/{batch_id}/cancel``."""
    body = _manager(request).cancel(request.path_params["batch_id"])
    if body is None:
        raise not_found("Batch", "BATCH_NOT_FOUND")
    return JSONResponse(body)


ROUTES = [
    # Before /templates/{uid}...: "batch" would otherwise be taken for a template uid.
    Route("/templates/batch/{batch_id}/results", results, methods=["GET"]),
    Route("/templates/batch/{batch_id}/cancel", cancel, methods=["POST"]),
    Route("/templates/{uid}/batch-render", submit, methods=["POST"]),
]
