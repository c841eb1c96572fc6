"""Pure endpoint builders for ``templates`` (CRUD, render, batches)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pictify_ssg.client._effects import Effect
from pictify_ssg.client._models import (
    TERMINAL_BATCH_STATUSES,
    BatchJob,
    BatchResults,
    RenderResult,
    Template,
    TemplateVariables,
)
from pictify_ssg.client._models_integrations import Deleted
from pictify_ssg.client._options import RequestOptions
from pictify_ssg.client._pagination import ListQuery
from pictify_ssg.client._request import Endpoint, path_segment, to_wire

from ._common import check_variable_sets, model_parser, output_format

_parse_template = model_parser(Template, "template")

#: Growth factor of the ``wait_for_batch`` poll interval.
POLL_BACKOFF = 1.5
#: Fraction of each poll wait that may be randomly removed, so many waiters started together
#: (one per build worker, say) do not poll in lockstep. Removed rather than added, so
#: ``max_poll_interval`` stays a true cap.
POLL_JITTER = 0.25
#: Formats of ``POST /templates/{uid}/render`` (wire notes §6.6; ``jpg`` is sent as ``jpeg``).
RENDER_FORMATS = frozenset({"png", "jpeg", "webp", "pdf"})
#: Formats of ``POST /templates/{uid}/batch-render`` (conflict C13: ``jpg`` is rejected there).
BATCH_FORMATS = frozenset({"png", "jpeg", "webp", "gif"})


def list_query(
    *,
    limit: int | None,
    sort: str | None,
    output_format: str | None,
    has_dynamic_link: bool | None,
    options: RequestOptions,
) -> ListQuery[Template]:
    filters = to_wire(
        {"sort": sort, "output_format": output_format, "has_dynamic_link": has_dynamic_link}
    )
    return ListQuery(
        "/templates", "templates", Template.model_validate, "page", limit, filters, options
    )


def _definitions(defs: Sequence[Mapping[str, Any]] | None) -> list[dict[str, Any]] | None:
    return None if defs is None else [dict(d) for d in defs]


def template_fields(
    *,
    name: str | None,
    html: str | None,
    width: int | None,
    height: int | None,
    variable_definitions: Sequence[Mapping[str, Any]] | None,
    output_format: str | None,
    layouts: Mapping[str, Any] | None,
    fields: Mapping[str, Any],
) -> dict[str, Any]:
    """Wire body for create/update: named fields plus camelCased extras (``js_enabled``...)."""
    return to_wire(
        {
            **fields,
            "name": name,
            "html": html,
            "width": width,
            "height": height,
            "variable_definitions": _definitions(variable_definitions),
            "output_format": output_format,
            "layouts": dict(layouts) if layouts is not None else None,
        }
    )


def create(body: dict[str, Any], idempotency_key: str | None) -> Endpoint[Template]:
    if not body.get("html") and not body.get("fabricJSData"):
        raise ValueError("a template needs html= (or fabric_js_data=)")
    return Endpoint(
        "POST",
        "/templates",
        _parse_template,
        body=body,
        idempotency_key=idempotency_key,
        effect=Effect.CREATES,
    )


def get(uid: str) -> Endpoint[Template]:
    return Endpoint("GET", f"/templates/{path_segment(uid)}", _parse_template)


def update(uid: str, body: dict[str, Any]) -> Endpoint[Template]:
    return Endpoint("PUT", f"/templates/{path_segment(uid)}", _parse_template, body=body)


def delete(uid: str) -> Endpoint[Deleted]:
    return Endpoint("DELETE", f"/templates/{path_segment(uid)}", model_parser(Deleted))


def render(
    uid: str,
    *,
    variables: Mapping[str, Any] | None,
    format: str,
    quality: float | None,
    width: int | None,
    height: int | None,
    layout: str | None,
    layouts: Sequence[str] | None,
    variable_sets: Sequence[Mapping[str, Any]] | None,
    preset: str | None,
    idempotency_key: str | None,
) -> Endpoint[RenderResult]:
    if layout is not None and layouts is not None:
        raise ValueError("pass layout= or layouts=, not both")
    body = to_wire(
        {
            "variables": dict(variables or {}),
            "format": output_format(format, allowed=RENDER_FORMATS, param="format"),
            "quality": quality,
            "width": width,
            "height": height,
            "layout": layout,
            "layouts": list(layouts) if layouts is not None else None,
            "variable_sets": (
                check_variable_sets(variable_sets) if variable_sets is not None else None
            ),
            "preset": preset,
        }
    )
    return Endpoint(
        "POST",
        f"/templates/{path_segment(uid)}/render",
        model_parser(RenderResult),
        body=body,
        idempotency_key=idempotency_key,
        effect=Effect.BILLED,
        long_running=variable_sets is not None,  # a multi-page PDF
    )


def get_variables(uid: str) -> Endpoint[TemplateVariables]:
    return Endpoint(
        "GET", f"/templates/{path_segment(uid)}/variables", model_parser(TemplateVariables)
    )


def batch_render(
    uid: str,
    *,
    variable_sets: Sequence[Mapping[str, Any]],
    format: str,
    quality: float | None,
    concurrency: int | None,
    webhook_url: str | None,
    layout: str | None,
    layouts: Sequence[str] | None,
    idempotency_key: str | None,
) -> Endpoint[BatchJob]:
    if concurrency is not None and not 1 <= concurrency <= 10:
        raise ValueError("concurrency must be between 1 and 10")
    body = to_wire(
        {
            "variable_sets": check_variable_sets(variable_sets),
            "format": output_format(format, allowed=BATCH_FORMATS, param="format"),
            "quality": quality,
            "concurrency": concurrency,
            "webhook_url": webhook_url,
            "layout": layout,
            "layouts": list(layouts) if layouts is not None else None,
        }
    )
    return Endpoint(
        "POST",
        f"/templates/{path_segment(uid)}/batch-render",
        model_parser(BatchJob),
        body=body,
        idempotency_key=idempotency_key,
        effect=Effect.BILLED,
    )


def batch_results(batch_id: str) -> Endpoint[BatchResults]:
    return Endpoint(
        "GET", f"/templates/batch/{path_segment(batch_id)}/results", model_parser(BatchResults)
    )


def cancel_batch(batch_id: str, idempotency_key: str | None) -> Endpoint[BatchJob]:
    return Endpoint(
        "POST",
        f"/templates/batch/{path_segment(batch_id)}/cancel",
        model_parser(BatchJob),
        idempotency_key=idempotency_key,
        # Cancelling twice leaves the batch cancelled: safe to repeat whatever happened.
        effect=Effect.IDEMPOTENT,
    )


def check_wait_args(timeout: float, poll_interval: float, max_poll_interval: float) -> None:
    """Validate ``wait_for_batch`` arguments."""
    if timeout <= 0 or poll_interval <= 0 or max_poll_interval < poll_interval:
        raise ValueError("need timeout > 0 and 0 < poll_interval <= max_poll_interval")


def next_poll_interval(current: float, max_poll_interval: float) -> float:
    """Grow the poll interval by :data:`POLL_BACKOFF`, capped at ``max_poll_interval``."""
    return min(current * POLL_BACKOFF, max_poll_interval)


def poll_wait(interval: float, remaining: float, rand: float) -> float:
    """Seconds to sleep before the next poll: the interval minus up to :data:`POLL_JITTER` of
    it (``rand`` in [0, 1)), never past the deadline."""
    return max(0.0, min(interval * (1.0 - POLL_JITTER * rand), remaining))


def timeout_message(batch_id: str, timeout: float, last: BatchResults | None) -> str:
    status = last.status if last is not None else "unknown"
    return f"batch {batch_id} still {status} after {timeout:g} s"


def cancelled_note(answer: BatchJob) -> str:
    """What the cancel call did, for the timeout message."""
    return f"; cancelled it (status {answer.status or 'unknown'})"


def finished_meanwhile(answer: BatchJob) -> bool:
    """The cancel answer says the batch had already ended (not by this cancel)."""
    return answer.status in TERMINAL_BATCH_STATUSES and answer.status != "cancelled"
