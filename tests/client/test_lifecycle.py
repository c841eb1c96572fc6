"""Using a client after ``close()``: a clear ``ClientClosedError`` instead of a bare error."""

from __future__ import annotations

import httpx
import pytest

from pictify_ssg.client import AsyncPictify, ClientClosedError, Pictify, PictifyError

from .conftest import API_KEY, Recorder, ok

TEMPLATE = {"template": {"uid": "T1"}}


def test_closed_error_is_both_a_pictify_error_and_a_runtime_error() -> None:
    # Handlers written for httpx's RuntimeError, and for our PictifyError, both catch it.
    assert issubclass(ClientClosedError, PictifyError)
    assert issubclass(ClientClosedError, RuntimeError)


def test_sync_call_after_close() -> None:
    rec = Recorder(ok(TEMPLATE))
    client = Pictify(API_KEY, transport=httpx.MockTransport(rec))
    assert client.templates.get("T1").uid == "T1"
    client.close()
    with pytest.raises(ClientClosedError, match="client was closed; create a new client"):
        client.templates.get("T1")
    with pytest.raises(ClientClosedError):  # pages too
        client.templates.list()
    assert len(rec.requests) == 1


async def test_async_call_after_close() -> None:
    rec = Recorder(ok(TEMPLATE))
    async with AsyncPictify(API_KEY, transport=httpx.MockTransport(rec)) as client:
        await client.templates.get("T1")
    with pytest.raises(ClientClosedError, match="AsyncPictify client was closed"):
        await client.templates.get("T1")
    assert len(rec.requests) == 1


def test_closing_is_final_even_with_a_callers_http_client() -> None:
    rec = Recorder(ok(TEMPLATE))
    with httpx.Client(transport=httpx.MockTransport(rec)) as http:
        client = Pictify(API_KEY, http_client=http)
        client.close()
        assert not http.is_closed  # not ours to close
        with pytest.raises(ClientClosedError, match="was closed"):
            client.templates.get("T1")
    assert rec.requests == []


def test_a_closed_http_client_is_reported() -> None:
    http = httpx.Client(transport=httpx.MockTransport(Recorder(ok(TEMPLATE))))
    client = Pictify(API_KEY, http_client=http)
    http.close()
    with pytest.raises(ClientClosedError, match="http_client= is closed"):
        client.templates.get("T1")


async def test_async_closed_http_client_is_reported() -> None:
    http = httpx.AsyncClient(transport=httpx.MockTransport(Recorder(ok(TEMPLATE))))
    client = AsyncPictify(API_KEY, http_client=http)
    await http.aclose()
    with pytest.raises(ClientClosedError, match="http_client= is closed"):
        await client.templates.get("T1")
