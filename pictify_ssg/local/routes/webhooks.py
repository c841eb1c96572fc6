"""``/webhook-subscriptions``: CRUD, pause and resume (wire notes §6.15).

Every subscription belongs to the API key that created it: other keys get 404 for it and never
see it listed. Its ``secret`` is in the 201 of the create and nowhere else.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from pictify_ssg.local.api_errors import invalid_field
from pictify_ssg.local.ids import now_iso
from pictify_ssg.local.outbound_policy import OutboundPolicy
from pictify_ssg.local.page_pagination import page_of
from pictify_ssg.local.schemas import parse_body
from pictify_ssg.local.schemas_integrations import SubscriptionCreate, SubscriptionUpdate
from pictify_ssg.local.state import ServerState, get_state, request_account
from pictify_ssg.local.subscriptions import load, new_subscription, public

_STATUSES = ("active", "paused", "failed")


def _policy(state: ServerState) -> OutboundPolicy:
    return OutboundPolicy(state.options.outbound_hosts)


async def list_subscriptions(request: Request) -> JSONResponse:
    """``GET /webhook-subscriptions?event=&status=&platform=&page=&limit=``."""
    state = get_state(request)
    account = request_account(request)
    query = request.query_params
    status = query.get("status")
    if status and status not in _STATUSES:
        raise invalid_field("status", f"must be one of {', '.join(_STATUSES)}")
    docs = [
        public(doc)
        for doc in state.storage.all("subscription")
        if doc.get("account") == account
        and all(
            not query.get(name) or doc.get(name) == query[name]
            for name in ("event", "status", "platform")
        )
    ]
    return JSONResponse(page_of(request, docs, "subscriptions", default_limit=20))


async def create(request: Request) -> JSONResponse:
    """``POST /webhook-subscriptions`` -> 201 ``{subscription}`` with its ``secret``."""
    state = get_state(request)
    body = await parse_body(request, SubscriptionCreate)
    _policy(state).require("targetUrl", body.target_url)
    doc = new_subscription(body, request_account(request))
    state.storage.put("subscription", doc["uid"], doc, doc["createdAt"])
    return JSONResponse({"subscription": {**public(doc), "secret": doc["secret"]}}, 201)


async def get(request: Request) -> JSONResponse:
    """``GET /webhook-subscriptions/{uid}``."""
    state = get_state(request)
    doc = load(state.storage, request.path_params["uid"], request_account(request))
    return JSONResponse({"subscription": public(doc)})


async def update(request: Request) -> JSONResponse:
    """``PUT /webhook-subscriptions/{uid}`` (partial: ``targetUrl``, ``filters``, ``status``)."""
    state = get_state(request)
    body = await parse_body(request, SubscriptionUpdate)
    if body.target_url is not None:
        _policy(state).require("targetUrl", body.target_url)
    # Loaded after the body is read (no await until it is stored), so a delivery's counters
    # written meanwhile are not overwritten.
    doc = load(state.storage, request.path_params["uid"], request_account(request))
    if body.target_url is not None:
        doc["targetUrl"] = body.target_url
    if body.filters is not None:
        doc["filters"] = body.filters.model_dump(by_alias=True, exclude_none=True)
    if body.status is not None:
        _set_status(doc, body.status)
    doc["updatedAt"] = now_iso()
    state.storage.put("subscription", doc["uid"], doc, doc["createdAt"])
    return JSONResponse({"subscription": public(doc)})


async def delete(request: Request) -> JSONResponse:
    """``DELETE /webhook-subscriptions/{uid}`` -> ``{deleted: true}``."""
    state = get_state(request)
    doc = load(state.storage, request.path_params["uid"], request_account(request))
    state.storage.delete("subscription", doc["uid"])
    return JSONResponse({"deleted": True, "message": "Webhook subscription deleted"})


async def pause(request: Request) -> JSONResponse:
    """``POST /webhook-subscriptions/{uid}/pause``."""
    return _switch(request, "paused")


async def resume(request: Request) -> JSONResponse:
    """``POST /webhook-subscriptions/{uid}/resume`` (also revives a ``failed`` one)."""
    return _switch(request, "active")


def _switch(request: Request, status: str) -> JSONResponse:
    state = get_state(request)
    doc = load(state.storage, request.path_params["uid"], request_account(request))
    _set_status(doc, status)
    doc["updatedAt"] = now_iso()
    state.storage.put("subscription", doc["uid"], doc, doc["createdAt"])
    return JSONResponse({"subscription": public(doc)})


def _set_status(doc: dict[str, object], status: str) -> None:
    if status == "active":
        # A fresh start: the failures that marked it failed no longer count.
        doc["consecutiveFailures"] = 0
    doc["status"] = status


ROUTES = [
    Route("/webhook-subscriptions", list_subscriptions, methods=["GET"]),
    Route("/webhook-subscriptions", create, methods=["POST"]),
    Route("/webhook-subscriptions/{uid}", get, methods=["GET"]),
    Route("/webhook-subscriptions/{uid}", update, methods=["PUT"]),
    Route("/webhook-subscriptions/{uid}", delete, methods=["DELETE"]),
    Route("/webhook-subscriptions/{uid}/pause", pause, methods=["POST"]),
    Route("/webhook-subscriptions/{uid}/resume", resume, methods=["POST"]),
]
