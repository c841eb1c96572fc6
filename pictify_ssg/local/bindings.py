"""Bindings: a template fed by a data source, served at a stable URL that stays current.

A binding fetches its ``dataSource`` (http JSON, or static data), maps fields to template
variables with JSONPath (``mapping``, see `jsonpath`), fills gaps from ``defaults``, renders the
template through the same path as every other render (`publish.produce`, so the render also
announces ``render.completed``), and serves the newest image at ``renderUrl``
(``/b/<uid>.<ext>``, no key needed, like a file URL).

Refresh policy: ``ttl`` re-fetches when the image is requested and the last fetch is older than
``ttlSeconds``; ``manual`` only on ``POST /bindings/{uid}/refresh``. Both also render when the
binding has no image yet (at creation, after an edit, or once retention pruned its file). A
paused binding keeps serving its last image and fetches nothing.

When the fetch, the mapping or the render fails, the binding's ``status`` becomes ``error``,
``binding.failed`` is sent, and ``refreshPolicy.onError`` decides what ``renderUrl`` serves:
``serve_stale`` (default) the last good image (the defaults-only image if there never was
one), ``serve_default`` an image rendered from ``defaults`` alone, ``serve_error`` (or
``error``) a 502 naming the failure. The next fetch is tried once the TTL has passed again,
so a dead source does not slow every request. A successful refresh sends ``binding.updated``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx

from pictify_ssg.local.api_errors import ApiError, not_found
from pictify_ssg.local.binding_source import SourceError, fetch, map_variables
from pictify_ssg.local.ids import iso, new_uid, now_iso
from pictify_ssg.local.outbound_policy import OutboundPolicy
from pictify_ssg.local.render_records import produce
from pictify_ssg.local.renderer import OutputFormat, RenderJob
from pictify_ssg.local.schemas_integrations import (
    BindingCreate,
    BindingUpdate,
    OutputConfig,
    RefreshPolicy,
)
from pictify_ssg.local.state import ServerState
from pictify_ssg.local.template_documents import fill

logger = logging.getLogger(__name__)

EXTENSIONS = {"png": "png", "jpeg": "jpg", "jpg": "jpg", "webp": "webp", "pdf": "pdf"}
"""``outputConfig.format`` -> the extension of the binding's URL."""
FORMATS: dict[str, OutputFormat] = {
    "png": "png",
    "jpeg": "jpeg",
    "jpg": "jpeg",
    "webp": "webp",
    "pdf": "pdf",
}
_PRIVATE = frozenset({"account", "image", "due", "failureCount"})
_EDITABLE = ("name", "data_source", "mapping", "defaults", "refresh_policy", "output_config")
_SERVE_ERROR = frozenset({"serve_error", "error"})


def _dump(model: Any) -> Any:
    return model.model_dump(by_alias=True, exclude_none=True) if model is not None else None


class BindingManager:
    """Creates, refreshes and serves the bindings of one server.

    Args:
        state: The server.
    """

    def __init__(self, state: ServerState) -> None:
        self._state = state
        self.policy = OutboundPolicy(state.options.outbound_hosts)
        self._locks: dict[str, asyncio.Lock] = {}
        self._client: httpx.AsyncClient | None = None

    # --- documents ---

    def new(self, body: BindingCreate, account: str) -> dict[str, Any]:
        """The stored document of a new binding (not rendered yet)."""
        now = now_iso()
        return {
            "uid": new_uid(),
            "name": body.name,
            "templateId": body.template_id,
            "dataSource": _dump(body.data_source),
            "mapping": dict(body.mapping),
            "defaults": dict(body.defaults or {}),
            "refreshPolicy": _dump(body.refresh_policy or RefreshPolicy()),
            "outputConfig": _dump(body.output_config or OutputConfig()),
            "status": "active",
            "webhookUrl": None,
            "lastRenderAt": None,
            "lastFetchAt": None,
            "lastError": None,
            "lastVariables": None,
            "createdAt": now,
            "updatedAt": now,
            "account": account,
            "image": None,
            "failureCount": 0,
        }

    def update(self, doc: dict[str, Any], body: BindingUpdate) -> None:
        """Apply a partial update; a change to what the image shows makes it due."""
        changed = False
        for name in _EDITABLE:
            value = getattr(body, name)
            if value is None:
                continue
            key = BindingUpdate.model_fields[name].alias or name
            if isinstance(value, (str, dict)):
                doc[key] = value if isinstance(value, str) else dict(value)
            else:
                doc[key] = _dump(value)
            changed = changed or name != "name"
        if body.status is not None:
            self.set_status(doc, body.status)
        if changed:
            doc["due"] = True
        doc["updatedAt"] = now_iso()

    @staticmethod
    def set_status(doc: dict[str, Any], status: str) -> None:
        """Pause, or resume (to ``error`` while the last refresh failed, else ``active``)."""
        if status == "active" and doc["lastError"]:
            status = "error"
        doc["status"] = status
        doc["updatedAt"] = now_iso()

    def public(self, doc: Mapping[str, Any]) -> dict[str, Any]:
        """The wire view (credentials masked; ``imageUrl`` is ``renderUrl`` by its docs name)."""
        view = {key: value for key, value in doc.items() if key not in _PRIVATE}
        source = dict(view.get("dataSource") or {})
        if isinstance(source.get("credentials"), Mapping):
            source["credentials"] = {**source["credentials"], "value": "********"}
        view["dataSource"] = source
        view["renderUrl"] = view["imageUrl"] = self.render_url(doc)
        image = doc.get("image")
        view["fileUrl"] = image["url"] if isinstance(image, Mapping) else None
        return view

    def render_url(self, doc: Mapping[str, Any]) -> str:
        """The binding's stable URL: ``<server>/b/<uid>.<ext>``."""
        ext = EXTENSIONS[str(doc["outputConfig"].get("format", "png"))]
        return f"{(self._state.base_url or '').rstrip('/')}/b/{doc['uid']}.{ext}"

    def save(self, doc: Mapping[str, Any]) -> None:
        """Store ``doc``."""
        self._state.storage.put("binding", doc["uid"], dict(doc), doc["createdAt"])

    def forget(self, uid: str) -> None:
        """Drop the in-memory lock of a deleted binding."""
        self._locks.pop(uid, None)

    # --- refreshing and serving ---

    async def refresh(self, uid: str, *, only_if_due: bool = False) -> dict[str, Any]:
        """Fetch, map and render binding ``uid`` now (or, with ``only_if_due``, if due).

        Raises:
            ApiError: 404 when the binding does not exist.
        """
        async with self._locks.setdefault(uid, asyncio.Lock()):
            # Read under the lock: a request that waited for another's refresh sees its result.
            doc = self._state.storage.get("binding", uid)
            if doc is None:
                raise not_found("Binding", "BINDING_NOT_FOUND")
            if only_if_due and not self._due(doc):
                return doc
            await self._refresh(doc)
            return doc

    async def image(self, uid: str) -> tuple[dict[str, Any], Path]:
        """The binding and the file of its current image, refreshed first when due.

        Raises:
            ApiError: 404 for an unknown binding; 502 ``BINDING_SOURCE_FAILED`` while the
                source fails under ``onError: serve_error``, or when there is no image at all.
        """
        doc = await self.refresh(uid, only_if_due=True)
        if doc["status"] == "error" and doc["refreshPolicy"].get("onError") in _SERVE_ERROR:
            raise _source_failed(str(doc["lastError"]))
        path = self._file(doc)
        if path is None:
            raise _source_failed(str(doc.get("lastError") or "no image could be rendered"))
        return doc, path

    async def close(self) -> None:
        """Close the data-source connections."""
        if self._client is not None:
            await self._client.aclose()

    def _file(self, doc: Mapping[str, Any]) -> Path | None:
        image = doc.get("image")
        if not isinstance(image, Mapping):
            return None
        return self._state.storage.file_path(str(image["file"]))

    def _due(self, doc: Mapping[str, Any]) -> bool:
        if self._file(doc) is None:
            return True  # never rendered, or retention pruned the file
        if doc["status"] == "paused":
            return False
        if doc.get("due"):
            return True
        policy = doc["refreshPolicy"]
        if policy.get("type") != "ttl" or not doc.get("lastFetchAt"):
            return False
        fetched = datetime.fromisoformat(str(doc["lastFetchAt"]).replace("Z", "+00:00"))
        age = datetime.now(timezone.utc) - fetched
        return age >= timedelta(seconds=int(policy.get("ttlSeconds", 300)))

    async def _refresh(self, doc: dict[str, Any]) -> None:
        previous = doc.get("lastVariables")
        doc["lastFetchAt"] = now_iso()
        doc.pop("due", None)
        try:
            if self._client is None:
                # Redirects are not followed: an allowed host must not bounce the fetch on.
                self._client = httpx.AsyncClient(
                    timeout=self._state.options.outbound_timeout_s, follow_redirects=False
                )
            data = await fetch(self._client, self.policy, doc["dataSource"])
            variables = map_variables(data, doc["mapping"], doc["defaults"])
            await self._render(doc, variables)
        except (SourceError, ApiError) as exc:
            self._fail(doc, str(exc.message if isinstance(exc, ApiError) else exc))
            await self._fallback(doc)
            self.save(doc)
            self._emit(doc, "binding.failed", self._failure_data(doc))
            return
        if doc["status"] != "paused":
            doc["status"] = "active"
        doc.update(lastError=None, failureCount=0)
        self.save(doc)
        self._emit(
            doc,
            "binding.updated",
            {
                "imageUrl": self.render_url(doc),
                "fileUrl": doc["image"]["url"],
                "previousData": previous,
                "newData": variables,
                "renderedAt": doc["lastRenderAt"],
            },
        )

    async def _render(self, doc: dict[str, Any], variables: dict[str, Any]) -> None:
        template = self._state.storage.get("template", str(doc["templateId"]))
        if template is None:
            raise SourceError(f"template {doc['templateId']} no longer exists")
        output = doc["outputConfig"]
        filled = fill(template, variables, width=output.get("width"), height=output.get("height"))
        fmt: OutputFormat = FORMATS[str(output.get("format", "png"))]
        job = RenderJob(
            width=filled.width,
            height=filled.height,
            format=fmt,
            html=filled.html,
            quality=max(0.1, int(output.get("quality", 90)) / 100),
            javascript=bool(template.get("jsEnabled")),
        )
        record = await produce(
            self._state,
            job,
            format_label=fmt,
            extra={"templateUid": template["uid"], "source": "binding", "bindingId": doc["uid"]},
            account=str(doc["account"]),
        )
        doc["image"] = {key: record[key] for key in ("id", "url", "file", "width", "height")}
        doc["lastRenderAt"] = record["createdAt"]
        doc["lastVariables"] = variables

    def _fail(self, doc: dict[str, Any], message: str) -> None:
        logger.debug("binding %s failed: %s", doc["uid"], message)
        doc["lastError"] = message
        doc["failureCount"] = int(doc.get("failureCount", 0)) + 1
        if doc["status"] != "paused":
            doc["status"] = "error"

    async def _fallback(self, doc: dict[str, Any]) -> None:
        """Render the defaults-only image when ``onError`` (or a missing image) asks for it."""
        on_error = doc["refreshPolicy"].get("onError", "serve_stale")
        if on_error in _SERVE_ERROR:
            return
        if on_error == "serve_stale" and self._file(doc) is not None:
            return
        try:
            await self._render(doc, dict(doc["defaults"]))
        except (SourceError, ApiError) as exc:
            logger.debug("binding %s: the defaults-only image failed too: %s", doc["uid"], exc)

    def _failure_data(self, doc: Mapping[str, Any]) -> dict[str, Any]:
        policy = doc["refreshPolicy"]
        next_retry = None
        if policy.get("type") == "ttl":
            fetched = datetime.fromisoformat(str(doc["lastFetchAt"]).replace("Z", "+00:00"))
            next_retry = iso(fetched + timedelta(seconds=int(policy.get("ttlSeconds", 300))))
        return {
            "error": doc["lastError"],
            "retryCount": doc["failureCount"],
            "nextRetry": next_retry,
        }

    def _emit(self, doc: Mapping[str, Any], event: str, data: dict[str, Any]) -> None:
        base = {"bindingId": doc["uid"], "templateId": doc["templateId"]}
        base["templateUid"] = doc["templateId"]
        self._state.webhooks.emit(str(doc["account"]), event, {**base, **data})


def _source_failed(message: str) -> ApiError:
    return ApiError(502, f"Binding data source failed: {message}", "BINDING_SOURCE_FAILED")
