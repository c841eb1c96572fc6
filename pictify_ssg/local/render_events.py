"""Announce finished renders to webhook subscriptions (``render.completed`` / ``render.failed``).

Called by `publish.produce`, the one place every render path (``POST /image``, template
renders, batch items, bindings) goes through, so a new render route announces its renders
without code of its own. The ``data`` fields are the union the wire notes (§8) recommend.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request

from pictify_ssg.local.ids import now_iso
from pictify_ssg.local.state import ServerState, request_account

# Image-record fields copied into the event under another name, and those copied as they are.
_RENAMED = {"id": "imageId", "templateUid": "templateId", "createdAt": "renderedAt"}
_COPIED = ("url", "width", "height", "format", "size", "source", "layout", "batchId", "index")
_CONTEXT = ("source", "templateUid", "batchId", "index", "bindingId", "layout")


def account_of(request: Request | None, account: str | None) -> str:
    """The account a render belongs to: given explicitly, else the request's."""
    if account is not None:
        return account
    return request_account(request) if request is not None else ""


def completed(state: ServerState, account: str, record: Mapping[str, Any]) -> None:
    """Emit ``render.completed`` for a stored image record."""
    data: dict[str, Any] = {"type": "pdf" if record.get("format") == "pdf" else "image"}
    data.update({new: record[old] for old, new in _RENAMED.items() if old in record})
    data.update({key: record[key] for key in _COPIED if key in record})
    data["renderId"] = record["id"]
    if "bindingId" in record:
        data["bindingId"] = record["bindingId"]
    state.webhooks.emit(account, "render.completed", data)


def failed(
    state: ServerState,
    account: str,
    context: Mapping[str, Any],
    *,
    error: str,
    code: str,
    image_format: str,
) -> None:
    """Emit ``render.failed`` with the render's context (``extra`` of `produce`)."""
    data: dict[str, Any] = {"type": "pdf" if image_format == "pdf" else "image"}
    for key in _CONTEXT:
        if key in context:
            data[_RENAMED.get(key, key)] = context[key]
    data.update(error=error, errorCode=code, failedAt=now_iso())
    state.webhooks.emit(account, "render.failed", data)
