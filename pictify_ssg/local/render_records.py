"""Render a job, store the file, and describe the result the way the wire format does."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from pictify_ssg.local import render_events
from pictify_ssg.local.api_errors import ApiError
from pictify_ssg.local.ids import new_uid, now_iso
from pictify_ssg.local.renderer import RenderFailure, RenderJob
from pictify_ssg.local.state import ServerState
from pictify_ssg.local.storage import Kind

_EXTENSIONS = {"png": "png", "jpeg": "jpg", "webp": "webp", "pdf": "pdf", "gif": "gif"}


def render_failure(exc: RenderFailure) -> ApiError:
    """A renderer failure as an error response (``retriable`` tells clients whether to retry)."""
    return ApiError(exc.status, exc.message, exc.code, extra={"retriable": exc.status >= 500})


async def produce(
    state: ServerState,
    job: RenderJob,
    *,
    format_label: str | None = None,
    request: Request | None = None,
    extra: dict[str, Any] | None = None,
    kind: Kind = "image",
    account: str | None = None,
) -> dict[str, Any]:
    """Render ``job``, store the file and its image record.

    Args:
        state: The server.
        job: What to render.
        format_label: The format name to report (``jpg`` when the caller asked for ``jpg``).
        request: The request being served (only for the URL root before the server knows it).
        extra: More fields for the image record (``templateUid``, ``source``...).
        kind: Where the record is kept (``gif`` and ``pdf`` have lists of their own).
        account: Whose webhooks hear of the render (default: the key that sent ``request``).

    Returns:
        The image record: ``id``, ``url``, ``width``, ``height``, ``format``, ``size``,
        ``createdAt``, ``extra`` and the stored ``file`` name.

    Raises:
        ApiError: The render failed.
    """
    try:
        output = await state.renderer.render(job)
    except RenderFailure as exc:
        render_events.failed(
            state,
            render_events.account_of(request, account),
            extra or {},
            error=exc.message,
            code=exc.code,
            image_format=job.format,
        )
        raise render_failure(exc) from None
    uid = new_uid()
    name = f"{uid}.{_EXTENSIONS[output.format]}"
    state.storage.write_file(name, output.data)
    state.stats.record_render(
        content=f"{job.html if job.url is None else job.url}|{job.width}x{job.height}|{job.format}"
    )
    created = now_iso()
    record: dict[str, Any] = {
        "id": uid,
        "url": state.file_url(name),
        "width": output.width,
        "height": output.height,
        "format": format_label or output.format,
        "size": len(output.data),
        "createdAt": created,
        **(extra or {}),
        # Not on the wire: lets retention delete the file with its record.
        "file": name,
    }
    state.storage.put(kind, uid, record, created)
    render_events.completed(state, render_events.account_of(request, account), record)
    return record
