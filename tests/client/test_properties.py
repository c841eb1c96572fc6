"""Property-based tests of the parsers that read what a server (or an attacker) sends.

No input makes them raise anything but their documented errors, and their round trips hold.
Each property runs a modest, derandomized set of examples and writes no example database, so
the suite stays fast and repeatable on a two-core CI runner.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import Any

import pytest

# The dev extra installs hypothesis on Python >= 3.11 only (see pyproject.toml).
hypothesis = pytest.importorskip("hypothesis")

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from pictify_ssg.client import OffsetPagination, PagePagination, Template  # noqa: E402
from pictify_ssg.client._error_mapping import is_quota_429, make_status_error  # noqa: E402
from pictify_ssg.client._pagination import ListQuery, PageData  # noqa: E402
from pictify_ssg.client._rate_limit import (  # noqa: E402
    MAX_RESET,
    RateLimitInfo,
    parse_rate_limit,
)
from pictify_ssg.client._retry_after import parse_retry_after, retry_after_seconds  # noqa: E402
from pictify_ssg.client.exceptions import QuotaExceededError, RateLimitError  # noqa: E402
from pictify_ssg.client.webhooks import (  # noqa: E402
    WebhookVerificationError,
    sign,
    verify_signature,
)

NOW = 1_800_000_000.0
FAST = settings(max_examples=60, derandomize=True, database=None, deadline=None)

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
#: Header values as a server might send them: numbers (odd ones too) or any text.
header_values = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["inf", "-inf", "nan", "1e400", "", " 5 ", "60, 60", "0x10", "½", "٣"]),
    st.text(max_size=30),
)
RATE_HEADERS = ["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After"]
headers_strategy = st.dictionaries(
    st.sampled_from([*RATE_HEADERS, *(h.lower() for h in RATE_HEADERS), "X-Other"]),
    header_values,
    max_size=5,
)


# --- Retry-After -----------------------------------------------------------------------


@FAST
@given(
    st.one_of(
        json_values,
        header_values,
        st.integers(),
        st.integers(min_value=10**300, max_value=10**400),  # beyond float range
        st.binary(max_size=8),
    )
)
def test_retry_after_never_raises(value: Any) -> None:
    seconds = parse_retry_after(value, now=NOW)
    assert seconds is None or (math.isfinite(seconds) and seconds >= 0)


@FAST
@given(st.integers(min_value=0, max_value=10**12))
def test_retry_after_seconds_round_trip(seconds: int) -> None:
    assert parse_retry_after(str(seconds), now=NOW) == float(seconds)
    assert parse_retry_after(seconds, now=NOW) == float(seconds)
    assert parse_retry_after(-seconds, now=NOW) == 0.0


@FAST
@given(
    st.datetimes(
        min_value=datetime(1970, 1, 2),
        max_value=datetime(9999, 12, 30),
        timezones=st.just(timezone.utc),
    ).map(lambda d: d.replace(microsecond=0))
)
def test_retry_after_http_date_round_trip(when: datetime) -> None:
    expected = max(0.0, when.timestamp() - NOW)
    assert parse_retry_after(format_datetime(when, usegmt=True), now=NOW) == pytest.approx(expected)


@FAST
@given(
    headers_strategy,
    st.dictionaries(st.sampled_from(["retry_after", "retryAfter", "x"]), json_values),
)
def test_retry_after_from_headers_and_body_never_raises(
    headers: dict[str, str], body: dict[str, Any]
) -> None:
    seconds = retry_after_seconds(headers, body, now=NOW)
    assert seconds is None or (math.isfinite(seconds) and seconds >= 0)


# --- X-RateLimit-* -----------------------------------------------------------------------


@FAST
@given(headers_strategy)
def test_rate_limit_parser_never_raises(headers: dict[str, str]) -> None:
    info = parse_rate_limit(headers)
    if info is None:
        return
    for value in (info.limit, info.remaining, info.reset):
        assert value is None or value >= 0
    assert info.reset is None or info.reset <= MAX_RESET
    assert info.reset_at is None or info.reset_at.tzinfo is not None
    wait = info.seconds_until_reset(NOW)
    assert wait is None or wait >= 0


@FAST
@given(
    st.integers(min_value=0, max_value=10**9),
    st.integers(min_value=0, max_value=10**9),
    st.integers(min_value=0, max_value=MAX_RESET),
    st.sampled_from([str.lower, str.upper, str.title]),
)
def test_rate_limit_round_trip(limit: int, remaining: int, reset: int, case: Any) -> None:
    headers = {
        case("X-RateLimit-Limit"): str(limit),
        case("X-RateLimit-Remaining"): str(remaining),
        case("X-RateLimit-Reset"): str(reset),
    }
    assert parse_rate_limit(headers) == RateLimitInfo(limit, remaining, reset)


@FAST
@given(st.dictionaries(st.text(max_size=12), json_values, max_size=6), headers_strategy)
def test_429_classification_never_raises(body: dict[str, Any], headers: dict[str, str]) -> None:
    quota = is_quota_429(body, headers, now=NOW)
    error = make_status_error(429, body, headers, now=NOW)
    assert type(error) is (QuotaExceededError if quota else RateLimitError)
    if isinstance(error, RateLimitError):
        assert error.retry_after is None or (
            math.isfinite(error.retry_after) and error.retry_after >= 0
        )


# --- webhook signatures -------------------------------------------------------------------

secrets = st.binary(min_size=1, max_size=32) | st.text(min_size=1, max_size=32)
timestamps = st.integers(min_value=0, max_value=4_000_000_000)


@FAST
@given(st.binary(max_size=256), secrets, timestamps)
def test_signature_round_trip(payload: bytes, secret: str | bytes, timestamp: int) -> None:
    header = sign(payload, secret, timestamp)
    assert verify_signature(payload, header, secret, now=timestamp)
    assert verify_signature(payload, header, secret, tolerance=None)


@FAST
@given(st.binary(max_size=128), st.binary(max_size=128), secrets, timestamps)
def test_a_changed_payload_fails(payload: bytes, other: bytes, secret: str | bytes, t: int) -> None:
    if other == payload:
        other = payload + b"x"
    assert not verify_signature(other, sign(payload, secret, t), secret, now=t)


@FAST
@given(st.binary(max_size=64), secrets, secrets, timestamps)
def test_a_different_secret_fails(
    payload: bytes, secret: str | bytes, other: str | bytes, t: int
) -> None:
    as_bytes = other.encode() if isinstance(other, str) else other
    if as_bytes == (secret.encode() if isinstance(secret, str) else secret):
        as_bytes += b"x"
    assert not verify_signature(payload, sign(payload, secret, t), as_bytes, now=t)


@FAST
@given(st.binary(max_size=64), secrets, timestamps, st.integers(min_value=1, max_value=10**6))
def test_a_changed_timestamp_fails(payload: bytes, secret: str | bytes, t: int, shift: int) -> None:
    signature = sign(payload, secret, t).split(",v1=")[1]
    forged = f"t={t + shift},v1={signature}"
    assert not verify_signature(payload, forged, secret, tolerance=None)


@FAST
@given(
    st.binary(max_size=64), secrets, timestamps, st.integers(min_value=0, max_value=63), st.data()
)
def test_a_changed_signature_fails(
    payload: bytes, secret: str | bytes, t: int, position: int, data: st.DataObject
) -> None:
    header = sign(payload, secret, t)
    prefix, digest = header.split(",v1=")
    replacement = data.draw(
        st.sampled_from([c for c in "0123456789abcdef" if c != digest[position]])
    )
    tampered = digest[:position] + replacement + digest[position + 1 :]
    assert not verify_signature(payload, f"{prefix},v1={tampered}", secret, now=t)


@FAST
@given(st.binary(max_size=64), st.one_of(st.none(), st.text(max_size=200)), secrets)
def test_any_header_gives_a_bool_or_the_documented_error(
    payload: bytes, header: str | None, secret: str | bytes
) -> None:
    try:
        result = verify_signature(payload, header, secret, now=NOW)
    except WebhookVerificationError:
        return  # a well-formed header with a stale timestamp
    assert result is False  # random text is never a valid signature


# --- pagination ---------------------------------------------------------------------------


def _query(style: str) -> ListQuery[Template]:
    return ListQuery("/templates", "templates", Template.model_validate, style, 2)  # type: ignore[arg-type]


@FAST
@given(st.sampled_from(["page", "offset"]), json_values, st.integers(min_value=0, max_value=10**6))
def test_any_page_body_parses_or_raises_value_error(style: str, body: Any, cursor: int) -> None:
    query = _query(style)
    try:
        page = query.parse_page(body)
    except ValueError:
        return  # documented: items that are not readable as the model
    following = query.next_cursor(page, cursor)
    assert following is None or following > cursor


pagination_blocks = st.dictionaries(
    st.sampled_from(
        ["page", "limit", "total", "totalPages", "hasNext", "hasPrev", "offset", "hasMore"]
    ),
    json_values,
    max_size=6,
)


@FAST
@given(
    st.sampled_from(["page", "offset"]),
    st.lists(st.text(min_size=1, max_size=6), max_size=5),
    pagination_blocks,
    st.integers(min_value=0, max_value=10**6),
)
def test_any_pagination_block_is_tolerated(
    style: str, uids: list[str], pagination: dict[str, Any], cursor: int
) -> None:
    query = _query(style)
    body = {"templates": [{"uid": uid} for uid in uids], "pagination": pagination}
    page = query.parse_page(body)  # a well-formed item list never fails, whatever the block
    assert [t.uid for t in page.items] == uids
    assert isinstance(page.pagination, PagePagination if style == "page" else OffsetPagination)
    following = query.next_cursor(page, cursor)
    assert following is None or following > cursor


@FAST
@given(
    st.integers(min_value=0, max_value=60),
    st.integers(min_value=1, max_value=10),
    st.sampled_from(["hasNext", "totalPages", "total"]),
)
def test_page_walk_round_trip(total: int, limit: int, signal: str) -> None:
    """Walking a consistent server's pages visits every item exactly once."""
    query: ListQuery[Template] = ListQuery(
        "/t", "templates", Template.model_validate, "page", limit
    )
    everything = [f"T{i}" for i in range(total)]
    pages = max(1, -(-total // limit))
    seen: list[str] = []
    cursor: int | None = 1
    while cursor is not None:
        chunk = everything[(cursor - 1) * limit : cursor * limit]
        block: dict[str, Any] = {"page": cursor, "limit": limit, "total": total}
        if signal == "hasNext":
            block["hasNext"] = cursor < pages
        elif signal == "totalPages":
            block["totalPages"] = pages
        page: PageData[Template] = query.parse_page(
            {"templates": [{"uid": u} for u in chunk], "pagination": block}
        )
        seen += [t.uid for t in page.items]
        cursor = query.next_cursor(page, cursor)
    assert seen == everything


@FAST
@given(
    st.integers(min_value=0, max_value=60), st.integers(min_value=1, max_value=10), st.booleans()
)
def test_offset_walk_round_trip(total: int, limit: int, has_more: bool) -> None:
    query: ListQuery[Template] = ListQuery(
        "/t", "templates", Template.model_validate, "offset", limit
    )
    everything = [f"T{i}" for i in range(total)]
    seen: list[str] = []
    cursor: int | None = 0
    while cursor is not None:
        chunk = everything[cursor : cursor + limit]
        block: dict[str, Any] = {"total": total, "limit": limit, "offset": cursor}
        if has_more:
            block["hasMore"] = cursor + len(chunk) < total
        page = query.parse_page({"templates": [{"uid": u} for u in chunk], "pagination": block})
        seen += [t.uid for t in page.items]
        cursor = query.next_cursor(page, cursor)
    assert seen == everything
