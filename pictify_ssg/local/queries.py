"""Query-string parsing with 422s instead of crashes."""

from __future__ import annotations

from starlette.requests import Request

from pictify_ssg.local.api_errors import invalid_field


def int_param(
    request: Request, name: str, default: int, *, minimum: int = 0, maximum: int | None = None
) -> int:
    """An integer query parameter within bounds.

    Raises:
        ApiError: The value is not an integer or out of bounds (422).
    """
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise invalid_field(name, f"must be an integer, got {raw!r}") from None
    if value < minimum or (maximum is not None and value > maximum):
        bound = f"between {minimum} and {maximum}" if maximum is not None else f">= {minimum}"
        raise invalid_field(name, f"must be {bound}, got {value}")
    return value
