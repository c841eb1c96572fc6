"""Where the server itself may send requests (webhook targets, binding data sources).

The default server refuses every such URL with a 400 naming the field; an operator's list lets
listed hosts through whatever they resolve to, and ``*`` lets only public addresses through.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pictify_ssg.local import ServerOptions
from pictify_ssg.local.outbound_policy import OutboundPolicy


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "/webhook-subscriptions",
            {"event": "render.completed", "targetUrl": "http://127.0.0.1:9/hook"},
            "targetUrl",
        ),
        (
            "/bindings",
            {
                "templateId": "T",
                "dataSource": {"type": "http", "url": "https://example.com/data"},
                "mapping": {},
            },
            "dataSource.url",
        ),
    ],
)
def test_the_default_server_calls_nowhere(
    api: httpx.Client, path: str, body: dict[str, Any], field: str
) -> None:
    response = api.post(path, json=body)
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "URL_NOT_ALLOWED"
    assert error["errors"] == [
        {"field": field, "message": error["errors"][0]["message"], "code": "URL_NOT_ALLOWED"}
    ]
    assert error["message"].startswith(f"{field}: ")
    assert "ServerOptions.outbound_hosts" in error["message"]


@pytest.mark.parametrize(
    ("hosts", "url", "allowed"),
    [
        ((), "http://127.0.0.1/x", False),
        (("127.0.0.1",), "http://127.0.0.1:8123/x", True),
        (("127.0.0.1",), "http://127.0.0.2/x", False),
        (("localhost",), "http://LOCALHOST./x", True),
        (("*.example.com",), "https://hooks.example.com/x", True),
        (("*.example.com",), "https://example.com/x", False),
        (("::1",), "http://[::1]:80/x", True),
        (("*",), "https://93.184.215.14/x", True),
        (("*",), "http://10.0.0.5/x", False),
        (("*",), "http://169.254.169.254/latest", False),
        (("*", "10.0.0.5"), "http://10.0.0.5/x", True),
        (("127.0.0.1",), "ftp://127.0.0.1/x", False),
        (("127.0.0.1",), "http://127.0.0.1:99999/x", False),
    ],
)
async def test_policy(hosts: tuple[str, ...], url: str, allowed: bool) -> None:
    policy = OutboundPolicy(ServerOptions(outbound_hosts=hosts).outbound_hosts)
    assert (await policy.check(url) is None) is allowed


@pytest.mark.parametrize(
    "kwargs",
    [
        {"outbound_hosts": "127.0.0.1"},
        {"outbound_hosts": ("http://x.example",)},
        {"webhook_retry_delays_s": (-1.0,)},
        {"webhook_failure_limit": 0},
        {"outbound_timeout_s": 0},
    ],
)
def test_bad_outbound_options_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"outbound|webhook"):
        ServerOptions(**kwargs)


def test_outbound_options_from_the_environment() -> None:
    options = ServerOptions.from_env(
        {
            "PICTIFY_LOCAL_OUTBOUND_HOSTS": "127.0.0.1, Hooks.Example.com",
            "PICTIFY_LOCAL_WEBHOOK_RETRY_DELAYS_S": "0.5,2",
            "PICTIFY_LOCAL_WEBHOOK_FAILURE_LIMIT": "4",
        }
    )
    assert options.outbound_hosts == ("127.0.0.1", "hooks.example.com")
    assert options.webhook_retry_delays_s == (0.5, 2.0)
    assert options.webhook_failure_limit == 4
