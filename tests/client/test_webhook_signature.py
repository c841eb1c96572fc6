"""Webhook signing and verification (``X-Pictify-Signature: t=...,v1=...``)."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from pictify_ssg.client.webhooks import (
    SIGNATURE_HEADER,
    WebhookVerificationError,
    sign,
    verify_signature,
)

SECRET = "whsec_test"
BODY = b'{"event":"render.completed","data":{"url":"https://cdn/x.png"}}'
NOW = 1_800_000_000


def _hex(t: int, body: bytes = BODY, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()


GOOD = _hex(NOW)
OTHER = _hex(NOW, secret="another")


def test_header_name() -> None:
    assert SIGNATURE_HEADER == "X-Pictify-Signature"


def test_sign_matches_the_documented_scheme() -> None:
    assert sign(BODY, SECRET, timestamp=NOW) == f"t={NOW},v1={GOOD}"
    assert sign(BODY.decode(), SECRET.encode(), timestamp=NOW) == f"t={NOW},v1={GOOD}"


def test_sign_defaults_to_now_and_round_trips() -> None:
    header = sign(BODY, SECRET)
    assert verify_signature(BODY, header, SECRET)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (f"t={NOW},v1={GOOD}", True),
        (f"v1={GOOD},t={NOW}", True),
        (f" t = {NOW} , v1 = {GOOD} ", True),
        (f"t={NOW},v1={GOOD.upper()}", True),
        (f"t={NOW},v1={OTHER},v1={GOOD}", True),  # rotation: any entry may match
        (f"t={NOW},v0=abc,v1={GOOD}", True),  # unknown schemes ignored
        (f"t={NOW},v1=nothex,v1={GOOD}", True),  # a junk v1 entry is skipped
        (f"t={NOW},v1={OTHER}", False),
        (f"t={NOW + 1},v1={GOOD}", False),  # signed timestamp differs
        (f"t={NOW},v1={GOOD[:-1]}", False),
        (f"t={NOW}", False),
        (f"v1={GOOD}", False),
        ("", False),
        ("garbage", False),
        ("t=,v1=", False),
        (f"t=abc,v1={GOOD}", False),
        (f"t=-5,v1={GOOD}", False),
        (f"t={NOW},t={NOW},v1={GOOD}", False),  # duplicate timestamp
        (f"t=١٢٣,v1={GOOD}", False),  # non-ASCII digits
        (f"t={NOW};v1={GOOD}", False),
        (f"t={NOW},v1={GOOD}," + "x" * 5000, False),  # oversized
        (None, False),
    ],
)
def test_verify_signature(header: str | None, expected: bool) -> None:
    assert verify_signature(BODY, header, SECRET, now=NOW) is expected


def test_payload_must_be_the_raw_bytes() -> None:
    header = f"t={NOW},v1={GOOD}"
    assert verify_signature(BODY.decode(), header, SECRET, now=NOW)
    reserialised = b'{"event": "render.completed", "data": {"url": "https://cdn/x.png"}}'
    assert not verify_signature(reserialised, header, SECRET, now=NOW)
    assert not verify_signature(BODY, header, "wrong", now=NOW)


def test_non_utf8_payloads_are_fine() -> None:
    body = b"\xff\xfe binary"
    assert verify_signature(body, sign(body, SECRET, timestamp=NOW), SECRET, now=NOW)


@pytest.mark.parametrize(
    ("offset", "ok"), [(0, True), (300, True), (-300, True), (301, False), (-301, False)]
)
def test_timestamp_tolerance(offset: int, ok: bool) -> None:
    header = sign(BODY, SECRET, timestamp=NOW)
    if ok:
        assert verify_signature(BODY, header, SECRET, now=NOW + offset)
    else:
        with pytest.raises(WebhookVerificationError, match="tolerance"):
            verify_signature(BODY, header, SECRET, now=NOW + offset)


def test_tolerance_can_be_changed_or_disabled() -> None:
    header = sign(BODY, SECRET, timestamp=NOW)
    assert verify_signature(BODY, header, SECRET, tolerance=None, now=NOW + 10**6)
    assert verify_signature(BODY, header, SECRET, tolerance=3600, now=NOW + 3000)


def test_stale_error_is_a_value_error() -> None:
    # The SDK docs' Flask/FastAPI handlers catch ValueError for stale timestamps.
    assert issubclass(WebhookVerificationError, ValueError)


@pytest.mark.parametrize("secret", ["", b""])
def test_empty_secret_is_refused(secret: str | bytes) -> None:
    with pytest.raises(WebhookVerificationError, match="empty"):
        verify_signature(BODY, f"t={NOW},v1={GOOD}", secret, now=NOW)
    with pytest.raises(WebhookVerificationError):
        sign(BODY, secret)
