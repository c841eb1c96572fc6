"""Cards of a batch are taken as its items finish, not when the whole batch ends."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from pictify_ssg.client import AsyncPictify
from pictify_ssg.core.render_schedule import CardJob
from pictify_ssg.core.rendering import CardRenderer
from pictify_ssg.core.service import Rendered, Service
from pictify_ssg.core.store import Store

from .conftest import CARD_HTML, ServerFactory, render_options

if TYPE_CHECKING:
    from pictify_ssg.local import LocalServer

ITEM_DELAY_MS = 400
WAVE = 5  # items the local server renders at once (a batch's default concurrency)
CARDS = 3 * WAVE


async def _render_batch(server: LocalServer, tmp_path: Path) -> tuple[CardRenderer, list[float]]:
    kept_at: list[float] = []

    async def keep(fingerprint: str, card: Rendered) -> str | None:
        assert card.data is not None
        assert card.data.startswith(b"\x89PNG")
        kept_at.append(time.monotonic())
        return None

    options = render_options(mode="batch", direct_threshold=0, timeout=60)
    api = AsyncPictify(api_key=server.api_key, base_url=server.base_url)
    store = Store(tmp_path / "cache")
    async with httpx.AsyncClient() as downloads:
        service = Service(api, identity="local", account="a", downloads=downloads, concurrency=1)
        try:
            created = await service.create_template(
                name="streaming", html=CARD_HTML, width=1200, height=630
            )
            jobs = [CardJob(f"fp{i}", "t", {"title": f"Card {i}"}) for i in range(CARDS)]
            renderer = CardRenderer(service, store, {"t": created.uid}, options, keep=keep)
            await renderer.run(jobs)
        finally:
            await service.aclose()
            store.close()
    return renderer, kept_at


async def test_finished_items_are_kept_while_the_batch_renders_the_rest(
    server_factory: ServerFactory, tmp_path: Path
) -> None:
    # A pause before each item: the items finish in three waves, ~0.4 s apart.
    server = server_factory(batch_item_delay_ms=ITEM_DELAY_MS, pages_per_browser=1)
    started = time.monotonic()
    renderer, kept_at = await _render_batch(server, tmp_path)
    ended = time.monotonic()

    assert set(renderer.outcome.done) == {f"fp{i}" for i in range(CARDS)}
    assert renderer.outcome.failed == {}
    assert renderer.outcome.batches == 1  # nothing was sent twice
    assert len(kept_at) == CARDS
    # Taken as they came: the first card was kept before the last wave could even start.
    assert kept_at[0] - started < (ended - started) - 2 * ITEM_DELAY_MS / 1000
