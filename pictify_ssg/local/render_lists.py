"""``limit``/``offset`` lists of stored renders (``GET /image``, ``GET /gif``, ``GET /pdf``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from pictify_ssg.local.api_errors import not_found
from pictify_ssg.local.queries import int_param
from pictify_ssg.local.state import get_state
from pictify_ssg.local.storage import Kind

Public = Callable[[dict[str, Any]], dict[str, Any]]


def offset_page(request: Request, kind: Kind, key: str, public: Public) -> JSONResponse:
    """``{<key>: [...], pagination: {total, limit, offset, hasMore}}``, newest first.

    Raises:
        ApiError: ``limit`` (1-100, default 30) or ``offset`` (>= 0) is invalid (422).
    """
    limit = int_param(request, "limit", 30, minimum=1, maximum=100)
    offset = int_param(request, "offset", 0, minimum=0)
    docs = get_state(request).storage.all(kind)
    chunk = docs[offset : offset + limit]
    return JSONResponse(
        {
            key: [public(d) for d in chunk],
            "pagination": {
                "total": len(docs),
                "limit": limit,
                "offset": offset,
                "hasMore": offset + len(chunk) < len(docs),
            },
        }
    )


def one_record(request: Request, kind: Kind, public: Public, *, what: str) -> JSONResponse:
    """``{<kind>: <record>}`` for the ``uid`` path parameter.

    Raises:
        ApiError: No such record (404 ``<KIND>_NOT_FOUND``, "<what> not found").
    """
    doc = get_state(request).storage.get(kind, request.path_params["uid"])
    if doc is None:
        raise not_found(what, f"{kind.upper()}_NOT_FOUND")
    return JSONResponse({kind: public(doc)})


def pick(record: dict[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    """The ``fields`` of a stored record that exist (bookkeeping such as ``file`` left out)."""
    return {name: record[name] for name in fields if name in record}
