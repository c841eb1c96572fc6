"""Abusive requests: oversized bodies, absurdly nested JSON, server bugs.

Each gets a JSON error with a code, never a traceback, and the connection it came on keeps
working: the next request on the same keep-alive connection is answered.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pictify_ssg.local import LocalServer, ServerOptions
from pictify_ssg.local.body_limit import MAX_BODY_BYTES
from pictify_ssg.local.json_body import MAX_JSON_DEPTH, nesting_depth
from pictify_ssg.local.storage import Storage

from .helpers import StartServer, client_for
from .rawhttp import RawConnection

MIB = 1024 * 1024
UPLOAD = 50 * MIB


def _auth(server: LocalServer) -> list[tuple[str, str]]:
    return [("Authorization", f"Bearer {server.api_key}"), ("Content-Type", "application/json")]


def _chunks(total: int, size: int = MIB) -> Iterator[bytes]:
    """``total`` bytes of a JSON-looking body, generated as it is sent (never held whole)."""
    yield b'{"html": "'
    sent = 10
    while sent < total:
        piece = min(size, total - sent)
        yield b"x" * piece
        sent += piece


def _client_port(response: httpx.Response) -> int:
    """The local port of the connection a response came on (same port, same connection)."""
    port: int = response.extensions["network_stream"].get_extra_info("client_addr")[1]
    return port


def test_a_declared_oversized_body_is_refused_before_it_is_sent(
    local_server: LocalServer,
) -> None:
    with RawConnection(local_server.base_url) as raw:
        raw.start("POST", "/templates", [*_auth(local_server), ("Content-Length", str(UPLOAD))])

        # Not a byte of the body has gone out, and the answer is already here.
        assert raw.response_waiting(timeout=10)
        status, _, body = raw.read_response()
        for chunk in _chunks(UPLOAD):
            raw.send_body(chunk)
        raw.end()
        raw.next_request()
        health = raw.get_json("/health")

    assert status == 413
    error = json.loads(body)
    assert error["code"] == "PAYLOAD_TOO_LARGE"
    assert error["error"] == error["message"]
    assert error["limit"] == MAX_BODY_BYTES
    assert health[0] == 200


def test_a_chunked_body_is_cut_off_at_the_limit(local_server: LocalServer) -> None:
    with RawConnection(local_server.base_url) as raw:
        raw.start("POST", "/templates", [*_auth(local_server), ("Transfer-Encoding", "chunked")])
        chunks = _chunks(UPLOAD)
        sent = 0
        # Send a little past the limit; the 413 must come while most of the 50 MB is unsent.
        while sent <= MAX_BODY_BYTES + MIB:
            chunk = next(chunks)
            raw.send_body(chunk)
            sent += len(chunk)
        assert raw.response_waiting(timeout=10)
        status, _, body = raw.read_response()
        for chunk in chunks:
            raw.send_body(chunk)
        raw.end()
        raw.next_request()
        health = raw.get_json("/health")

    assert status == 413
    assert json.loads(body)["code"] == "PAYLOAD_TOO_LARGE"
    assert health[0] == 200


def test_a_streamed_50_mb_upload_gets_413_and_the_connection_stays_usable(
    api: httpx.Client,
) -> None:
    refused = api.post(
        "/templates", content=_chunks(UPLOAD), headers={"Content-Type": "application/json"}
    )
    listed = api.get("/templates", params={"limit": 1})

    assert refused.status_code == 413
    assert refused.json()["code"] == "PAYLOAD_TOO_LARGE"
    assert listed.status_code == 200
    assert _client_port(listed) == _client_port(refused)


def test_a_chunked_body_under_the_limit_still_works(api: httpx.Client) -> None:
    body = json.dumps({"html": "<p>{{a}}</p>", "name": "x" * 400}).encode()

    response = api.post(
        "/templates",
        content=(body[i : i + 7] for i in range(0, len(body), 7)),
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 200, response.text
    assert response.json()["template"]["variables"] == ["a"]


def test_the_limit_also_holds_where_the_idempotency_layer_reads_the_body(
    start_server: StartServer,
) -> None:
    server = start_server(ServerOptions(idempotency=True))
    with client_for(server) as api:
        refused = api.post(
            "/templates",
            content=_chunks(MAX_BODY_BYTES + MIB),
            headers={"Content-Type": "application/json", "Idempotency-Key": "k1"},
        )
        after = api.get("/templates")

    assert refused.status_code == 413
    assert refused.json()["code"] == "PAYLOAD_TOO_LARGE"
    assert after.status_code == 200


def _nested(depth: int, kind: str = "array") -> str:
    """JSON text ``depth`` levels deep: ``[[[]]]`` or ``{"a":{"a":1}}``."""
    if kind == "array":
        return "[" * depth + "]" * depth
    return '{"a":' * depth + "1" + "}" * depth


@pytest.mark.parametrize("kind", ["array", "object"])
def test_json_nested_100000_deep_is_a_400_with_no_traceback(
    api: httpx.Client, caplog: pytest.LogCaptureFixture, kind: str
) -> None:
    body = _nested(100_000, kind)
    payload = '{"html": "<p/>", "variables": {"v": ' + body + "}}"

    with caplog.at_level(logging.DEBUG):
        started = time.monotonic()
        refused = api.post(
            "/templates", content=payload, headers={"Content-Type": "application/json"}
        )
        elapsed = time.monotonic() - started
        after = api.get("/templates", params={"limit": 1})

    assert refused.status_code == 400, refused.text
    error = refused.json()
    assert error["code"] == "JSON_TOO_DEEP"
    assert str(MAX_JSON_DEPTH) in error["message"]
    assert elapsed < 5
    assert [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()] == []
    assert after.status_code == 200
    assert _client_port(after) == _client_port(refused)


@pytest.mark.parametrize(
    ("depth", "status"),
    [(MAX_JSON_DEPTH, 200), (MAX_JSON_DEPTH + 1, 400)],
    ids=["at-the-limit", "one-deeper"],
)
def test_the_depth_limit_is_exact(api: httpx.Client, depth: int, status: int) -> None:
    # The body object is one level, `extra` (ignored by the server) makes up the rest.
    extra = _nested(depth - 1)
    payload = '{"html": "<p/>", "extra": ' + extra + "}"
    assert nesting_depth(payload) == depth

    response = api.post("/templates", content=payload, headers={"Content-Type": "application/json"})

    assert response.status_code == status, response.text


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("1", 0),
        ("[]", 1),
        ('{"a": [1, {"b": []}]}', 4),
        ('["[[[[", "\\"[{"]', 1),
        ("[[], [[]], []]", 3),
        ('{"a": "]]]]"}', 1),
        ('["é", {"ü": ["\\ud800"]}]', 3),
    ],
)
def test_nesting_depth_ignores_brackets_in_strings(text: str, depth: int) -> None:
    assert nesting_depth(text) == depth


def test_a_server_bug_is_a_json_500_without_details_and_the_connection_survives(
    api: httpx.Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(self: Storage, kind: Any) -> Any:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(Storage, "all", broken)
    with caplog.at_level(logging.INFO):
        failed = api.get("/templates")
        healthy = api.get("/health")

    assert failed.status_code == 500
    assert failed.json() == {
        "error": "Internal server error",
        "message": "Internal server error",
        "code": "INTERNAL_ERROR",
        "retriable": True,
    }
    assert "secret" not in failed.text
    assert healthy.status_code == 200
    assert _client_port(healthy) == _client_port(failed)
    # Logged once, with its traceback, by the server; uvicorn did not log it a second time.
    logged = [r for r in caplog.records if r.exc_info]
    assert [r.name for r in logged] == ["pictify_ssg.local.app"]


@pytest.mark.parametrize(
    "payload",
    [
        rb'{"html": "\ud800"}',
        rb'{"html": "<p/>", "name": "x\udfffy"}',
        rb'{"html": "<p/>", "tags": ["\udbff"]}',
        rb'{"html": "<p/>", "layouts": {"a": {"name": "\ud800"}}}',
        rb'{"html": "<p/>", "variables": ["\ud800"]}',
        b'{"html": "\xed\xa0\x80"}',  # a surrogate encoded as UTF-8 bytes: not UTF-8 either
    ],
    ids=["html", "name", "tags", "layout-name", "variables", "raw-bytes"],
)
def test_unpaired_surrogates_are_a_400_not_a_500(api: httpx.Client, payload: bytes) -> None:
    # Found while fuzzing by hand: an unpaired surrogate survives json.loads but cannot be
    # encoded as UTF-8, so echoing it in the response failed with a 500.
    response = api.post("/templates", content=payload, headers={"Content-Type": "application/json"})

    assert response.status_code == 400, response.text
    assert response.json()["code"] == "INVALID_JSON"


def test_escaped_surrogate_pairs_are_ordinary_text(api: httpx.Client) -> None:
    payload = rb'{"html": "<p>\ud83d\ude00 \\ud800</p>"}'

    response = api.post("/templates", content=payload, headers={"Content-Type": "application/json"})

    assert response.status_code == 200, response.text
    assert response.json()["template"]["html"] == "<p>\U0001f600 \\ud800</p>"
