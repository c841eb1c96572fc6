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
from pictify_ssg.local.api_errors import ApiError
from pictify_ssg.local.batch_records import INTERRUPTED, BatchItemRecord, BatchRecord
from pictify_ssg.local.faults import FaultInjector
from pictify_ssg.local.ids import iso, new_batch_id
from pictify_ssg.local.ownership import STALE_BATCH_HOURS, Owner, owner_gone
from pictify_ssg.local.render_records import produce
from pictify_ssg.local.renderer import RenderJob
from pictify_ssg.local.schemas import BatchRequest
from pictify_ssg.local.state import ServerState, request_account
from pictify_ssg.local.template_documents import fill, requested_layouts

logger = logging.getLogger(__name__)


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
        self._running: dict[str, BatchRecord] = {}
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
        for row in self._state.storage.open_documents("batch"):
            batch = BatchRecord.from_row(row)
            if batch.owner.get("instance") == self.owner.instance:
                continue
            if batch.terminal or batch.created_at < stale_before or owner_gone(batch.owner):
                self._interrupt(batch)
                failed += 1
        return failed

    def _interrupt(self, batch: BatchRecord) -> None:
        if not batch.terminal:
            batch.fail(INTERRUPTED)
        self._save(batch)

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
        batch = BatchRecord(
            batch_id=new_batch_id(),
            template_uid=str(template["uid"]),
            total_items=len(body.variable_sets),
            format=body.format,
            concurrency=body.concurrency,
            owner=self.owner.to_doc(),
        )
        self._running[batch.batch_id] = batch
        self._save(batch)
        task = asyncio.get_running_loop().create_task(
            self._run(batch, dict(template), body, layouts, request, self._sequence)
        )
        self._tasks[batch.batch_id] = task
        task.add_done_callback(lambda _: self._forget(batch.batch_id))
        return batch.accepted()

    def results(self, batch_id: str) -> dict[str, Any] | None:
        """The wire body of ``GET /templates/batch/{id}/results``, or ``None`` when unknown."""
        batch = self._find(batch_id)
        if batch is None:
            return None
        return batch.results(with_urls=self._state.options.batch_item_urls)

    def cancel(self, batch_id: str) -> dict[str, Any] | None:
        """Cancel a batch; finished items keep their results. ``None`` when unknown."""
        batch = self._find(batch_id)
        if batch is None:
            return None
        if batch.terminal:
            message = f"Batch already {batch.status}"
        else:
            batch.cancel()
            self._save(batch)
            message = "Batch cancelled"
        return batch.cancelled(message)

    async def close(self) -> None:
        """Stop every running batch and store it as failed (finished items keep results)."""
        tasks = list(self._tasks.values())
        running = list(self._running.values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for batch in running:
            if not batch.terminal:
                self._interrupt(batch)
        self._running.clear()

    def _find(self, batch_id: str) -> BatchRecord | None:
        running = self._running.get(batch_id)
        if running is not None:
            return running
        row = self._state.storage.get("batch", batch_id)
        return None if row is None else BatchRecord.from_row(row)

    def _forget(self, batch_id: str) -> None:
        self._tasks.pop(batch_id, None)
        batch = self._running.get(batch_id)
        if batch is not None and batch.terminal:
            del self._running[batch_id]

    async def _run(
        self,
        batch: BatchRecord,
        template: dict[str, Any],
        body: BatchRequest,
        layouts: list[str],
        request: Request,
        sequence: int,
    ) -> None:
        # Yield once so the 202 (status "pending") is sent before any work starts.
        await asyncio.sleep(0)
        if batch.is_cancelled():
            return
        batch.start()
        self._save(batch)
        limit = asyncio.Semaphore(body.concurrency)
        delay_s = self._state.options.batch_item_delay_ms / 1000

        async def one(index: int, variables: dict[str, Any]) -> None:
            async with limit:
                if batch.is_cancelled():
                    return
                if delay_s:
                    await asyncio.sleep(delay_s)
                    if batch.is_cancelled():
                        return
                item = await self._item(
                    template, body, layouts, request, (batch.batch_id, sequence), index, variables
                )
                batch.record(item)
                self._save(batch)

        try:
            await asyncio.gather(*(one(i, v) for i, v in enumerate(body.variable_sets)))
        except Exception:
            # A bug, not a bad item (those are recorded per item): fail the batch visibly
            # instead of leaving it "processing" forever.
            logger.exception("batch %s failed", batch.batch_id)
            batch.fail("Internal error while rendering the batch")
            self._save(batch)
            return
        if not batch.is_cancelled():
            batch.finish()
            self._save(batch)

    async def _item(
        self,
        template: Mapping[str, Any],
        body: BatchRequest,
        layouts: list[str],
        request: Request,
        batch: tuple[str, int],
        index: int,
        variables: dict[str, Any],
    ) -> BatchItemRecord:
        names = tuple(variables)
        batch_id, sequence = batch
        # On the image records and so in the render.completed / render.failed webhooks.
        context = {
            "templateUid": template["uid"],
            "source": "batch",
            "batchId": batch_id,
            "index": index,
        }
        if self._faults.batch_item_fails(sequence, index):
            error = "Injected failure (batch_item_failure_rate)"
            render_events.failed(
                self._state,
                request_account(request),
                context,
                error=error,
                code="INJECTED_FAULT",
                image_format=body.format,
            )
            return BatchItemRecord(index, names, error=error)
        fmt = "jpeg" if body.format in ("jpg", "jpeg") else body.format
        images: list[dict[str, Any]] = []
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
            return BatchItemRecord(index, names, error=exc.message)
        return BatchItemRecord(
            index,
            names,
            image=_public(images[0]),
            images=tuple(images) if body.layouts else None,
        )

    def _save(self, batch: BatchRecord) -> None:
        self._state.storage.put(
            "batch", batch.batch_id, batch.to_row(), batch.created_at, unfinished=not batch.terminal
        )


def _public(record: Mapping[str, Any]) -> dict[str, Any]:
    return {key: record[key] for key in ("url", "width", "height", "id", "format")}
