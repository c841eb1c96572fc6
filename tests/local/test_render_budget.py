"""A template that would expand past the output budget is refused on every render route."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from .test_batches import submit, wait_for

# 100 x 100 iterations of a 10 000-character pad: 100 MB of HTML from a 70-byte template.
EXPLODING = '{{#each a}}{{#each ../a}}{{padStart "" 10000 "x"}}{{/each}}{{/each}}'
VARIABLES = {"a": list(range(100))}


@pytest.fixture(scope="module")
def exploding(api: httpx.Client) -> str:
    response = api.post("/templates", json={"html": EXPLODING, "width": 40, "height": 40})
    assert response.status_code == 200, response.text
    uid: str = response.json()["template"]["uid"]
    return uid


@pytest.mark.parametrize("route", ["render", "image"])
def test_rendering_it_is_a_422_with_the_code_and_place(
    api: httpx.Client, exploding: str, route: str
) -> None:
    started = time.monotonic()
    if route == "render":
        response = api.post(f"/templates/{exploding}/render", json={"variables": VARIABLES})
    else:
        response = api.post("/image", json={"template": exploding, "variables": VARIABLES})
    elapsed = time.monotonic() - started

    assert response.status_code == 422, response.text
    error: dict[str, Any] = response.json()
    assert error["code"] == "RENDERED_HTML_TOO_LARGE"
    assert "2097152 bytes" in error["message"]
    assert error["context"] == {"line": 1, "column": 26}
    assert elapsed < 5  # stopped at 2 MiB, not after building 100 MB and rendering it


def test_small_variables_render_normally(api: httpx.Client, exploding: str) -> None:
    response = api.post(f"/templates/{exploding}/render", json={"variables": {"a": [1]}})

    assert response.status_code == 200, response.text


def test_a_batch_item_fails_with_the_reason(api: httpx.Client, exploding: str) -> None:
    job = submit(api, exploding, variableSets=[VARIABLES, {"a": [1]}]).json()
    done = wait_for(api, job["batchId"])

    assert done["status"] == "partial"
    failed, succeeded = done["results"]
    assert failed["success"] is False
    assert "RENDERED_HTML_TOO_LARGE" in failed["error"]
    assert succeeded["success"] is True
