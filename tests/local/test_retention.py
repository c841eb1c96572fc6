"""Retention: old files, image records and finished batches go; young ones and templates stay.

Time is driven by back-dating rows in the server's SQLite database (and file times with
``os.utime``), never by sleeping.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest

from pictify_ssg.local import LocalServer, ServerOptions
from pictify_ssg.local.ids import iso

from .helpers import StartServer, client_for

TERMINAL = {"completed", "partial", "failed", "cancelled"}
TINY = {"html": "<p>retention</p>", "width": 40, "height": 20}


def backdate(data_dir: Path, kind: str, ids: list[str], *, hours: float = 24 * 8) -> None:
    """Move the rows' creation time ``hours`` into the past."""
    stamp = iso(datetime.now(timezone.utc) - timedelta(hours=hours))
    marks = ",".join("?" * len(ids))
    with contextlib.closing(sqlite3.connect(data_dir / "state.sqlite3", timeout=30)) as db:
        db.execute(
            f"UPDATE documents SET created_at = ? WHERE kind = ? AND id IN ({marks})",
            (stamp, kind, *ids),
        )
        db.commit()


def stored_doc(data_dir: Path, kind: str, doc_id: str) -> dict[str, Any] | None:
    import json

    with contextlib.closing(sqlite3.connect(data_dir / "state.sqlite3", timeout=30)) as db:
        row = db.execute(
            "SELECT doc FROM documents WHERE kind = ? AND id = ?", (kind, doc_id)
        ).fetchone()
    return None if row is None else dict(json.loads(row[0]))


def render(api: httpx.Client) -> dict[str, Any]:
    response = api.post("/image", json=TINY)
    assert response.status_code == 200, response.text
    image: dict[str, Any] = response.json()
    return image


def wait_for(api: httpx.Client, batch_id: str, until: set[str] = TERMINAL) -> dict[str, Any]:
    """Poll until the batch reaches one of ``until`` (bounded by pytest-timeout)."""
    while True:
        body: dict[str, Any] = api.get(f"/templates/batch/{batch_id}/results").json()
        if body["status"] in until:
            return body
        time.sleep(0.02)


def new_template(api: httpx.Client) -> str:
    response = api.post("/templates", json={"html": "<p>{{a}}</p>", "width": 40, "height": 20})
    assert response.status_code == 200, response.text
    uid: str = response.json()["template"]["uid"]
    return uid


def submit(api: httpx.Client, uid: str, count: int = 1, **body: Any) -> str:
    response = api.post(
        f"/templates/{uid}/batch-render",
        json={"variableSets": [{"a": i} for i in range(count)], **body},
    )
    assert response.status_code == 202, response.text
    batch_id: str = response.json()["batchId"]
    return batch_id


def test_old_things_are_pruned_young_ones_and_templates_kept(
    start_server: StartServer, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    server = start_server(data_dir=data_dir)
    with client_for(server) as api:
        uid = new_template(api)
        old, young = render(api), render(api)
        old_batch = submit(api, uid)
        batch_images = [item["id"] for item in wait_for(api, old_batch)["results"]]
        backdate(data_dir, "image", [old["id"], *batch_images])
        backdate(data_dir, "batch", [old_batch])
        backdate(data_dir, "template", [uid])

        report = server.prune()

        gone_image = api.get(f"/image/{old['id']}")
        gone_file = httpx.get(old["url"])
        gone_batch = api.get(f"/templates/batch/{old_batch}/results")
        kept_image = api.get(f"/image/{young['id']}")
        kept_file = httpx.get(young["url"])
        template = api.get(f"/templates/{uid}")
        listed = [image["id"] for image in api.get("/image").json()["images"]]

    assert (report.images, report.batches, report.files) == (2, 1, 2)
    assert gone_image.status_code == 404
    assert gone_image.json()["code"] == "IMAGE_NOT_FOUND"
    assert gone_file.status_code == 404
    assert gone_file.json()["code"] == "FILE_NOT_FOUND"
    assert gone_batch.status_code == 404
    assert gone_batch.json()["code"] == "BATCH_NOT_FOUND"
    assert kept_image.status_code == 200
    assert kept_file.status_code == 200
    assert template.status_code == 200
    assert listed == [young["id"]]
    assert sorted(p.name for p in (data_dir / "files").iterdir()) == [
        young["url"].rsplit("/", 1)[1]
    ]


def test_a_second_prune_with_nothing_due_deletes_nothing(start_server: StartServer) -> None:
    server = start_server()
    with client_for(server) as api:
        image = render(api)
        first, second = server.prune(), server.prune()
        kept = api.get(f"/image/{image['id']}")

    assert (first.images, first.files, second.images, second.files) == (0, 0, 0, 0)
    assert not second.swept
    assert kept.status_code == 200


def test_retention_boundary_follows_the_option(start_server: StartServer, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    server = start_server(ServerOptions(retention_hours=24), data_dir=data_dir)
    with client_for(server) as api:
        older, newer = render(api), render(api)
        backdate(data_dir, "image", [older["id"]], hours=25)
        backdate(data_dir, "image", [newer["id"]], hours=23)
        server.prune()
        statuses = [api.get(f"/image/{i['id']}").status_code for i in (older, newer)]

    assert statuses == [404, 200]


def test_zero_keeps_everything(start_server: StartServer, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    server = start_server(ServerOptions(retention_hours=0), data_dir=data_dir)
    with client_for(server) as api:
        image = render(api)
        batch_id = submit(api, new_template(api))
        wait_for(api, batch_id)
        backdate(data_dir, "image", [image["id"]], hours=24 * 365 * 10)
        backdate(data_dir, "batch", [batch_id], hours=24 * 365 * 10)
        report = server.prune()
        statuses = [
            api.get(f"/image/{image['id']}").status_code,
            httpx.get(image["url"]).status_code,
            api.get(f"/templates/batch/{batch_id}/results").status_code,
        ]

    assert (report.images, report.batches, report.files) == (0, 0, 0)
    assert statuses == [200, 200, 200]


def test_an_endless_retention_keeps_everything(start_server: StartServer, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    server = start_server(ServerOptions(retention_hours=float("inf")), data_dir=data_dir)
    with client_for(server) as api:
        image = render(api)
        backdate(data_dir, "image", [image["id"]], hours=24 * 365 * 50)
        report = server.prune()
        kept = api.get(f"/image/{image['id']}")

    assert report.images == 0
    assert kept.status_code == 200


def test_old_things_are_pruned_at_start_up(start_server: StartServer, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = start_server(data_dir=data_dir)
    with client_for(first) as api:
        image = render(api)
    first.stop()
    backdate(data_dir, "image", [image["id"]])

    second = start_server(data_dir=data_dir)
    with client_for(second) as api:
        # The start-up run happens in the background; wait for it (bounded by pytest-timeout).
        while api.get(f"/image/{image['id']}").status_code != 404:
            time.sleep(0.02)
        gone_file = httpx.get(image["url"].replace(first_url(image), second.base_url))

    assert gone_file.status_code == 404


def first_url(image: dict[str, Any]) -> str:
    """The server root an image URL was minted under."""
    return str(image["url"]).split("/files/", 1)[0]


def test_periodic_prune_on_a_running_server(start_server: StartServer, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    server = start_server(ServerOptions(prune_interval_s=0.05), data_dir=data_dir)
    with client_for(server) as api:
        image = render(api)
        backdate(data_dir, "image", [image["id"]])
        while api.get(f"/image/{image['id']}").status_code != 404:
            time.sleep(0.02)
        gone_file = httpx.get(image["url"])

    assert gone_file.status_code == 404
    server.stop()
    assert not server.running


def test_running_batches_and_their_images_are_never_pruned(
    start_server: StartServer, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    server = start_server(ServerOptions(batch_item_delay_ms=400), data_dir=data_dir)
    with client_for(server) as api:
        batch_id = submit(api, new_template(api), count=50, concurrency=1)
        while not (body := wait_for(api, batch_id, {"processing", *TERMINAL}))["results"]:
            time.sleep(0.02)
        assert body["status"] == "processing", "the batch finished too early for this test"
        first = body["results"][0]
        backdate(data_dir, "batch", [batch_id])
        backdate(data_dir, "image", [first["id"]])
        during = server.prune()
        running_image = api.get(f"/image/{first['id']}")
        running_file = httpx.get(first["url"])
        running_batch = api.get(f"/templates/batch/{batch_id}/results")
    # Stopping fails the batch for good (no task writes to it afterwards), so it is finished.
    server.stop()
    backdate(data_dir, "batch", [batch_id])
    backdate(data_dir, "image", [first["id"]])
    second = start_server(data_dir=data_dir)
    second.prune()
    with client_for(second) as api:
        finished_batch = api.get(f"/templates/batch/{batch_id}/results")
        finished_image = api.get(f"/image/{first['id']}")

    assert (during.batches, during.images) == (0, 0)
    assert running_image.status_code == 200
    assert running_file.status_code == 200
    assert running_batch.status_code == 200
    assert finished_batch.status_code == 404
    assert finished_image.status_code == 404
    assert not (data_dir / "files" / first["url"].rsplit("/", 1)[1]).exists()


def test_two_servers_pruning_one_data_dir_share_the_work(
    start_server: StartServer, tmp_path: Path
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    data_dir = tmp_path / "shared"
    first = start_server(data_dir=data_dir)
    second = start_server(data_dir=data_dir)
    with client_for(first) as api:
        images = [render(api) for _ in range(6)]
    backdate(data_dir, "image", [image["id"] for image in images])

    with ThreadPoolExecutor(2) as pool:
        reports = list(pool.map(lambda server: server.prune(), [first, second]))
    with client_for(second) as api:
        statuses = {api.get(f"/image/{image['id']}").status_code for image in images}

    # Every row and file went, and none was counted twice, whoever got to it. (<=: a server's
    # own background run may in principle have taken some.)
    assert sum(report.images for report in reports) <= len(images)
    assert sum(report.files for report in reports) <= len(images)
    assert statuses == {404}
    assert not list((data_dir / "files").iterdir())


def test_a_file_that_cannot_be_deleted_keeps_its_record_until_it_can(
    start_server: StartServer, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    server = start_server(data_dir=data_dir)
    with client_for(server) as api:
        image = render(api)
        stuck = data_dir / "files" / image["url"].rsplit("/", 1)[1]
        # A directory in the file's place cannot be unlinked, even by root (like a file held
        # open on Windows).
        stuck.unlink()
        stuck.mkdir()
        backdate(data_dir, "image", [image["id"]])
        server.prune()
        while_stuck = api.get(f"/image/{image['id']}")
        stuck.rmdir()
        server.prune()
        after = api.get(f"/image/{image['id']}")

    assert while_stuck.status_code == 200
    assert after.status_code == 404


def test_orphan_files_are_swept_once_a_day_and_young_files_kept(
    start_server: StartServer, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    server = start_server(data_dir=data_dir)
    files = data_dir / "files"
    ancient = time.time() - 10 * 24 * 3600
    names = ["ORPHANOLD1.png", "ORPHANOLD2.webp.part", "ORPHANNEW1.png", "notes.txt"]
    for name in names:
        (files / name).write_bytes(b"x")
    for name in ("ORPHANOLD1.png", "ORPHANOLD2.webp.part", "notes.txt"):
        os.utime(files / name, (ancient, ancient))
    with client_for(server) as api:
        kept = render(api)
    kept_name = kept["url"].rsplit("/", 1)[1]
    os.utime(files / kept_name, (ancient, ancient))  # an old file with a young record stays
    # Make the daily sweep due whatever the start-up run already did.
    with contextlib.closing(sqlite3.connect(data_dir / "state.sqlite3", timeout=30)) as db:
        db.execute("DELETE FROM meta")
        db.commit()

    server.prune()
    after_sweep = sorted(p.name for p in files.iterdir())
    (files / "ORPHANOLD3.png").write_bytes(b"x")
    os.utime(files / "ORPHANOLD3.png", (ancient, ancient))
    not_due = server.prune()

    assert after_sweep == sorted(["ORPHANNEW1.png", "notes.txt", kept_name])
    assert not not_due.swept
    assert (files / "ORPHANOLD3.png").exists()


def test_options_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PICTIFY_LOCAL_RETENTION_HOURS", raising=False)
    assert ServerOptions().retention_hours == 168
    assert ServerOptions.from_env({"PICTIFY_LOCAL_RETENTION_HOURS": "0"}).retention_hours == 0
    from_env = ServerOptions.from_env(
        {"PICTIFY_LOCAL_RETENTION_HOURS": "12.5"}, retention_hours=None
    )
    assert from_env.retention_hours == 12.5
    assert ServerOptions.from_env({}, retention_hours=3).retention_hours == 3
    with pytest.raises(ValueError, match="retention_hours"):
        ServerOptions(retention_hours=-1)
    with pytest.raises(ValueError, match="prune_interval_s"):
        ServerOptions(prune_interval_s=0)
    # Plain ServerOptions() (what the core's embedded server uses) reads the variable too.
    monkeypatch.setenv("PICTIFY_LOCAL_RETENTION_HOURS", "48")
    assert ServerOptions().retention_hours == 48
    assert ServerOptions(retention_hours=1).retention_hours == 1
    monkeypatch.setenv("PICTIFY_LOCAL_RETENTION_HOURS", "a week")
    with pytest.raises(ValueError, match="PICTIFY_LOCAL_RETENTION_HOURS"):
        ServerOptions()


def test_a_server_with_retention_stops_cleanly(tmp_path: Path) -> None:
    server = LocalServer(data_dir=tmp_path, options=ServerOptions(browsers=1))
    with server:
        report = server.prune()
    with pytest.raises(RuntimeError, match="not started"):
        server.prune()

    assert report.images == 0
    assert not server.running


def test_gifs_and_pdfs_are_pruned_and_swept_like_images(
    start_server: StartServer, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    server = start_server(data_dir=data_dir)
    animated = "<style>p{animation:x .2s}@keyframes x{to{opacity:0}}</style><p>x</p>"
    with client_for(server) as api:
        uid = new_template(api)
        old_gif, young_gif = (
            api.post("/gif", json={"html": animated, "width": 20, "height": 10}).json()["gif"]
            for _ in range(2)
        )
        old_pdf, young_pdf = (
            api.post("/pdf/render", json={"templateUid": uid}).json() for _ in range(2)
        )
        backdate(data_dir, "gif", [old_gif["uid"]])
        backdate(data_dir, "pdf", [old_pdf["id"]])
        ancient = time.time() - 10 * 24 * 3600
        for young in (young_gif, young_pdf):  # old files whose records are young stay
            os.utime(data_dir / "files" / young["url"].rsplit("/", 1)[1], (ancient, ancient))
        with contextlib.closing(sqlite3.connect(data_dir / "state.sqlite3", timeout=30)) as db:
            db.execute("DELETE FROM meta")  # make the daily orphan sweep due
            db.commit()

        report = server.prune()

        statuses = [
            api.get(f"/gif/{old_gif['uid']}").status_code,
            api.get(f"/pdf/{old_pdf['id']}").status_code,
            api.get(f"/gif/{young_gif['uid']}").status_code,
            api.get(f"/pdf/{young_pdf['id']}").status_code,
        ]
    assert (report.images, report.files) == (2, 2)
    assert statuses == [404, 404, 200, 200]
    assert [httpx.get(r["url"]).status_code for r in (old_gif, old_pdf)] == [404, 404]
    assert [httpx.get(r["url"]).headers["content-type"] for r in (young_gif, young_pdf)] == [
        "image/gif",
        "application/pdf",
    ]
