"""Status-to-exception mapping and message extraction (pure tables)."""

from __future__ import annotations

from typing import Any

import pytest

from pictify_ssg.client._error_mapping import (
    error_class,
    extract_message,
    is_quota_429,
    make_status_error,
    request_id_of,
    throttle_wait,
)
from pictify_ssg.client.exceptions import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    PictifyError,
    QuotaExceededError,
    RateLimitError,
    RequestTimeoutError,
    ServerError,
    ValidationError,
)

NOW = 1_800_000_000.0


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
        (408, {}, RequestTimeoutError),
        (409, {"message": "Idempotency-Key reused"}, ConflictError),
        (418, {}, PictifyError),
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


@pytest.mark.parametrize(
    ("status", "cls", "error_type"),
    [(408, RequestTimeoutError, "request_timeout_error"), (409, ConflictError, "conflict_error")],
)
def test_408_and_409_have_their_own_classes(
    status: int, cls: type[PictifyError], error_type: str
) -> None:
    error = make_status_error(status, {"message": "m"}, {}, method="POST", url="u")
    assert type(error) is cls
    assert error.error_type == error_type
    assert (error.status, error.message) == (status, "m")


FAR = str(int(NOW) + 86_400)  # the window resets tomorrow: a daily budget
NEAR = str(int(NOW) + 30)

QUOTA_TABLE: list[tuple[str, dict[str, Any], dict[str, str], bool]] = [
    ("quota code", {"code": "quota_exceeded"}, {}, True),
    ("spending cap code", {"errorCode": "spending_cap_reached"}, {}, True),
    ("code wins over Retry-After", {"code": "quota_exceeded"}, {"Retry-After": "1"}, True),
    ("dashboard quota fields", {"error": "Limit", "upgradeUrl": "https://u"}, {}, True),
    ("old backend message", {"message": "You have exhausted your plan limit"}, {}, True),
    ("quota word", {"error": "Monthly quota reached"}, {}, True),
    ("remaining 0, far reset", {}, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": FAR}, True),
    (
        "remaining 0, near reset",
        {},
        {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": NEAR},
        False,
    ),
    ("remaining 0, no reset", {}, {"X-RateLimit-Remaining": "0"}, False),
    ("remaining 5, far reset", {}, {"X-RateLimit-Remaining": "5", "X-RateLimit-Reset": FAR}, False),
    (
        "remaining 0, far delta",
        {},
        {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "7200"},
        True,
    ),
    ("Retry-After header", {"message": "plan limit"}, {"Retry-After": "2"}, False),
    ("retry_after body", {"error": "exhausted", "retry_after": 2}, {}, False),
    ("throttle code", {"code": "rate_limited", "error": "upgrade for more"}, {}, False),
    ("bare 429", {}, {}, False),
    ("odd code type", {"code": {"x": 1}}, {}, False),
    ("odd header values", {}, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "inf"}, False),
]


@pytest.mark.parametrize(
    ("body", "headers", "quota"), [r[1:] for r in QUOTA_TABLE], ids=[r[0] for r in QUOTA_TABLE]
)
def test_quota_or_throttle(body: dict[str, Any], headers: dict[str, str], quota: bool) -> None:
    assert is_quota_429(body, headers, now=NOW) is quota
    expected = QuotaExceededError if quota else RateLimitError
    assert type(make_status_error(429, body, headers, now=NOW)) is expected


@pytest.mark.parametrize(
    ("headers", "body", "expected"),
    [
        ({"Retry-After": "3"}, {}, 3.0),
        ({}, {"retryAfter": 4}, 4.0),
        ({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": NEAR}, {}, 30.0),
        ({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "12"}, {}, 12.0),  # a delta
        ({"X-RateLimit-Remaining": "1", "X-RateLimit-Reset": NEAR}, {}, None),
        ({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "-5"}, {}, None),
        ({}, {}, None),
    ],
)
def test_throttle_wait(
    headers: dict[str, str], body: dict[str, Any], expected: float | None
) -> None:
    assert throttle_wait(headers, body, now=NOW) == expected
    if expected is not None and not body and "Retry-After" not in headers:
        error = make_status_error(429, body, headers, now=NOW)
        assert isinstance(error, RateLimitError)
        assert error.retry_after == expected
