"""Batch renders: 202, status progression, completed/partial/failed/cancelled, item shapes."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from pictify_ssg.local import ServerOptions

from .helpers import StartServer, client_for, fetch_image

TERMINAL = {"completed", "partial", "failed", "cancelled"}


def wait_for(api: httpx.Client, batch_id: str, until: set[str] = TERMINAL) -> dict[str, Any]:
    """Poll until the batch reaches one of ``until`` (bounded by pytest-timeout)."""
    while True:
        body: dict[str, Any] = api.get(f"/templates/batch/{batch_id}/results").json()
        if body["status"] in until:
            return body
        time.sleep(0.02)


def submit(api: httpx.Client, uid: str, **body: Any) -> httpx.Response:
    return api.post(f"/templates/{uid}/batch-render", json=body)


def test_batch_completes_with_urls_per_item(
    api: httpx.Client, card_template: dict[str, Any]
) -> None:
    sets = [{"title": f"Card {i}", "description": "d"} for i in range(4)]

    accepted = submit(api, card_template["uid"], variableSets=sets, concurrency=2)

    assert accepted.status_code == 202
    job = accepted.json()
    assert job["status"] == "pending"
    assert job["totalItems"] == 4
    assert job["batchId"]
    done = wait_for(api, job["batchId"])
    assert done["status"] == "completed"
    assert (done["progress"], done["completedItems"], done["failedItems"]) == (100, 4, 0)
    assert done["templateUid"] == card_template["uid"]
    assert done["startedAt"]
    assert done["completedAt"]
    assert [item["index"] for item in done["results"]] == [0, 1, 2, 3]
    for item in done["results"]:
        assert item["success"] is True
        assert item["variables"] == ["title", "description"]
        assert (item["width"], item["height"]) == (600, 315)
        assert fetch_image(item["url"]).size == (600, 315)
    assert done["errors"] == []


def test_failing_items_make_a_partial_batch(api: httpx.Client) -> None:
    uid = api.post(
        "/templates", json={"html": "{{a}}", "strictVariables": True, "width": 40, "height": 40}
    ).json()["template"]["uid"]

    partial = wait_for(api, submit(api, uid, variableSets=[{"a": 1}, {}]).json()["batchId"])
    failed = wait_for(api, submit(api, uid, variableSets=[{}, {"b": 2}]).json()["batchId"])

    assert partial["status"] == "partial"
    assert (partial["completedItems"], partial["failedItems"]) == (1, 1)
    bad = partial["results"][1]
    assert bad["success"] is False
    assert "a" in bad["error"]
    assert "url" not in bad
    assert partial["errors"] == [bad]
    assert failed["status"] == "failed"
    assert failed["results"][1]["variables"] == ["b"]


@pytest.mark.parametrize(
    "body",
    [
        {"variableSets": []},
        {"variableSets": [{}] * 101},
        {"variableSets": [{}], "concurrency": 0},
        {"variableSets": [{}], "concurrency": 11},
        {"variableSets": [{}], "format": "pdf"},
        {"variableSets": [{}], "quality": 2},
        {"variableSets": ["not an object"]},
        {"csvUrl": "https://example.org/x.csv"},
        {},
    ],
    ids=["empty", "101-sets", "conc-0", "conc-11", "pdf", "quality", "not-object", "csv", "none"],
)
def test_bad_batches_are_refused(
    api: httpx.Client, card_template: dict[str, Any], body: dict[str, Any]
) -> None:
    response = submit(api, card_template["uid"], **body)

    assert response.status_code == 422, response.text
    assert response.json()["code"] == "VALIDATION_ERROR"


def test_more_than_100_sets_names_the_limit(
    api: httpx.Client, card_template: dict[str, Any]
) -> None:
    response = submit(api, card_template["uid"], variableSets=[{}] * 101)

    assert "variableSets" in response.json()["message"]
    assert "100" in response.json()["message"]


def test_status_progression_and_cancel(start_server: StartServer) -> None:
    server = start_server(ServerOptions(batch_item_delay_ms=300))
    with client_for(server) as api:
        uid = api.post("/templates", json={"html": "{{a}}", "width": 30, "height": 30}).json()[
            "template"
        ]["uid"]
        job = submit(api, uid, variableSets=[{"a": i} for i in range(6)], concurrency=1).json()

        assert job["status"] == "pending"
        running = wait_for(api, job["batchId"], {"processing"})
        first_done = wait_for_items(api, job["batchId"], 1)
        cancel = api.post(f"/templates/batch/{job['batchId']}/cancel")
        final = wait_for(api, job["batchId"])
        time.sleep(0.5)  # an item in flight at cancel time may still land
        later = api.get(f"/templates/batch/{job['batchId']}/results").json()
        again = api.post(f"/templates/batch/{job['batchId']}/cancel").json()

    assert running["startedAt"] is not None
    assert first_done["completedItems"] >= 1
    assert cancel.status_code == 200
    assert cancel.json()["status"] == "cancelled"
    assert final["status"] == "cancelled"
    assert later["status"] == "cancelled"
    assert 1 <= later["completedItems"] < 6
    assert all(item["success"] for item in later["results"])
    assert again["status"] == "cancelled"
    assert again["message"] == "Batch already cancelled"


def wait_for_items(api: httpx.Client, batch_id: str, count: int) -> dict[str, Any]:
    while True:
        body: dict[str, Any] = api.get(f"/templates/batch/{batch_id}/results").json()
        if body["completedItems"] >= count:
            return body
        time.sleep(0.02)


def test_cancel_after_completion_keeps_the_status(
    api: httpx.Client, card_template: dict[str, Any]
) -> None:
    job = submit(api, card_template["uid"], variableSets=[{}]).json()
    wait_for(api, job["batchId"])

    response = api.post(f"/templates/batch/{job['batchId']}/cancel")

    assert response.status_code == 200
    assert response.json()["status"] == "completed"


def test_hosted_shape_without_item_urls(start_server: StartServer) -> None:
    server = start_server(ServerOptions(batch_item_urls=False))
    with client_for(server) as api:
        uid = api.post("/templates", json={"html": "{{a}}", "width": 30, "height": 30}).json()[
            "template"
        ]["uid"]
        job = submit(api, uid, variableSets=[{"a": 1}, {"a": 2}]).json()
        done = wait_for(api, job["batchId"])

    assert done["status"] == "completed"
    assert done["results"] == [
        {"index": 0, "success": True, "variables": ["a"]},
        {"index": 1, "success": True, "variables": ["a"]},
    ]


def test_batch_layouts_give_one_image_per_layout(api: httpx.Client) -> None:
    layouts = {"square": {"width": 40, "height": 40}}
    uid = api.post(
        "/templates", json={"html": "{{a}}", "width": 80, "height": 40, "layouts": layouts}
    ).json()["template"]["uid"]

    job = submit(api, uid, variableSets=[{"a": 1}], layouts=["default", "square"]).json()
    [item] = wait_for(api, job["batchId"])["results"]

    assert [(i["layout"], i["width"], i["height"]) for i in item["images"]] == [
        ("default", 80, 40),
        ("square", 40, 40),
    ]
    assert item["url"] == item["images"][0]["url"]


def test_batches_survive_a_restart_as_failed(start_server: StartServer, tmp_path: Any) -> None:
    data_dir = tmp_path / "persist"
    first = start_server(ServerOptions(batch_item_delay_ms=2000), data_dir=data_dir)
    with client_for(first) as api:
        uid = api.post("/templates", json={"html": "{{a}}"}).json()["template"]["uid"]
        batch_id = submit(api, uid, variableSets=[{"a": 1}]).json()["batchId"]
    first.stop()

    second = start_server(data_dir=data_dir)
    with client_for(second) as api:
        template = api.get(f"/templates/{uid}")
        batch = api.get(f"/templates/batch/{batch_id}/results").json()

    assert template.status_code == 200
    assert batch["status"] == "failed"
    assert "restart" in batch["error"]
