"""Servers sharing one data directory: a starting server fails only batches whose server is gone."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest

from pictify_ssg.local import ServerOptions
from pictify_ssg.local.ids import iso
from pictify_ssg.local.processes import process_start
from pictify_ssg.local.storage import Storage

from .helpers import StartServer, client_for

KEY = "owner-test-key"
OPEN = {"pending", "processing"}


def submit_slow_batch(api: httpx.Client) -> str:
    uid = api.post("/templates", json={"html": "{{a}}", "width": 40, "height": 20}).json()[
        "template"
    ]["uid"]
    response = api.post(f"/templates/{uid}/batch-render", json={"variableSets": [{"a": 1}]})
    assert response.status_code == 202, response.text
    batch_id: str = response.json()["batchId"]
    return batch_id


def status(api: httpx.Client, batch_id: str) -> dict[str, Any]:
    body: dict[str, Any] = api.get(f"/templates/batch/{batch_id}/results").json()
    return body


def test_two_servers_in_one_process_leave_each_others_batches_alone(
    start_server: StartServer, tmp_path: Path
) -> None:
    data_dir = tmp_path / "shared"
    slow = ServerOptions(batch_item_delay_ms=600_000)
    first = start_server(slow, data_dir=data_dir)
    with client_for(first) as api:
        batch_id = submit_slow_batch(api)

    second = start_server(data_dir=data_dir)
    with client_for(second) as api:
        seen_by_second = status(api, batch_id)
    with client_for(first) as api:
        seen_by_first = status(api, batch_id)
    first.stop()  # a stopping server fails its own unfinished batches at once
    with client_for(second) as api:
        after_stop = status(api, batch_id)

    assert seen_by_second["status"] in OPEN
    assert seen_by_first["status"] in OPEN
    assert after_stop["status"] == "failed"
    assert "stopped" in after_stop["error"]


def _serve(data_dir: Path) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "pictify_ssg.cli", "serve", "--port", "0"]
    command += ["--data-dir", str(data_dir), "--api-key", KEY, "--batch-item-delay-ms", "600000"]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if "serving the Pictify API at " in line:
            base_url = line.rsplit(" ", 1)[1].strip()
            break
    else:
        raise AssertionError("the server did not start")
    while True:  # the socket is bound before the banner; wait until uvicorn answers
        try:
            httpx.get(base_url + "/health")
            break
        except httpx.TransportError:
            time.sleep(0.05)
    return process, base_url


def test_a_server_in_another_process_keeps_its_batches_until_it_dies(
    start_server: StartServer, tmp_path: Path
) -> None:
    data_dir = tmp_path / "shared"
    other, base_url = _serve(data_dir)
    try:
        with httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {KEY}"}, timeout=60
        ) as api:
            batch_id = submit_slow_batch(api)

        alongside = start_server(data_dir=data_dir)
        with client_for(alongside) as api:
            while_alive = status(api, batch_id)
        alongside.stop()
        # A crash: no chance to fail its own batches (Chromium never started, the item waits).
        other.send_signal(signal.SIGKILL)
        other.wait(timeout=60)
    finally:
        if other.poll() is None:
            other.kill()
            other.wait()
        if other.stdout is not None:
            other.stdout.close()

    after = start_server(data_dir=data_dir)
    with client_for(after) as api:
        after_crash = status(api, batch_id)
    owner = json.loads(_row(data_dir, batch_id) or "{}")["owner"]

    assert while_alive["status"] in OPEN
    assert after_crash["status"] == "failed"
    assert "restarted" in after_crash["error"]
    assert owner["pid"] == other.pid
    assert owner["host"] == socket.gethostname()


def _row(data_dir: Path, batch_id: str) -> str | None:
    with contextlib.closing(sqlite3.connect(data_dir / "state.sqlite3", timeout=30)) as db:
        row = db.execute(
            "SELECT doc FROM documents WHERE kind = 'batch' AND id = ?", (batch_id,)
        ).fetchone()
    return None if row is None else str(row[0])


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _owner(case: str) -> dict[str, Any] | None:
    parent = os.getppid()
    started = process_start(parent)
    here = socket.gethostname()
    owners: dict[str, dict[str, Any] | None] = {
        "live-process": {"instance": "a", "pid": parent, "host": here, "started": started},
        "reused-pid": {
            "instance": "b",
            "pid": parent,
            "host": here,
            "started": (started or 0) + 1,
        },
        "dead-process": {"instance": "c", "pid": _dead_pid(), "host": here, "started": None},
        "other-host": {"instance": "d", "pid": 1, "host": "elsewhere.invalid", "started": None},
        "stale-live-process": {"instance": "e", "pid": parent, "host": here, "started": started},
        "no-owner": None,
    }
    return owners[case]


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("live-process", "processing"),
        ("reused-pid", "failed"),
        ("dead-process", "failed"),
        ("other-host", "processing"),
        ("stale-live-process", "failed"),
        ("no-owner", "failed"),
    ],
)
def test_start_up_fails_only_orphaned_batches(
    start_server: StartServer, tmp_path: Path, case: str, expected: str
) -> None:
    if case == "reused-pid" and process_start(os.getppid()) is None:
        pytest.skip("process start times need /proc")
    data_dir = tmp_path / "shared"
    age = timedelta(hours=25 if case.startswith("stale") else 1)
    created = iso(datetime.now(timezone.utc) - age)
    doc: dict[str, Any] = {
        "batchId": "batch_planted",
        "templateUid": "T",
        "status": "processing",
        "totalItems": 1,
        "completedItems": 0,
        "failedItems": 0,
        "items": {},
        "format": "png",
        "concurrency": 1,
        "createdAt": created,
        "startedAt": created,
        "completedAt": None,
    }
    owner = _owner(case)
    if owner is not None:
        doc["owner"] = owner
    storage = Storage(data_dir)
    storage.put("batch", "batch_planted", doc, created, unfinished=True)
    storage.close()

    server = start_server(data_dir=data_dir)
    with client_for(server) as api:
        body = status(api, "batch_planted")

    assert body["status"] == expected


def test_a_data_dir_from_before_owners_is_migrated(
    start_server: StartServer, tmp_path: Path
) -> None:
    data_dir = tmp_path / "legacy"
    (data_dir / "files").mkdir(parents=True)
    created = iso(datetime.now(timezone.utc) - timedelta(days=30))
    batch = {
        "batchId": "batch_legacy",
        "templateUid": "T",
        "status": "processing",
        "totalItems": 1,
        "completedItems": 0,
        "failedItems": 0,
        "items": {},
        "createdAt": created,
        "startedAt": created,
        "completedAt": None,
    }
    image = {"id": "LEGACY0001", "url": "http://127.0.0.1:1/files/LEGACY0001.png"}
    (data_dir / "files" / "LEGACY0001.png").write_bytes(b"x")
    with contextlib.closing(sqlite3.connect(data_dir / "state.sqlite3")) as db:
        db.execute(
            "CREATE TABLE documents (kind TEXT NOT NULL, id TEXT NOT NULL, "
            "created_at TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (kind, id))"
        )
        db.execute(
            "INSERT INTO documents VALUES ('batch', 'batch_legacy', ?, ?)",
            (created, json.dumps(batch)),
        )
        db.execute(
            "INSERT INTO documents VALUES ('image', 'LEGACY0001', ?, ?)",
            (created, json.dumps(image)),
        )
        db.commit()

    # Keep everything at first, so the start-up prune cannot race the first look.
    keeping = start_server(ServerOptions(retention_hours=0), data_dir=data_dir)
    with client_for(keeping) as api:
        failed = status(api, "batch_legacy")
    keeping.stop()
    server = start_server(data_dir=data_dir)
    with client_for(server) as api:
        server.prune()
        pruned = api.get("/templates/batch/batch_legacy/results")
        image_after = api.get("/image/LEGACY0001")

    assert failed["status"] == "failed"
    assert pruned.status_code == 404
    assert image_after.status_code == 404
    assert not (data_dir / "files" / "LEGACY0001.png").exists()
