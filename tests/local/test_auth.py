"""Bearer auth: 401 with the hosted body, public files and health, several accepted keys."""

from __future__ import annotations

import httpx
import pytest

from pictify_ssg.local import LocalServer

from .helpers import StartServer, client_for


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-key"},
        {"Authorization": "Bearer"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "wrong-key"},
    ],
    ids=["missing", "wrong", "empty", "basic", "no-scheme"],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/templates"), ("POST", "/image"), ("GET", "/templates/batch/x/results")],
)
def test_requests_without_a_valid_key_get_the_hosted_401(
    local_server: LocalServer, headers: dict[str, str], method: str, path: str
) -> None:
    response = httpx.request(method, local_server.base_url + path, headers=headers, json={})

    assert response.status_code == 401
    assert response.json() == {"message": "Invalid Request"}


def test_health_needs_no_key(local_server: LocalServer) -> None:
    response = httpx.get(local_server.base_url + "/health")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_every_configured_key_is_accepted_and_the_key_stays_out_of_repr(
    start_server: StartServer,
) -> None:
    server = start_server(api_keys=["first-key", "second-key"])

    for key in ("first-key", "second-key"):
        response = httpx.get(
            server.base_url + "/templates", headers={"Authorization": f"Bearer {key}"}
        )
        assert response.status_code == 200
    assert server.api_key == "first-key"
    assert "first-key" not in repr(server)


def test_a_generated_key_is_long_and_random(start_server: StartServer) -> None:
    one, two = start_server(), start_server()

    assert len(one.api_key) >= 32
    assert one.api_key != two.api_key
    with client_for(one) as client:
        assert client.get("/templates").status_code == 200


def test_an_empty_key_list_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        LocalServer(api_keys=[""]).start()
