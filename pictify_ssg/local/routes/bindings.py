"""``/bindings``: CRUD, pause, resume, refresh (wire notes §6.16), and ``/b/<uid>.<ext>``.

Bindings belong to the API key that created them, like webhook subscriptions. Their image URL
``/b/<uid>.<ext>`` needs no key (like a file URL) and always shows the current image.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from pictify_ssg.local.api_errors import invalid_field, not_found
from pictify_ssg.local.bindings import EXTENSIONS, BindingManager
from pictify_ssg.local.page_pagination import page_of
from pictify_ssg.local.routes.templates import load_template
from pictify_ssg.local.schemas import parse_body
from pictify_ssg.local.schemas_integrations import BindingCreate, BindingUpdate, DataSource
from pictify_ssg.local.state import get_state, request_account
from pictify_ssg.local.storage import CONTENT_TYPES

_STATUSES = ("active", "paused", "error")


def _manager(request: Request) -> BindingManager:
    return get_state(request).bindings


def _load(request: Request) -> dict[str, object]:
    doc = get_state(request).storage.get("binding", request.path_params["uid"])
    if doc is None or doc.get("account") != request_account(request):
        raise not_found("Binding", "BINDING_NOT_FOUND")
    return doc


def _check_source(manager: BindingManager, source: DataSource | None) -> None:
    if source is not None and source.type == "http" and source.url is not None:
        manager.policy.require("dataSource.url", source.url)


async def list_bindings(request: Request) -> JSONResponse:
    """``GET /bindings?templateId=&status=&page=&limit=``."""
    manager = _manager(request)
    account = request_account(request)
    template, status = request.query_params.get("templateId"), request.query_params.get("status")
    if status and status not in _STATUSES:
        raise invalid_field("status", f"must be one of {', '.join(_STATUSES)}")
    docs = [
        manager.public(doc)
        for doc in get_state(request).storage.all("binding")
        if doc.get("account") == account
        and (not template or doc.get("templateId") == template)
        and (not status or doc.get("status") == status)
    ]
    return JSONResponse(page_of(request, docs, "bindings", default_limit=20))


async def create(request: Request) -> JSONResponse:
    """``POST /bindings`` -> 201 ``{binding}``, rendered once already."""
    state = get_state(request)
    manager = _manager(request)
    body = await parse_body(request, BindingCreate)
    _check_source(manager, body.data_source)
    load_template(state, body.template_id)
    doc = manager.new(body, request_account(request))
    manager.save(doc)
    refreshed = await manager.refresh(doc["uid"])
    return JSONResponse({"binding": manager.public(refreshed)}, 201)


async def get(request: Request) -> JSONResponse:
    """``GET /bindings/{uid}``."""
    return JSONResponse({"binding": _manager(request).public(_load(request))})


async def update(request: Request) -> JSONResponse:
    """``PUT /bindings/{uid}`` (partial); the image is rendered again on its next request."""
    manager = _manager(request)
    body = await parse_body(request, BindingUpdate)
    _check_source(manager, body.data_source)
    doc = _load(request)
    manager.update(doc, body)
    manager.save(doc)
    return JSONResponse({"binding": manager.public(doc)})


async def delete(request: Request) -> JSONResponse:
    """``DELETE /bindings/{uid}`` (its rendered images expire with retention)."""
    doc = _load(request)
    get_state(request).storage.delete("binding", str(doc["uid"]))
    _manager(request).forget(str(doc["uid"]))
    return JSONResponse({"deleted": True, "message": "Binding deleted"})


async def pause(request: Request) -> JSONResponse:
    """``POST /bindings/{uid}/pause``: keep serving the last image, fetch nothing."""
    return _switch(request, "paused")


async def resume(request: Request) -> JSONResponse:
    """``POST /bindings/{uid}/resume``."""
    return _switch(request, "active")


def _switch(request: Request, status: str) -> JSONResponse:
    manager = _manager(request)
    doc = _load(request)
    manager.set_status(doc, status)
    manager.save(doc)
    return JSONResponse({"binding": manager.public(doc)})


async def refresh(request: Request) -> JSONResponse:
    """``POST /bindings/{uid}/refresh``: fetch and render now (also when paused).

    Answers ``{status: "refreshed" | "failed", renderUrl, imageUrl, binding}``; a failing
    source is not an error of this request, so it is a 200 whose ``binding.lastError`` says
    what went wrong.
    """
    manager = _manager(request)
    doc = _load(request)
    refreshed = await manager.refresh(str(doc["uid"]))
    view = manager.public(refreshed)
    failed = refreshed.get("failureCount", 0) > 0
    return JSONResponse(
        {
            "status": "failed" if failed else "refreshed",
            "renderUrl": view["renderUrl"],
            "imageUrl": view["renderUrl"],
            "binding": view,
        }
    )


async def serve(request: Request) -> Response:
    """``GET /b/<uid>.<ext>``: the binding's current image (no key needed)."""
    uid, _, ext = request.path_params["name"].rpartition(".")
    if not uid or ext not in EXTENSIONS.values():
        raise not_found("Binding", "BINDING_NOT_FOUND")
    _, path = await _manager(request).image(uid)
    return FileResponse(
        path,
        media_type=CONTENT_TYPES[path.suffix.lstrip(".")],
        # The same URL shows a new image after each refresh: caches must ask again.
        headers={"Cache-Control": "no-cache"},
    )


ROUTES = [
    Route("/bindings", list_bindings, methods=["GET"]),
    Route("/bindings", create, methods=["POST"]),
    Route("/bindings/{uid}", get, methods=["GET"]),
    Route("/bindings/{uid}", update, methods=["PUT"]),
    Route("/bindings/{uid}", delete, methods=["DELETE"]),
    Route("/bindings/{uid}/pause", pause, methods=["POST"]),
    Route("/bindings/{uid}/resume", resume, methods=["POST"]),
    Route("/bindings/{uid}/refresh", refresh, methods=["POST"]),
    Route("/b/{name}", serve, methods=["GET", "HEAD"]),
]
