"""Fixtures for the local server tests: an authenticated client, a card template, servers."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pictify_ssg.local import LocalServer, ServerOptions

from .helpers import CARD_HTML, StartServer


@pytest.fixture(scope="session")
def api(local_server: LocalServer) -> Iterator[httpx.Client]:
    """An httpx client authenticated against the session server."""
    with httpx.Client(
        base_url=local_server.base_url,
        headers={"Authorization": f"Bearer {local_server.api_key}"},
        timeout=60,
    ) as client:
        yield client


@pytest.fixture(scope="session")
def card_template(api: httpx.Client) -> dict[str, Any]:
    """A 600x315 card template with title/description/site variables."""
    response = api.post(
        "/templates", json={"name": "Card", "html": CARD_HTML, "width": 600, "height": 315}
    )
    assert response.status_code == 200, response.text
    template: dict[str, Any] = response.json()["template"]
    return template


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[StartServer]:
    """Start short-lived servers with other options; all are stopped after the test."""
    started: list[LocalServer] = []

    def start(options: ServerOptions | None = None, **kwargs: Any) -> LocalServer:
        kwargs.setdefault("data_dir", tmp_path / f"server-{len(started)}")
        # One Chromium per short-lived server: launching a second costs more than it saves here.
        options = dataclasses.replace(options or ServerOptions(), browsers=1)
        server = LocalServer(options=options, **kwargs).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
