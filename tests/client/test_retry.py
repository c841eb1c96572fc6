"""The retry policy, backoff and Retry-After parsing (pure tables)."""

from __future__ import annotations

from datetime import datetime, timezone
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from pictify_ssg.client import Effect, RetryDecision, RetryPolicy
from pictify_ssg.client._error_mapping import make_status_error
from pictify_ssg.client._retry import backoff_delay, unsafe_note, unsafe_to_repeat
from pictify_ssg.client._retry_after import parse_retry_after, retry_after_seconds
from pictify_ssg.client.exceptions import APIConnectionError, APITimeoutError, PictifyError

NOW = 1_800_000_000.0
HTTP_DATE = format_datetime(datetime.fromtimestamp(NOW + 30, tz=timezone.utc), usegmt=True)
PAST_DATE = format_datetime(datetime.fromtimestamp(NOW - 30, tz=timezone.utc), usegmt=True)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2", 2.0),
        ("1.5", 1.5),
        (" 7 ", 7.0),
        (3, 3.0),
        (0.25, 0.25),
        ("-4", 0.0),
        (HTTP_DATE, 30.0),
        (PAST_DATE, 0.0),
        ("", None),
        (None, None),
        ("soon", None),
        ("nan", None),
        ("inf", None),
        (True, None),
        ("Wed, 21 Oct 2015 07:28:00", None),  # no zone: not an HTTP date
    ],
)
def test_parse_retry_after(value: Any, expected: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == expected


@pytest.mark.parametrize(
    ("headers", "body", "expected"),
    [
        ({"Retry-After": "3"}, {"retry_after": 9}, 3.0),
        ({"retry-after": HTTP_DATE}, None, 30.0),
        ({}, {"retry_after": 9}, 9.0),
        ({}, {"retryAfter": "4"}, 4.0),
        ({"Retry-After": "junk"}, {"retryAfter": 5}, 5.0),
        ({}, {}, None),
        ({}, None, None),
    ],
)
def test_retry_after_seconds(
    headers: dict[str, str], body: dict[str, Any] | None, expected: float | None
) -> None:
    assert retry_after_seconds(headers, body, now=NOW) == expected


@pytest.mark.parametrize(
    ("attempt", "rand", "expected"),
    [
        (0, 0.0, 0.5),
        (1, 0.0, 1.0),
        (2, 0.0, 2.0),
        (3, 0.0, 4.0),
        (4, 0.0, 8.0),
        (10, 0.0, 8.0),  # capped
        (0, 1.0, 0.375),  # full jitter removes 25 %
        (4, 0.5, 7.0),
    ],
)
def test_backoff_delay(attempt: int, rand: float, expected: float) -> None:
    assert backoff_delay(attempt, rng=lambda: rand) == pytest.approx(expected)


def _status(
    status: int,
    body: dict[str, Any] | None = None,
    retry_after: str | None = None,
    effect: Effect | None = Effect.IDEMPOTENT,
    method: str = "GET",
) -> PictifyError:
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return make_status_error(
        status, body or {}, headers, method=method, url="u", now=NOW, effect=effect
    )


def _billed(status: int, retry_after: str | None = None) -> PictifyError:
    return _status(status, retry_after=retry_after, effect=Effect.BILLED, method="POST")


def _timeout(method: str, phase: str, effect: Effect | None = None) -> APITimeoutError:
    return APITimeoutError("t", phase=phase, method=method, url="u", effect=effect)


def _dropped(effect: Effect | None, maybe_sent: bool = True) -> APIConnectionError:
    return APIConnectionError("x", method="POST", url="u", effect=effect, maybe_sent=maybe_sent)


NO_JITTER = RetryPolicy(max_retries=3, rng=lambda: 0.0)
BILLED, CREATES, IDEMPOTENT = Effect.BILLED, Effect.CREATES, Effect.IDEMPOTENT

RETRY_TABLE: list[tuple[str, PictifyError | httpx.Response, int, bool, float | None]] = [
    # never sent: always safe
    ("connect error billed", _dropped(BILLED, maybe_sent=False), 0, True, 0.5),
    ("connect error creates", _dropped(CREATES, maybe_sent=False), 1, True, 1.0),
    ("connect timeout POST", _timeout("POST", "connect"), 1, True, 1.0),
    ("pool timeout POST", _timeout("POST", "pool", BILLED), 0, True, 0.5),
    # may have been sent: only idempotent calls
    ("dropped connection idempotent", _dropped(IDEMPOTENT), 0, True, 0.5),
    ("dropped connection billed", _dropped(BILLED), 0, False, None),
    ("dropped connection creates", _dropped(CREATES), 0, False, None),
    ("dropped connection, hand-made POST", _dropped(None), 0, False, None),
    ("read timeout GET", _timeout("GET", "read"), 0, True, 0.5),
    ("read timeout PUT", _timeout("PUT", "read"), 0, True, 0.5),
    ("read timeout cancel (idempotent POST)", _timeout("POST", "read", IDEMPOTENT), 0, True, 0.5),
    ("read timeout POST", _timeout("POST", "read"), 0, False, None),
    ("read timeout billed", _timeout("POST", "read", BILLED), 0, False, None),
    ("write timeout POST", _timeout("POST", "write"), 0, False, None),
    # refused by the server: safe for every effect
    ("408", _status(408), 0, True, 0.5),
    ("408 billed", _billed(408), 0, True, 0.5),
    ("429 no header", _status(429), 1, True, 1.0),
    ("429 no header billed", _billed(429), 1, True, 1.0),
    ("429 Retry-After", _status(429, retry_after="7"), 0, True, 7.0),
    ("429 Retry-After billed", _billed(429, retry_after="7"), 0, True, 7.0),
    ("429 body retry_after", _status(429, {"retry_after": 2}), 0, True, 2.0),
    ("429 body retryAfter", _status(429, {"retryAfter": 3}), 0, True, 3.0),
    ("429 too long a wait", _status(429, retry_after="3600"), 0, False, None),
    ("429 quota", _status(429, {"code": "quota_exceeded"}), 0, False, None),
    ("429 spending cap", _status(429, {"code": "spending_cap_reached"}), 0, False, None),
    (
        "429 quota message",
        _status(429, {"message": "You have exhausted your plan limit"}),
        0,
        False,
        None,
    ),
    ("503 Retry-After", _status(503, retry_after="1"), 0, True, 1.0),
    ("503 Retry-After billed", _billed(503, retry_after="1"), 0, True, 1.0),
    # 5xx: the work may have happened
    ("500", _status(500), 0, True, 0.5),
    ("502", _status(502), 2, True, 2.0),
    ("504", _status(504), 0, True, 0.5),
    ("503 no header", _status(503), 0, True, 0.5),
    ("500 billed", _billed(500), 0, False, None),
    ("502 billed", _billed(502), 0, False, None),
    ("503 no header billed", _billed(503), 0, False, None),
    ("504 billed", _billed(504), 0, False, None),
    ("502 creates", _status(502, effect=CREATES, method="POST"), 0, False, None),
    ("502 hand-made POST", _status(502, effect=None, method="POST"), 0, False, None),
    # never retried
    ("402", _status(402), 0, False, None),
    ("400", _status(400), 0, False, None),
    ("401", _status(401), 0, False, None),
    ("403", _status(403), 0, False, None),
    ("404", _status(404), 0, False, None),
    ("409", _status(409), 0, False, None),
    ("422", _status(422), 0, False, None),
    ("501", _status(501), 0, False, None),
    ("505", _status(505), 0, False, None),
    ("503 retriable false", _status(503, {"retriable": False}), 0, False, None),
    ("raw response 501", httpx.Response(501, json={"code": "NOT_IMPLEMENTED"}), 0, False, None),
    ("budget spent", _status(503), 3, False, None),
    ("budget spent billed 429", _billed(429), 3, False, None),
    ("raw response 503", httpx.Response(503), 0, True, 0.5),
    (
        "raw response 429 quota",
        httpx.Response(429, json={"code": "quota_exceeded"}),
        0,
        False,
        None,
    ),
    ("raw response 429 header", httpx.Response(429, headers={"Retry-After": "2"}), 0, True, 2.0),
    ("raw response non-JSON 500", httpx.Response(500, text="<html>"), 0, True, 0.5),
    ("raw response 404", httpx.Response(404), 0, False, None),
]


@pytest.mark.parametrize(
    ("outcome", "attempt", "retry", "delay"),
    [row[1:] for row in RETRY_TABLE],
    ids=[row[0] for row in RETRY_TABLE],
)
def test_retry_policy(
    outcome: PictifyError | httpx.Response, attempt: int, retry: bool, delay: float | None
) -> None:
    decision = NO_JITTER(outcome, attempt)
    assert isinstance(decision, RetryDecision)
    assert decision.retry is retry
    assert decision.reason
    if delay is not None:
        assert decision.delay == pytest.approx(delay)


@pytest.mark.parametrize(
    ("error", "unsafe"),
    [
        (_dropped(BILLED), True),
        (_dropped(BILLED, maybe_sent=False), False),
        (_dropped(IDEMPOTENT), False),
        (_billed(502), True),
        (_billed(503, retry_after="1"), False),
        (_billed(429), False),
        (_billed(422), False),  # the server refused it: nothing to warn about
        (_status(502, effect=CREATES, method="POST"), True),
    ],
)
def test_unsafe_to_repeat(error: PictifyError, unsafe: bool) -> None:
    assert unsafe_to_repeat(error) is unsafe


def test_unsafe_note_names_the_reason() -> None:
    assert "billed" in unsafe_note(_dropped(BILLED))
    assert "Idempotency-Key" in unsafe_note(_dropped(BILLED))
    assert "duplicate" in unsafe_note(_dropped(CREATES))


def test_zero_retries_never_retries() -> None:
    assert RetryPolicy(max_retries=0)(_status(503), 0).retry is False


def test_retry_after_cap_is_configurable() -> None:
    decision = RetryPolicy(max_retry_after=5000)(_status(429, retry_after="3600"), 0)
    assert (decision.retry, decision.delay) == (True, 3600.0)
