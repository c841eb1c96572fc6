"""Optional behaviours: rate limits, idempotency replay, seeded fault injection."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import httpx
import pytest

from pictify_ssg.local import LocalServer, ServerOptions
from pictify_ssg.local.faults import FaultInjector

from .helpers import StartServer, client_for


def test_behaviours_are_off_by_default(api: httpx.Client) -> None:
    response = api.get("/templates")

    assert not any(name.lower().startswith("x-ratelimit") for name in response.headers)


def test_rate_limit_headers_and_429(start_server: StartServer) -> None:
    server = start_server(ServerOptions(rate_limit_per_minute=3))
    with client_for(server) as api:
        responses = [api.get("/templates") for _ in range(4)]
        files_ok = httpx.get(server.base_url + "/health")

    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert [r.headers["x-ratelimit-remaining"] for r in responses] == ["2", "1", "0", "0"]
    assert {r.headers["x-ratelimit-limit"] for r in responses} == {"3"}
    assert int(responses[0].headers["x-ratelimit-reset"]) > 0
    refused = responses[3]
    retry_after = int(refused.headers["retry-after"])
    assert 1 <= retry_after <= 60
    assert refused.json()["retry_after"] == retry_after
    assert refused.json()["code"] == "rate_limited"
    assert files_ok.status_code == 200


def test_rate_limits_are_per_key(start_server: StartServer) -> None:
    server = start_server(ServerOptions(rate_limit_per_minute=1), api_keys=["k1", "k2"])

    statuses = [
        httpx.get(server.base_url + "/templates", headers={"Authorization": f"Bearer {k}"})
        for k in ("k1", "k2", "k1")
    ]

    assert [r.status_code for r in statuses] == [200, 200, 429]


def test_idempotency_key_replays_the_first_response(start_server: StartServer) -> None:
    server = start_server(ServerOptions(idempotency=True))
    with client_for(server) as api:
        body = {"html": "<p>once</p>", "width": 40, "height": 40}
        first = api.post("/image", json=body, headers={"Idempotency-Key": "k-1"})
        second = api.post("/image", json=body, headers={"Idempotency-Key": "k-1"})
        other_body = api.post(
            "/image", json={**body, "width": 41}, headers={"Idempotency-Key": "k-1"}
        )
        fresh = api.post("/image", json=body, headers={"Idempotency-Key": "k-2"})
        unkeyed = api.post("/image", json=body)

    assert first.status_code == second.status_code == 200
    assert second.json() == first.json()
    assert second.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert other_body.status_code == 409
    assert other_body.json()["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert fresh.json()["id"] != first.json()["id"]
    assert unkeyed.json()["id"] != first.json()["id"]
    assert server.stats.total_renders == 3


def test_idempotency_is_ignored_when_off(api: httpx.Client) -> None:
    body = {"html": "<p>twice</p>", "width": 40, "height": 40}
    headers = {"Idempotency-Key": "same"}

    first = api.post("/image", json=body, headers=headers).json()
    second = api.post("/image", json=body, headers=headers).json()

    assert first["id"] != second["id"]


def _outcome(api: httpx.Client) -> str:
    try:
        return str(api.get("/templates").status_code)
    except httpx.RemoteProtocolError:
        return "dropped"


def _outcomes(server: LocalServer, count: int) -> list[str]:
    with client_for(server) as api:
        return [_outcome(api) for _ in range(count)]


def test_faults_are_deterministic_under_a_seed(start_server: StartServer) -> None:
    options = ServerOptions(error_rate=0.2, throttle_rate=0.2, drop_rate=0.2, seed=7)

    first = _outcomes(start_server(options), 30)
    second = _outcomes(start_server(options), 30)
    other_seed = _outcomes(start_server(ServerOptions(error_rate=0.2, drop_rate=0.2, seed=8)), 30)

    assert first == second
    assert first != other_seed
    assert {"200", "503", "429", "dropped"} <= set(first)


def test_injected_errors_have_the_wire_shape(start_server: StartServer) -> None:
    with client_for(start_server(ServerOptions(error_rate=1.0))) as api:
        error = api.get("/templates")
    with client_for(start_server(ServerOptions(throttle_rate=1.0))) as api:
        throttled = api.get("/templates")

    assert error.status_code == 503
    assert error.json()["code"] == "INJECTED_FAULT"
    assert error.json()["retriable"] is True
    assert throttled.status_code == 429
    assert throttled.json()["retry_after"] == int(throttled.headers["retry-after"]) == 1


def test_latency_option_still_answers(start_server: StartServer) -> None:
    with client_for(start_server(ServerOptions(latency_ms=20))) as api:
        assert api.get("/templates").status_code == 200


def test_latency_jitter_is_seeded_bounded_and_leaves_the_faults_alone() -> None:
    jittery = ServerOptions(latency_ms=10, latency_jitter_ms=150, error_rate=0.3, seed=11)
    first, second = FaultInjector(jittery), FaultInjector(jittery)
    steady = FaultInjector(ServerOptions(latency_ms=10, error_rate=0.3, seed=11))
    other = FaultInjector(dataclasses.replace(jittery, seed=12))

    delays = [first.delay_s() for _ in range(200)]

    assert delays == [second.delay_s() for _ in range(200)]
    assert delays != [other.delay_s() for _ in range(200)]
    assert all(0.010 <= delay <= 0.160 for delay in delays)
    # Spread over the range, not a constant.
    assert max(delays) - min(delays) > 0.1
    assert {steady.delay_s() for _ in range(20)} == {0.010}
    # Jitter draws from its own generator: the same requests fail with or without it.
    assert [first.decide() for _ in range(100)] == [steady.decide() for _ in range(100)]


def test_a_late_render_is_made_but_answered_after_the_client_gave_up(
    start_server: StartServer,
) -> None:
    server = start_server(ServerOptions(late_render_rate=1.0, late_render_ms=3000))
    body = {"html": "<p>late</p>", "width": 40, "height": 40}
    with client_for(server) as api:
        # Only renders are held back: other requests answer at once.
        assert api.get("/templates", timeout=2).status_code == 200
        with pytest.raises(httpx.ReadTimeout):
            api.post("/image", json=body, timeout=httpx.Timeout(60, read=1))
        # A patient client gets the answer, late.
        answered = api.post("/image", json=body, timeout=httpx.Timeout(60, read=30))

    assert answered.status_code == 200
    # Both renders were made, the first although its answer never reached the client.
    assert server.stats.total_renders == 2
    assert server.stats.count("POST /image") == 2


def test_late_renders_are_seeded() -> None:
    options = ServerOptions(late_render_rate=0.3, late_render_ms=100, seed=5)
    injector, again = FaultInjector(options), FaultInjector(options)
    other = FaultInjector(dataclasses.replace(options, seed=6))

    draws = [injector.answers_late() for _ in range(50)]

    assert draws == [again.answers_late() for _ in range(50)]
    assert draws != [other.answers_late() for _ in range(50)]
    assert True in draws
    assert False in draws
    assert not any(FaultInjector(ServerOptions()).answers_late() for _ in range(50))


def test_the_embedded_servers_latency_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A build's embedded server is made with plain ServerOptions(): the variable is its only
    # way in (tests slow it down to edit pages while `mkdocs serve` renders).
    monkeypatch.setenv("PICTIFY_LOCAL_LATENCY_MS", "250")
    assert ServerOptions().latency_ms == 250
    assert ServerOptions().faults_enabled
    monkeypatch.setenv("PICTIFY_LOCAL_LATENCY_MS", "soon")
    with pytest.raises(ValueError, match="PICTIFY_LOCAL_LATENCY_MS"):
        ServerOptions()
    monkeypatch.delenv("PICTIFY_LOCAL_LATENCY_MS")
    assert ServerOptions().latency_ms == 0
    assert not ServerOptions().faults_enabled


def _batch_failures(server: LocalServer) -> list[bool]:
    with client_for(server) as api:
        uid = api.post("/templates", json={"html": "{{a}}", "width": 20, "height": 20}).json()[
            "template"
        ]["uid"]
        job = api.post(
            f"/templates/{uid}/batch-render", json={"variableSets": [{"a": i} for i in range(12)]}
        ).json()
        while True:
            body: dict[str, Any] = api.get(f"/templates/batch/{job['batchId']}/results").json()
            if body["status"] not in ("pending", "processing"):
                return [item["success"] for item in body["results"]]
            time.sleep(0.02)


def test_batch_item_failures_are_deterministic(start_server: StartServer) -> None:
    options = ServerOptions(batch_item_failure_rate=0.5, seed=3)

    first = _batch_failures(start_server(options))
    second = _batch_failures(start_server(options))

    assert first == second
    assert True in first
    assert False in first


@pytest.mark.parametrize(
    "kwargs",
    [
        {"error_rate": 1.5},
        {"drop_rate": -0.1},
        {"rate_limit_per_minute": 0},
        {"browsers": 0},
        {"latency_ms": -1},
        {"latency_jitter_ms": -5},
        {"late_render_rate": 2.0, "late_render_ms": 10},
        {"late_render_rate": 0.5},
        {"capture": "slow"},
    ],
)
def test_invalid_options_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="ServerOptions"):
        ServerOptions(**kwargs)


def test_options_from_environment_with_overrides() -> None:
    env = {
        "PICTIFY_LOCAL_RATE_LIMIT_PER_MINUTE": "10",
        "PICTIFY_LOCAL_IDEMPOTENCY": "yes",
        "PICTIFY_LOCAL_ERROR_RATE": "0.25",
        "PICTIFY_LOCAL_BATCH_ITEM_URLS": "false",
        "PICTIFY_LOCAL_SEED": "4",
    }

    options = ServerOptions.from_env(env, seed=5, latency_ms=None)

    assert options.rate_limit_per_minute == 10
    assert options.idempotency is True
    assert options.error_rate == 0.25
    assert options.batch_item_urls is False
    assert options.seed == 5
    assert options.latency_ms == 0


def test_unparsable_environment_is_reported() -> None:
    with pytest.raises(ValueError, match="PICTIFY_LOCAL_SEED"):
        ServerOptions.from_env({"PICTIFY_LOCAL_SEED": "many"})
