"""A batch as typed records: its items, its progress, and the shapes made from them at the edge.

`BatchRecord` is the data model the batch runner changes. The stored row (``to_row`` /
``from_row``, the JSON document in the server's SQLite file) and the wire bodies (``accepted``,
``results``, ``cancelled``) are made from it where they leave the runner, so none of the three
is the other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from pictify_ssg.local.ids import now_iso

BatchStatus = Literal["pending", "processing", "completed", "partial", "failed", "cancelled"]

TERMINAL: frozenset[str] = frozenset({"completed", "partial", "failed", "cancelled"})

#: Item fields that tell where an image is; left out of results on a server mimicking the hosted
#: API's URL-less batch results (``batch_item_urls`` off).
URL_FIELDS = ("url", "width", "height", "id", "format", "images")

INTERRUPTED = "Interrupted: the server stopped or restarted before the batch finished"


@dataclass(frozen=True)
class BatchItemRecord:
    """The outcome of one variable set.

    Attributes:
        index: Its position in the request's ``variableSets``.
        variables: The names it set (values are not kept: they may be private).
        error: Why it failed; ``None`` when it succeeded.
        image: The first image's public fields (``url``, ``width``, ``height``, ``id``,
            ``format``) when it succeeded.
        images: Every layout's image (``layout`` plus the public fields), when the request
            asked for several layouts.
    """

    index: int
    variables: tuple[str, ...]
    error: str | None = None
    image: Mapping[str, Any] = field(default_factory=dict)
    images: tuple[Mapping[str, Any], ...] | None = None

    @property
    def success(self) -> bool:
        """Whether the item rendered."""
        return self.error is None

    def to_row(self) -> dict[str, Any]:
        """The item as stored and as sent (the two agree for items)."""
        row: dict[str, Any] = {
            "index": self.index,
            "success": self.success,
            "variables": list(self.variables),
        }
        if self.error is not None:
            row["error"] = self.error
        row.update(self.image)
        if self.images is not None:
            row["images"] = [dict(image) for image in self.images]
        return row

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> BatchItemRecord:
        """An item read back from storage."""
        error = None if row.get("success") else str(row.get("error") or "failed")
        images = row.get("images")
        return cls(
            index=int(row["index"]),
            variables=tuple(str(name) for name in row.get("variables") or ()),
            error=error,
            image={k: row[k] for k in ("url", "width", "height", "id", "format") if k in row},
            images=tuple(images) if isinstance(images, list) else None,
        )


@dataclass
class BatchRecord:
    """One batch and its progress, as the runner keeps it.

    Attributes:
        batch_id: Its id.
        template_uid: The template every item renders.
        total_items: Variable sets in the request.
        format: The requested image format (as the client spelled it).
        concurrency: Items rendered at once.
        owner: The server instance running it (see `ownership`).
        status: Where it is.
        items: Finished items by index.
        created_at: When it was accepted (ISO 8601).
        started_at: When rendering began.
        completed_at: When it reached a terminal status.
        error: Why the whole batch failed, if it did.
    """

    batch_id: str
    template_uid: str
    total_items: int
    format: str
    concurrency: int
    owner: Mapping[str, Any]
    status: BatchStatus = "pending"
    items: dict[int, BatchItemRecord] = field(default_factory=dict)
    created_at: str = field(default_factory=now_iso)
    started_at: str | None = None
    completed_at: str | None = None
    error: str | None = None

    # -- state --------------------------------------------------------------------------------

    @property
    def terminal(self) -> bool:
        """Whether the batch is finished (completed, partial, failed or cancelled)."""
        return self.status in TERMINAL

    def is_cancelled(self) -> bool:
        """Whether the batch was cancelled (a method: a cancel may come between two looks)."""
        return self.status == "cancelled"

    @property
    def completed_items(self) -> int:
        """Items that rendered."""
        return sum(1 for item in self.items.values() if item.success)

    @property
    def failed_items(self) -> int:
        """Items that failed."""
        return len(self.items) - self.completed_items

    def start(self) -> None:
        """Rendering begins."""
        self.status = "processing"
        self.started_at = now_iso()

    def record(self, item: BatchItemRecord) -> None:
        """One item finished."""
        self.items[item.index] = item

    def finish(self) -> None:
        """Every item finished: completed, partial or failed by how many failed."""
        failed = self.failed_items
        self.status = (
            "completed" if not failed else "failed" if failed == self.total_items else "partial"
        )
        self.completed_at = now_iso()

    def fail(self, error: str) -> None:
        """The whole batch failed (items finished so far keep their results)."""
        self.status = "failed"
        self.error = error
        self.completed_at = now_iso()

    def cancel(self) -> None:
        """Stop rendering; finished items keep their results."""
        self.status = "cancelled"
        self.completed_at = now_iso()

    # -- the stored row -----------------------------------------------------------------------

    def to_row(self) -> dict[str, Any]:
        """The JSON document stored for the batch."""
        row: dict[str, Any] = {
            "batchId": self.batch_id,
            "templateUid": self.template_uid,
            "status": self.status,
            "totalItems": self.total_items,
            "completedItems": self.completed_items,
            "failedItems": self.failed_items,
            "items": {str(index): item.to_row() for index, item in self.items.items()},
            "format": self.format,
            "concurrency": self.concurrency,
            "createdAt": self.created_at,
            "startedAt": self.started_at,
            "completedAt": self.completed_at,
            "owner": dict(self.owner),
        }
        if self.error is not None:
            row["error"] = self.error
        return row

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> BatchRecord:
        """A batch read back from storage."""
        items = row.get("items") or {}
        owner = row.get("owner")
        return cls(
            batch_id=str(row["batchId"]),
            template_uid=str(row.get("templateUid", "")),
            total_items=int(row.get("totalItems", 0)),
            format=str(row.get("format", "png")),
            concurrency=int(row.get("concurrency") or 1),
            owner=owner if isinstance(owner, Mapping) else {},
            status=cast(BatchStatus, row.get("status", "failed")),
            items={int(key): BatchItemRecord.from_row(value) for key, value in items.items()},
            created_at=str(row.get("createdAt", "")),
            started_at=row.get("startedAt"),
            completed_at=row.get("completedAt"),
            error=row.get("error"),
        )

    # -- the wire -----------------------------------------------------------------------------

    def accepted(self) -> dict[str, Any]:
        """The 202 body of ``POST /templates/{uid}/batch-render``."""
        return {
            "batchId": self.batch_id,
            "id": self.batch_id,
            "status": self.status,
            "totalItems": self.total_items,
            "templateUid": self.template_uid,
            "createdAt": self.created_at,
            "message": f"Batch accepted: {self.total_items} item(s) queued",
        }

    def results(self, *, with_urls: bool) -> dict[str, Any]:
        """The body of ``GET /templates/batch/{id}/results``.

        Args:
            with_urls: Whether items carry their image URLs (the hosted API's do not).
        """
        items = [self.items[index].to_row() for index in sorted(self.items)]
        if not with_urls:
            items = [{k: v for k, v in item.items() if k not in URL_FIELDS} for item in items]
        done = len(self.items)
        body: dict[str, Any] = {
            "batchId": self.batch_id,
            "templateUid": self.template_uid,
            "status": self.status,
            "totalItems": self.total_items,
            "completedItems": self.completed_items,
            "failedItems": self.failed_items,
            "progress": round(100 * done / self.total_items) if self.total_items else 100,
            "results": items,
            "errors": [item for item in items if not item["success"]],
            "createdAt": self.created_at,
            "startedAt": self.started_at,
            "completedAt": self.completed_at,
        }
        if self.error is not None:
            body["error"] = self.error
        return body

    def cancelled(self, message: str) -> dict[str, Any]:
        """The body of ``POST /templates/batch/{id}/cancel``."""
        return {
            "batchId": self.batch_id,
            "status": self.status,
            "message": message,
            "completedItems": self.completed_items,
            "failedItems": self.failed_items,
            "cancelledItems": self.total_items - len(self.items)
            if self.status == "cancelled"
            else 0,
        }
