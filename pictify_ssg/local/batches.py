"""Batch renders as background tasks, with the hosted API's status progression.

``pending`` (accepted) -> ``processing`` (first item starts) -> ``completed`` (every item
succeeded) / ``partial`` (some failed) / ``failed`` (all failed) / ``cancelled``. A cancelled
batch keeps the results of items that had already finished.

Each batch records its `Owner`; unfinished batches are stored "open". When a server stops, its
own unfinished batches are failed at once; batches left open by a server that died are failed
by `BatchManager.recover` (at start-up and periodically), never those of a live server sharing
the data directory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from starlette.requests import Request

from pictify_ssg.local import render_events
from pictify_ssg.local.errors import ApiError
from pictify_ssg.local.faults import FaultInjector
from pictify_ssg.local.ids import iso, new_batch_id, now_iso
from pictify_ssg.local.ownership import STALE_BATCH_HOURS, Owner, owner_gone
from pictify_ssg.local.publish import produce
from pictify_ssg.local.renderer import RenderJob
from pictify_ssg.local.schemas import BatchRequest
from pictify_ssg.local.state import ServerState, request_account
from pictify_ssg.local.templates import fill, requested_layouts

logger = logging.getLogger(__name__)

TERMINAL = frozenset({"completed", "partial", "failed", "cancelled"})
_URL_FIELDS = ("url", "width", "height", "id", "format", "images")
INTERRUPTED = "Interrupted: the server stopped or restarted before the batch finished"


class BatchManager:
    """Runs and tracks batches for one server.

    Args:
        state: The server.
        faults: Decides which items fail on purpose.
        owner: This server instance, recorded on every batch it accepts.
    """

    def __init__(
        self, state: ServerState, faults: FaultInjector, owner: Owner | None = None
    ) -> None:
        self._state = state
        self._faults = faults
        self.owner = owner or Owner.new()
        # Only running batches live here; finished ones are read back from storage, so a long
        # `pictify-ssg serve` does not keep every batch in memory and pruned ones are gone.
        self._docs: dict[str, dict[str, Any]] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._sequence = 0

    def recover(self, now: datetime | None = None) -> int:
        """Fail unfinished batches whose server is gone (thread-safe: storage only).

        A batch is taken over when its owner instance stopped, its process is gone, or it was
        created more than `STALE_BATCH_HOURS` ago; batches of this instance never are.

        Args:
            now: The current time (default: the clock).

        Returns:
            How many batches were failed.
        """
        stale_before = iso((now or datetime.now(timezone.utc)) - timedelta(hours=STALE_BATCH_HOURS))
        failed = 0
        for doc in self._state.storage.open_documents("batch"):
            owner = doc.get("owner")
            if isinstance(owner, Mapping) and owner.get("instance") == self.owner.instance:
                continue
            stale = str(doc.get("createdAt", "")) < stale_before
            if doc.get("status") in TERMINAL or stale or owner_gone(owner):
                self._interrupt(doc)
                failed += 1
        return failed

    def _interrupt(self, doc: dict[str, Any]) -> None:
        if doc.get("status") not in TERMINAL:
            doc["status"] = "failed"
            doc["completedAt"] = now_iso()
            doc["error"] = INTERRUPTED
        self._save(doc)

    def submit(
        self, template: Mapping[str, Any], body: BatchRequest, request: Request
    ) -> dict[str, Any]:
        """Accept a batch and start rendering it in the background.

        Returns:
            The 202 body: ``batchId``, ``status`` (``pending``), ``totalItems``, ``message``.

        Raises:
            ApiError: 422 ``LAYOUT_NOT_FOUND`` when ``layout`` or ``layouts`` names a layout
                the template does not have (checked before anything is accepted).
        """
        layouts = requested_layouts(template, body.layout, body.layouts, partial=False)
        self._sequence += 1
        now = now_iso()
        doc: dict[str, Any] = {
            "batchId": new_batch_id(),
            "templateUid": template["uid"],
            "status": "pending",
            "totalItems": len(body.variable_sets),
            "completedItems": 0,
            "failedItems": 0,
            "items": {},
            "format": body.format,
            "concurrency": body.concurrency,
            "createdAt": now,
            "startedAt": None,
            "completedAt": None,
            "owner": self.owner.to_doc(),
        }
        self._docs[doc["batchId"]] = doc
        self._save(doc)
        task = asyncio.get_running_loop().create_task(
            self._run(doc, dict(template), body, layouts, request, self._sequence)
        )
        self._tasks[doc["batchId"]] = task
        task.add_done_callback(lambda _: self._forget(doc["batchId"]))
        return {
            "batchId": doc["batchId"],
            "id": doc["batchId"],
            "status": "pending",
            "totalItems": doc["totalItems"],
            "templateUid": template["uid"],
            "createdAt": now,
            "message": f"Batch accepted: {doc['totalItems']} item(s) queued",
        }

    def results(self, batch_id: str) -> dict[str, Any] | None:
        """The wire body of ``GET /templates/batch/{id}/results``, or ``None`` when unknown."""
        doc = self._docs.get(batch_id) or self._state.storage.get("batch", batch_id)
        return None if doc is None else self._wire(doc)

    def cancel(self, batch_id: str) -> dict[str, Any] | None:
        """Cancel a batch; finished items keep their results. ``None`` when unknown."""
        doc = self._docs.get(batch_id) or self._state.storage.get("batch", batch_id)
        if doc is None:
            return None
        if doc["status"] in TERMINAL:
            message = f"Batch already {doc['status']}"
        else:
            doc["status"] = "cancelled"
            doc["completedAt"] = now_iso()
            self._save(doc)
            message = "Batch cancelled"
        done = doc["completedItems"] + doc["failedItems"]
        return {
            "batchId": batch_id,
            "status": doc["status"],
            "message": message,
            "completedItems": doc["completedItems"],
            "failedItems": doc["failedItems"],
            "cancelledItems": doc["totalItems"] - done if doc["status"] == "cancelled" else 0,
        }

    async def close(self) -> None:
        """Stop every running batch and store it as failed (finished items keep results)."""
        tasks = list(self._tasks.values())
        docs = list(self._docs.values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for doc in docs:
            if doc["status"] not in TERMINAL:
                self._interrupt(doc)
        self._docs.clear()

    def _forget(self, batch_id: str) -> None:
        self._tasks.pop(batch_id, None)
        doc = self._docs.get(batch_id)
        if doc is not None and doc["status"] in TERMINAL:
            del self._docs[batch_id]

    async def _run(
        self,
        doc: dict[str, Any],
        template: dict[str, Any],
        body: BatchRequest,
        layouts: list[str],
        request: Request,
        sequence: int,
    ) -> None:
        # Yield once so the 202 (status "pending") is sent before any work starts.
        await asyncio.sleep(0)
        if doc["status"] == "cancelled":
            return
        doc["status"] = "processing"
        doc["startedAt"] = now_iso()
        self._save(doc)
        limit = asyncio.Semaphore(body.concurrency)

        async def one(index: int, variables: dict[str, Any]) -> None:
            async with limit:
                if doc["status"] == "cancelled":
                    return
                if self._state.options.batch_item_delay_ms:
                    await asyncio.sleep(self._state.options.batch_item_delay_ms / 1000)
                    if doc["status"] == "cancelled":
                        return
                item = await self._item(
                    template, body, layouts, request, (doc["batchId"], sequence), index, variables
                )
                doc["items"][str(index)] = item
                doc["completedItems" if item["success"] else "failedItems"] += 1
                self._save(doc)

        try:
            await asyncio.gather(*(one(i, v) for i, v in enumerate(body.variable_sets)))
        except Exception:
            # A bug, not a bad item (those are recorded per item): fail the batch visibly
            # instead of leaving it "processing" forever.
            logger.exception("batch %s failed", doc["batchId"])
            doc["status"] = "failed"
            doc["error"] = "Internal error while rendering the batch"
            doc["completedAt"] = now_iso()
            self._save(doc)
            return
        if doc["status"] != "cancelled":
            failed, total = doc["failedItems"], doc["totalItems"]
            doc["status"] = (
                "completed" if not failed else "failed" if failed == total else "partial"
            )
            doc["completedAt"] = now_iso()
            self._save(doc)

    async def _item(
        self,
        template: Mapping[str, Any],
        body: BatchRequest,
        layouts: list[str],
        request: Request,
        batch: tuple[str, int],
        index: int,
        variables: dict[str, Any],
    ) -> dict[str, Any]:
        item: dict[str, Any] = {"index": index, "success": False, "variables": list(variables)}
        batch_id, sequence = batch
        # On the image records and so in the render.completed / render.failed webhooks.
        context = {
            "templateUid": template["uid"],
            "source": "batch",
            "batchId": batch_id,
            "index": index,
        }
        if self._faults.batch_item_fails(sequence, index):
            item["error"] = "Injected failure (batch_item_failure_rate)"
            render_events.failed(
                self._state,
                request_account(request),
                context,
                error=item["error"],
                code="INJECTED_FAULT",
                image_format=body.format,
            )
            return item
        fmt = "jpeg" if body.format in ("jpg", "jpeg") else body.format
        images = []
        try:
            # `layouts` were checked against the template (a copy taken at submit) already.
            for layout in layouts:
                filled = fill(template, variables, layout=layout)
                job = RenderJob(
                    width=filled.width,
                    height=filled.height,
                    format=fmt,  # type: ignore[arg-type]
                    html=filled.html,
                    quality=body.quality,
                    javascript=bool(template.get("jsEnabled")),
                    label=template.get("name") or template["uid"],
                )
                record = await produce(
                    self._state,
                    job,
                    format_label=body.format,
                    request=request,
                    extra={**context, "layout": layout},
                )
                images.append({"layout": layout, **_public(record)})
        except ApiError as exc:
            item["error"] = exc.message
            return item
        item["success"] = True
        item.update(images[0])
        del item["layout"]
        if body.layouts:
            item["images"] = images
        return item

    def _wire(self, doc: Mapping[str, Any]) -> dict[str, Any]:
        items = [doc["items"][key] for key in sorted(doc["items"], key=int)]
        if not self._state.options.batch_item_urls:
            items = [{k: v for k, v in item.items() if k not in _URL_FIELDS} for item in items]
        done = doc["completedItems"] + doc["failedItems"]
        total = doc["totalItems"]
        body = {
            key: doc[key]
            for key in ("batchId", "templateUid", "status", "totalItems", "completedItems")
        }
        body.update(
            failedItems=doc["failedItems"],
            progress=round(100 * done / total) if total else 100,
            results=items,
            errors=[item for item in items if not item["success"]],
            createdAt=doc["createdAt"],
            startedAt=doc["startedAt"],
            completedAt=doc["completedAt"],
        )
        if "error" in doc:
            body["error"] = doc["error"]
        return body

    def _save(self, doc: Mapping[str, Any]) -> None:
        self._state.storage.put(
            "batch",
            doc["batchId"],
            dict(doc),
            doc["createdAt"],
            unfinished=doc["status"] not in TERMINAL,
        )


def _public(record: Mapping[str, Any]) -> dict[str, Any]:
    return {key: record[key] for key in ("url", "width", "height", "id", "format")}
