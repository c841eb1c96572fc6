"""Status-to-exception mapping and message extraction (pure tables)."""

from __future__ import annotations

from typing import Any

import pytest

from pictify_ssg.client._errors import (
    error_class,
    extract_message,
    make_status_error,
    request_id_of,
)
from pictify_ssg.client.exceptions import (
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    PictifyError,
    QuotaExceededError,
    RateLimitError,
    ServerError,
    ValidationError,
)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"error": "Render failed", "message": "ignored", "code": "x"}, "Render failed"),
        ({"message": "Template not found"}, "Template not found"),
        ({"message": "Validation failed", "errors": ["x"]}, "Validation failed"),
        ({"errors": ["first fix", "second fix"]}, "first fix; second fix"),
        (
            {"errors": [{"field": "width", "message": "too big"}, {"error": "bad"}]},
            "width: too big; bad",
        ),
        ({"detail": "RFC 9457 detail"}, "RFC 9457 detail"),
        ({"error": "  ", "message": "blank error skipped"}, "blank error skipped"),
        ({"error": 42, "message": "non-string error skipped"}, "non-string error skipped"),
        ({}, "HTTP 418"),
        ({"errors": []}, "HTTP 418"),
    ],
)
def test_extract_message(body: dict[str, Any], expected: str) -> None:
    assert extract_message(body, 418) == expected


def test_extract_message_without_status() -> None:
    assert extract_message({}) == "Unknown Pictify error"


@pytest.mark.parametrize(
    ("status", "body", "cls"),
    [
        (400, {}, ValidationError),
        (401, {"message": "Invalid Request"}, AuthenticationError),
        (402, {}, QuotaExceededError),
        (403, {"error": "Email verification required"}, PermissionDeniedError),
        (404, {}, NotFoundError),
        (408, {}, PictifyError),
        (409, {}, PictifyError),
        (413, {"code": "TEMPLATE_TOO_LARGE"}, ValidationError),
        (422, {"errors": ["x"]}, ValidationError),
        (429, {}, RateLimitError),
        (429, {"code": "rate_limited"}, RateLimitError),
        (429, {"code": "quota_exceeded"}, QuotaExceededError),
        (429, {"code": "spending_cap_reached"}, QuotaExceededError),
        (500, {}, ServerError),
        (501, {}, ServerError),
        (503, {}, ServerError),
        (504, {}, ServerError),
    ],
)
def test_error_class(status: int, body: dict[str, Any], cls: type[PictifyError]) -> None:
    assert error_class(status, body) is cls
    assert type(make_status_error(status, body, {})) is cls


def test_make_status_error_fills_every_attribute() -> None:
    body = {"error": "Slow down", "code": "rate_limited", "retry_after": 4, "type": "throttle"}
    error = make_status_error(
        429, body, {"X-Request-Id": "req_1"}, method="POST", url="https://x/image"
    )
    assert isinstance(error, RateLimitError)
    assert error.message == "Slow down"
    assert error.status == error.status_code == 429
    assert error.code == "rate_limited"
    assert error.error_type == "throttle"
    assert error.retry_after == 4.0
    assert error.request_id == "req_1"
    assert error.body == body
    assert (error.method, error.url) == ("POST", "https://x/image")
    assert str(error) == "[429] Slow down"


def test_validation_error_keeps_field_errors() -> None:
    errors = [{"field": "width", "message": "too big"}]
    error = make_status_error(422, {"message": "Validation failed", "errors": errors}, {})
    assert isinstance(error, ValidationError)
    assert error.errors == errors
    assert error.error_type == "validation_error"


@pytest.mark.parametrize(
    ("status", "expected_type"),
    [(401, "authentication_error"), (500, "server_error"), (418, "pictify_error")],
)
def test_default_error_type(status: int, expected_type: str) -> None:
    assert make_status_error(status, {}, {}).error_type == expected_type


@pytest.mark.parametrize(
    ("headers", "body", "expected"),
    [
        ({"x-request-id": "a"}, {}, "a"),
        ({"X-Pictify-Request-Id": "b"}, {}, "b"),
        ({}, {"requestId": "c"}, "c"),
        ({}, {"request_id": 7}, "7"),
        ({}, {}, None),
    ],
)
def test_request_id(headers: dict[str, str], body: dict[str, Any], expected: str | None) -> None:
    assert request_id_of(headers, body) == expected
