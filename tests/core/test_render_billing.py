"""The pipeline's own retry never pays for a card twice.

The client retries what certainly did not render; a failure that reaches the pipeline after
the request may have been rendered (a dropped connection, a read timeout, a 5xx without
``Retry-After``) fails the card for this build instead of rendering it again. A card that was
rendered but whose download failed is downloaded again, never rendered again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest

from pictify_ssg.client import exceptions as errors
from pictify_ssg.core import rendering
from pictify_ssg.core.render_schedule import CardJob
from pictify_ssg.core.rendering import CardRenderer
from pictify_ssg.core.service import Rendered, Service
from pictify_ssg.core.store import Store

from .conftest import render_options


class _ScriptedService:
    """Renders fail with the scripted errors first, then succeed; counts every call."""

    identity = "scripted"

    def __init__(self, render_errors: list[Exception], download_errors: int = 0) -> None:
        self.render_errors = render_errors
        self.download_errors = download_errors
        self.renders = 0
        self.downloads = 0

    async def render(self, uid: str, variables: Any, **options: Any) -> Rendered:
        self.renders += 1
        if self.render_errors:
            raise self.render_errors.pop(0)
        return Rendered(url="https://files.test/card.png", width=1200, height=630)

    async def download(self, url: str) -> bytes:
        self.downloads += 1
        if self.downloads <= self.download_errors:
            raise errors.APIConnectionError("download dropped")
        return b"\x89PNG\r\n\x1a\n"


def _status_error(status: int, headers: dict[str, str] | None = None) -> errors.PictifyError:
    return errors.ServerError(f"HTTP {status}", status=status, headers=headers or {})


async def _run(tmp_path: Path, service: _ScriptedService) -> CardRenderer:
    options = render_options(mode="direct", direct_threshold=10, timeout=30)
    store = Store(tmp_path / "cache")
    try:
        renderer = CardRenderer(cast(Service, service), store, {"t": "uid"}, options)
        await renderer.run([CardJob("fp1", "t", {"title": "x"})])
    finally:
        store.close()
    return renderer


@pytest.mark.parametrize(
    "error",
    [
        errors.APIConnectionError("connection dropped", maybe_sent=True),
        errors.APITimeoutError("read timed out", phase="read"),
        _status_error(502),
        _status_error(500),
        _status_error(503),
    ],
    ids=["dropped", "read-timeout", "502", "500", "503-no-retry-after"],
)
async def test_a_render_that_may_have_happened_is_not_sent_again(
    tmp_path: Path, error: Exception
) -> None:
    service = _ScriptedService([error])
    renderer = await _run(tmp_path, service)
    assert service.renders == 1
    assert "fp1" in renderer.outcome.failed
    assert renderer.outcome.done == {}


@pytest.mark.parametrize(
    "error",
    [
        errors.APIConnectionError("could not connect", maybe_sent=False),
        errors.APITimeoutError("connect timed out", phase="connect"),
        _status_error(503, {"Retry-After": "1"}),
    ],
    ids=["connect", "connect-timeout", "503-retry-after"],
)
async def test_a_render_that_certainly_did_not_happen_is_tried_again(
    tmp_path: Path, error: Exception
) -> None:
    service = _ScriptedService([error])
    renderer = await _run(tmp_path, service)
    assert service.renders == 2
    assert "fp1" in renderer.outcome.done


@pytest.fixture
def _no_pauses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rendering, "DOWNLOAD_RETRY_PAUSE_S", 0.0)


@pytest.mark.usefixtures("_no_pauses")
async def test_a_failed_download_is_retried_without_rendering_again(tmp_path: Path) -> None:
    service = _ScriptedService([], download_errors=rendering.DOWNLOAD_ATTEMPTS - 1)
    renderer = await _run(tmp_path, service)
    assert (service.renders, service.downloads) == (1, rendering.DOWNLOAD_ATTEMPTS)
    assert "fp1" in renderer.outcome.done


@pytest.mark.usefixtures("_no_pauses")
async def test_a_download_that_keeps_failing_fails_the_card_but_renders_once(
    tmp_path: Path,
) -> None:
    service = _ScriptedService([], download_errors=99)
    renderer = await _run(tmp_path, service)
    assert (service.renders, service.downloads) == (1, rendering.DOWNLOAD_ATTEMPTS)
    assert "could not be downloaded" in renderer.outcome.failed["fp1"].reason
