"""``page``/``limit`` pagination (templates, webhook subscriptions, bindings; wire notes §5)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from starlette.requests import Request

from pictify_ssg.local.queries import int_param

MAX_LIMIT = 100


def page_of(
    request: Request, docs: Sequence[Any], key: str, *, default_limit: int
) -> dict[str, Any]:
    """``{key: [...one page...], "pagination": {page, limit, total, totalPages, hasNext,
    hasPrev}}`` for the ``page`` (1-based) and ``limit`` query parameters.

    Raises:
        ApiError: 422 for a ``page`` or ``limit`` that is not a whole number in range.
    """
    page = int_param(request, "page", 1, minimum=1)
    limit = int_param(request, "limit", default_limit, minimum=1, maximum=MAX_LIMIT)
    total = len(docs)
    pages = max(1, math.ceil(total / limit))
    return {
        key: list(docs[(page - 1) * limit : page * limit]),
        "pagination": {
            "page": page,
            "limit": limit,
            "total": total,
            "totalPages": pages,
            "hasNext": page < pages,
            "hasPrev": page > 1,
        },
    }
