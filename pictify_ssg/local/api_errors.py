"""Error responses in the shape the hosted API and its official clients agree on.

Every error body carries ``error`` and ``message`` (the same text: PYSDK reads ``error`` first,
MCP reads ``message`` first) plus a machine ``code``; validation errors add ``errors``. The one
exception is the 401, whose body is exactly ``{"message": "Invalid Request"}`` as on the hosted API.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError
from starlette.responses import JSONResponse


class ApiError(Exception):
    """A client-visible error: raising it anywhere in a handler becomes one JSON response.

    Args:
        status: HTTP status code.
        message: Human-readable text (goes into both ``error`` and ``message``).
        code: Machine-readable code such as ``TEMPLATE_NOT_FOUND``.
        errors: Field errors (422 only), each ``{"field", "message"}``.
        headers: Extra response headers (e.g. ``Retry-After``).
        extra: Extra body fields (e.g. ``retry_after``).
    """

    def __init__(
        self,
        status: int,
        message: str,
        code: str,
        *,
        errors: Sequence[Mapping[str, Any]] | None = None,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.errors = [dict(e) for e in errors] if errors is not None else None
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})

    def body(self) -> dict[str, Any]:
        """The JSON body of this error."""
        body: dict[str, Any] = {"error": self.message, "message": self.message, "code": self.code}
        if self.errors is not None:
            body["errors"] = self.errors
        body.update(self.extra)
        return body

    def response(self) -> JSONResponse:
        """This error as a Starlette response."""
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)


def unauthorized() -> JSONResponse:
    """The hosted API's 401, byte for byte."""
    return JSONResponse({"message": "Invalid Request"}, status_code=401)


def internal_error() -> JSONResponse:
    """The 500 for a server bug: a fixed text, never the exception or its traceback."""
    return ApiError(
        500, "Internal server error", "INTERNAL_ERROR", extra={"retriable": True}
    ).response()


def not_found(what: str, code: str) -> ApiError:
    """A 404 for an unknown resource, e.g. ``not_found("Template", "TEMPLATE_NOT_FOUND")``."""
    return ApiError(404, f"{what} not found", code)


def validation_failed(exc: ValidationError) -> ApiError:
    """Turn a pydantic error into a 422 that names every bad field."""
    errors = []
    for item in exc.errors(include_url=False, include_context=False, include_input=False):
        field = ".".join(str(part) for part in item["loc"]) or "body"
        errors.append({"field": field, "message": item["msg"], "code": item["type"]})
    summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return ApiError(422, f"Validation failed: {summary}", "VALIDATION_ERROR", errors=errors)


def invalid_field(field: str, message: str, code: str = "VALIDATION_ERROR") -> ApiError:
    """A 422 for one field that failed a check outside the request model."""
    return ApiError(
        422,
        f"Validation failed: {field}: {message}",
        code,
        errors=[{"field": field, "message": message, "code": code}],
    )
