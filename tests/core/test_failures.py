"""Failures as values: the client's error kinds mapped onto the build's, never read from text."""

from __future__ import annotations

import httpx
import pytest

from pictify_ssg.client._error_mapping import make_status_error
from pictify_ssg.client.exceptions import (
    APIConnectionError,
    APITimeoutError,
    PictifyError,
)
from pictify_ssg.core.errors import PageError
from pictify_ssg.core.failures import Failure, FailureKind, Subject


def _status(status: int, body: dict[str, object] | None = None) -> PictifyError:
    return make_status_error(status, body or {"message": f"status {status}"}, {})


@pytest.mark.parametrize(
    ("error", "subject", "kind", "retryable"),
    [
        (_status(401), "page", "account", False),
        (_status(403), "template", "account", False),
        (_status(402), "page", "account", False),
        (_status(429, {"code": "quota_exceeded"}), "page", "account", False),
        (_status(400), "template", "template", False),
        (_status(422), "page", "page", False),
        (_status(404), "template", "template", False),
        (_status(409), "page", "page", False),
        (_status(429), "page", "transient", True),
        (_status(408), "page", "transient", True),
        (_status(500), "page", "service", True),
        (_status(503), "template", "service", True),
        (_status(501), "page", "service", False),
        (_status(503, {"message": "no", "retriable": False}), "page", "service", False),
        (APIConnectionError("refused", maybe_sent=False), "page", "service", True),
        (APITimeoutError("slow", phase="read"), "page", "service", True),
        (httpx.ReadError("reset"), "page", "service", True),
        (RuntimeError("render returned no image"), "page", "service", True),
        (PageError("bad front matter", page="a.md"), "page", "page", False),
        (PageError("the file is gone"), "template", "template", False),
    ],
)
def test_kind_and_retry_come_from_the_error(
    error: BaseException, subject: Subject, kind: FailureKind, retryable: bool
) -> None:
    failure = Failure.from_error(error, subject=subject)
    assert failure.kind == kind
    assert failure.retryable is retryable
    assert failure.reason


def test_page_errors_give_their_reason_without_the_page() -> None:
    failure = Failure.from_error(PageError("'pictify.title' must be text", page="a.md"))
    assert failure.reason == "'pictify.title' must be text"
    assert str(PageError("'pictify.title' must be text", page="a.md")).startswith("page 'a.md': ")


def test_account_errors_say_what_to_do() -> None:
    assert "PICTIFY_API_KEY" in Failure.from_error(_status(401)).reason
    assert "quota" in Failure.from_error(_status(402)).reason


def test_an_unreachable_service_is_named_where_the_template_is_sent() -> None:
    refused = APIConnectionError("connection refused", maybe_sent=False)
    assert "base_url" in Failure.from_error(refused, subject="template").reason
    assert "base_url" not in Failure.from_error(refused, subject="page").reason
