"""``/templates``: CRUD, variables and synchronous renders."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from pictify_ssg.local.api_errors import ApiError, not_found
from pictify_ssg.local.page_pagination import page_of
from pictify_ssg.local.pdf_renders import template_pdf
from pictify_ssg.local.render_records import produce
from pictify_ssg.local.renderer import RenderJob
from pictify_ssg.local.schemas import RenderRequest, TemplateCreate, TemplateUpdate, parse_body
from pictify_ssg.local.state import ServerState, get_state
from pictify_ssg.local.template_documents import (
    FilledTemplate,
    create_template,
    fill,
    layout_names,
    requested_layouts,
    update_template,
)

_SORTS = {"newest", "oldest", "name"}


def load_template(state: ServerState, uid: str) -> dict[str, Any]:
    """A stored template, or a 404 naming the uid."""
    doc = state.storage.get("template", uid)
    if doc is None:
        raise not_found("Template", "TEMPLATE_NOT_FOUND")
    return doc


async def list_templates(request: Request) -> JSONResponse:
    """``GET /templates?page=&limit=&sort=&outputFormat=``."""
    state = get_state(request)
    sort = request.query_params.get("sort", "newest")
    if sort not in _SORTS:
        raise ApiError(422, f"sort must be one of {sorted(_SORTS)}", "VALIDATION_ERROR", errors=[])
    docs = state.storage.all("template")
    wanted = request.query_params.get("outputFormat", "all")
    if wanted not in ("all", ""):
        docs = [d for d in docs if d.get("outputFormat") == wanted]
    if sort == "oldest":
        docs.reverse()
    elif sort == "name":
        docs.sort(key=lambda d: str(d.get("name", "")).lower())
    return JSONResponse(page_of(request, docs, "templates", default_limit=12))


async def create(request: Request) -> JSONResponse:
    """``POST /templates`` -> ``{template, addedVariables}``."""
    state = get_state(request)
    body = await parse_body(request, TemplateCreate)
    doc, added = create_template(body)
    state.storage.put("template", doc["uid"], doc, doc["createdAt"])
    return JSONResponse({"template": doc, "addedVariables": added})


async def get(request: Request) -> JSONResponse:
    """``GET /templates/{uid}``."""
    doc = load_template(get_state(request), request.path_params["uid"])
    return JSONResponse({"template": doc})


async def update(request: Request) -> JSONResponse:
    """``PUT /templates/{uid}`` (partial)."""
    state = get_state(request)
    doc = load_template(state, request.path_params["uid"])
    body = await parse_body(request, TemplateUpdate)
    updated, added = update_template(doc, body)
    state.storage.put("template", updated["uid"], updated, updated["createdAt"])
    return JSONResponse({"template": updated, "addedVariables": added})


async def delete(request: Request) -> JSONResponse:
    """``DELETE /templates/{uid}``."""
    state = get_state(request)
    if not state.storage.delete("template", request.path_params["uid"]):
        raise not_found("Template", "TEMPLATE_NOT_FOUND")
    return JSONResponse({"message": "Template deleted successfully"})


async def variables(request: Request) -> JSONResponse:
    """``GET /templates/{uid}/variables``."""
    doc = load_template(get_state(request), request.path_params["uid"])
    return JSONResponse(
        {
            "templateUid": doc["uid"],
            "templateName": doc["name"],
            "variables": doc["variableDefinitions"],
        }
    )


async def render(request: Request) -> JSONResponse:
    """``POST /templates/{uid}/render`` -> the ``results[]`` envelope."""
    state = get_state(request)
    doc = load_template(state, request.path_params["uid"])
    body = await parse_body(request, RenderRequest)
    # An unknown single `layout` is a 422, not the silent fallback to the base layout (with an
    # X-Layout-Fallback header) that a hosted-API design note describes: a card in the wrong
    # size is worse than an error, and `layouts` is checked the same way.
    requested = requested_layouts(doc, body.layout, body.layouts, partial=True)
    known = layout_names(doc)
    errors = [{"layout": key, "error": "Layout not found"} for key in requested if key not in known]
    filled = [
        fill(doc, body.variables, layout=key, width=body.width, height=body.height)
        for key in requested
        if key in known
    ]
    if body.format == "pdf":
        records = await asyncio.gather(
            *(template_pdf(state, request, doc, body, item) for item in filled)
        )
    else:
        records = await asyncio.gather(
            *(_image(state, request, doc, body, item) for item in filled)
        )
    results = [
        {
            "layout": item.layout,
            "name": item.name,
            "url": record["url"],
            "width": record["width"],
            "height": record["height"],
            "format": body.format,
            "id": record["id"],
            "createdAt": record["createdAt"],
            **({"pageCount": record["pageCount"]} if "pageCount" in record else {}),
        }
        for item, record in zip(filled, records, strict=True)
    ]
    return JSONResponse(
        {
            "results": results,
            "errors": errors,
            "totalLayouts": len(requested),
            "totalRendered": len(results),
            "totalErrors": len(errors),
            "templateUid": doc["uid"],
        },
    )


async def _image(
    state: ServerState,
    request: Request,
    doc: dict[str, Any],
    body: RenderRequest,
    item: FilledTemplate,
) -> dict[str, Any]:
    fmt = "jpeg" if body.format in ("jpg", "jpeg") else body.format
    return await produce(
        state,
        RenderJob(
            width=item.width,
            height=item.height,
            format=fmt,  # type: ignore[arg-type]
            html=item.html,
            quality=body.quality,
            javascript=bool(doc.get("jsEnabled")),
            label=doc.get("name") or doc["uid"],
        ),
        format_label=body.format,
        request=request,
        extra={"templateUid": doc["uid"], "source": "template", "layout": item.layout},
    )


ROUTES = [
    Route("/templates", list_templates, methods=["GET"]),
    Route("/templates", create, methods=["POST"]),
    Route("/templates/{uid}", get, methods=["GET"]),
    Route("/templates/{uid}", update, methods=["PUT"]),
    Route("/templates/{uid}", delete, methods=["DELETE"]),
    Route("/templates/{uid}/variables", variables, methods=["GET"]),
    Route("/templates/{uid}/render", render, methods=["POST"]),
]
