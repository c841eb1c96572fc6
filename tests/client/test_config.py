"""Configuration normalisers and API-key redaction."""

from __future__ import annotations

import logging

import httpx
import pytest

from pictify_ssg.client import AsyncPictify, Pictify, PictifyError
from pictify_ssg.client._config import (
    ClientConfig,
    redact,
    resolve_api_key,
    resolve_base_url,
    resolve_max_retries,
    resolve_timeout,
)

from .conftest import API_KEY, Recorder, ok


@pytest.mark.parametrize(
    ("explicit", "env", "expected"),
    [
        ("pk_arg", {"PICTIFY_API_KEY": "pk_env"}, "pk_arg"),
        (None, {"PICTIFY_API_KEY": "pk_env"}, "pk_env"),
        ("  pk_spaces \n", {}, "pk_spaces"),
    ],
)
def test_resolve_api_key(explicit: str | None, env: dict[str, str], expected: str) -> None:
    assert resolve_api_key(explicit, env) == expected


@pytest.mark.parametrize(
    ("explicit", "env"),
    [(None, {}), ("", {}), ("   ", {"PICTIFY_API_KEY": "pk_env"}), (None, {"PICTIFY_API_KEY": ""})],
)
def test_missing_api_key_is_a_clear_error(explicit: str | None, env: dict[str, str]) -> None:
    with pytest.raises(PictifyError, match="PICTIFY_API_KEY"):
        resolve_api_key(explicit, env)


@pytest.mark.parametrize("cls", [Pictify, AsyncPictify])
def test_constructor_fails_without_key(
    cls: type[Pictify] | type[AsyncPictify], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PICTIFY_API_KEY", raising=False)
    with pytest.raises(PictifyError, match="No Pictify API key"):
        cls()


@pytest.mark.parametrize("cls", [Pictify, AsyncPictify])
def test_constructor_reads_environment(
    cls: type[Pictify] | type[AsyncPictify], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PICTIFY_API_KEY", "pk_from_env")
    monkeypatch.setenv("PICTIFY_BASE_URL", "http://127.0.0.1:9/")
    client = cls()
    assert client.base_url == "http://127.0.0.1:9"
    assert client._config.api_key == "pk_from_env"


@pytest.mark.parametrize(
    ("explicit", "env", "expected"),
    [
        (None, {}, "https://api.pictify.io"),
        (None, {"PICTIFY_BASE_URL": "http://127.0.0.1:8000"}, "http://127.0.0.1:8000"),
        ("http://localhost:1/", {"PICTIFY_BASE_URL": "http://x"}, "http://localhost:1"),
        ("https://api.pictify.io/v1", {}, "https://api.pictify.io"),
        ("https://api.pictify.io/v1/", {}, "https://api.pictify.io"),
        ("https://proxy.example/v1", {}, "https://proxy.example/v1"),
        ("https://proxy.example/pictify/", {}, "https://proxy.example/pictify"),
    ],
)
def test_resolve_base_url(explicit: str | None, env: dict[str, str], expected: str) -> None:
    assert resolve_base_url(explicit, env) == expected


@pytest.mark.parametrize("bad", ["api.pictify.io", "ftp://x", "http://", "/relative"])
def test_invalid_base_url(bad: str) -> None:
    with pytest.raises(PictifyError, match="Invalid Pictify base URL"):
        resolve_base_url(bad, {})


@pytest.mark.parametrize(
    ("value", "expected"),
    [(30.0, httpx.Timeout(30.0)), (None, httpx.Timeout(None)), (5, httpx.Timeout(5))],
)
def test_resolve_timeout(value: float | None, expected: httpx.Timeout) -> None:
    assert resolve_timeout(value) == expected


def test_timeout_object_is_kept_and_bad_values_rejected() -> None:
    custom = httpx.Timeout(1.0, connect=2.0)
    assert resolve_timeout(custom) is custom
    with pytest.raises(ValueError, match="positive"):
        resolve_timeout(0)
    with pytest.raises(ValueError, match="max_retries"):
        resolve_max_retries(-1)
    assert resolve_max_retries(0) == 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Bearer pk_secret failed", "Bearer *** failed"),
        (
            {"a": ["pk_secret", 1], "b": {"c": "xpk_secretx"}},
            {"a": ["***", 1], "b": {"c": "x***x"}},
        ),
        (42, 42),
        (None, None),
    ],
)
def test_redact(value: object, expected: object) -> None:
    assert redact(value, "pk_secret") == expected


def test_redact_with_empty_secret_is_identity() -> None:
    assert redact("abc", "") == "abc"


@pytest.mark.parametrize("cls", [Pictify, AsyncPictify])
def test_key_not_in_repr(cls: type[Pictify] | type[AsyncPictify]) -> None:
    client = cls(API_KEY, base_url="http://127.0.0.1:1")
    assert API_KEY not in repr(client)
    assert API_KEY not in repr(client._config)
    assert "***" in repr(client)
    config = ClientConfig.create(API_KEY, None, 1.0, 0)
    assert API_KEY not in str(config)


def test_key_not_in_errors_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    echo = Recorder(ok({"error": f"bad key {API_KEY}", "echo": {"k": API_KEY}}, 401))
    caplog.set_level(logging.DEBUG)
    with (
        Pictify(API_KEY, transport=httpx.MockTransport(echo), max_retries=0) as client,
        pytest.raises(PictifyError) as info,
    ):
        client.templates.get("T")
    error = info.value
    for text in (str(error), repr(error), repr(error.body), error.message):
        assert API_KEY not in text
    assert API_KEY not in caplog.text
    # The key did go out on the wire, as a bearer token.
    assert echo.last.headers["authorization"] == f"Bearer {API_KEY}"


def test_http_client_and_transport_are_exclusive() -> None:
    with pytest.raises(ValueError, match="not both"):
        Pictify(API_KEY, http_client=httpx.Client(), transport=httpx.MockTransport(Recorder()))
