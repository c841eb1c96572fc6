"""Binding beyond loopback works, but never silently: the server has no TLS."""

from __future__ import annotations

import logging

import pytest

from pictify_ssg.local.exposure import exposure_warning, is_loopback

from .helpers import StartServer


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("::ffff:127.0.0.1", True),
        ("localhost", True),
        ("LOCALHOST.", True),
        ("0.0.0.0", False),
        ("::", False),
        ("", False),
        ("192.168.1.20", False),
        ("10.0.0.1", False),
        ("fe80::1%eth0", False),
        ("::ffff:10.0.0.1", False),
        ("example.org", False),
        ("128.0.0.1", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_the_warning_says_what_is_wrong_and_what_to_do() -> None:
    text = exposure_warning("http://0.0.0.0:8787")

    assert "http://0.0.0.0:8787" in text
    assert "no TLS" in text
    assert "anyone who can reach the port" in text
    assert "TLS-terminating reverse proxy" in text
    assert "\n" not in text


def test_a_server_on_all_interfaces_logs_a_warning(
    start_server: StartServer, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="pictify_ssg"):
        server = start_server(host="0.0.0.0")

    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert [r.name for r in warnings] == ["pictify_ssg.local.server"]
    assert "no TLS" in warnings[0].getMessage()
    assert server.base_url in warnings[0].getMessage()


def test_a_loopback_server_says_nothing(
    start_server: StartServer, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="pictify_ssg"):
        start_server(host="127.0.0.1")

    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
