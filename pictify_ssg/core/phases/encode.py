"""Storing rendered cards as they arrive, optimised on other cores while the renderer works."""

from __future__ import annotations

import asyncio
import multiprocessing
import multiprocessing.connection
import os
import threading
from collections.abc import Mapping
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor

from pictify_ssg.core.cards import Card, read_image, replace_image, save_card
from pictify_ssg.core.png_optimize import optimize_png
from pictify_ssg.core.service import Rendered
from pictify_ssg.core.settings import Settings
from pictify_ssg.core.store import Store

#: Cards to render from which encoding moves to worker processes (see CardEncoder).
PROCESS_POOL_MIN_CARDS = 64


class CardEncoder:
    """Optimises PNG cards and stores them in the cache.

    A few cards are encoded on a worker thread. Many cards go to worker processes: the
    embedded renderer's server, the HTTP client and the site generator are Python in this
    process, and Pillow's quantiser holds the GIL, so threads left the second core idle.

    Args:
        settings: Format and ``png_optimize``.
        store: The card cache.
        expected: Cards this build expects to encode (chooses threads or processes).
    """

    def __init__(self, settings: Settings, store: Store, *, expected: int) -> None:
        self.settings = settings
        self.store = store
        self.expected = expected
        self.kept: dict[str, Card] = {}
        """Cards rendered and stored this build, by fingerprint."""
        self._executor: Executor | None = None

    async def keep(self, fingerprint: str, card: Rendered) -> str | None:
        """Optimise and store a rendered card as soon as it arrives (only successes are ever
        stored); ``None`` when kept, else why it cannot be used."""
        optimized = None
        if card.data is not None and self.settings.format == "png":
            data = await self._encode(card.data)
            card = Rendered(card.url, card.width, card.height, data)
            optimized = self.settings.png_optimize
        saved = save_card(
            self.store, fingerprint, card, format=self.settings.format, optimized=optimized
        )
        if card.data is not None and not saved.has_bytes:
            return "the renderer's answer is not a PNG, JPEG or WebP image"
        self.kept[fingerprint] = saved
        return None

    async def upgrade(self, cards: Mapping[str, Card]) -> dict[str, Card]:
        """Cached PNG cards made before cards were optimised, optimised now (once; no render
        needed), by fingerprint."""
        mode = self.settings.png_optimize
        if mode == "off":
            return {}
        old = [c for c in cards.values() if c.has_bytes and c.format == "png" and not c.optimized]
        upgraded: dict[str, Card] = {}

        async def upgrade(card: Card) -> None:
            data = read_image(self.store, card)
            if data is not None:
                smaller = await self._encode(data)
                upgraded[card.fingerprint] = replace_image(
                    self.store, card, smaller, optimized=mode
                )

        await asyncio.gather(*(upgrade(card) for card in old))
        return upgraded

    def close(self) -> None:
        """Let the workers go (encodes still running finish on their own)."""
        if self._executor is not None:
            self._executor.shutdown(wait=False)
            self._executor = None

    async def _encode(self, data: bytes) -> bytes:
        if self._executor is None:
            self._executor = self._start_workers()
        loop = asyncio.get_running_loop()
        mode = self.settings.png_optimize
        result = await loop.run_in_executor(self._executor, optimize_png, data, mode)
        return result.data

    def _start_workers(self) -> Executor:
        cores = os.cpu_count() or 1
        if self.expected >= PROCESS_POOL_MIN_CARDS and cores > 1:
            # Spawned, not forked: this process runs threads (event loop, local server).
            return ProcessPoolExecutor(
                max(1, min(4, cores // 2)),
                mp_context=multiprocessing.get_context("spawn"),
                initializer=exit_with_parent,
            )
        return ThreadPoolExecutor(max(1, min(4, cores)), thread_name_prefix="pictify-encode")


def exit_with_parent() -> None:
    """In an encoding worker: end it when the build's process ends, however that ends.

    A worker waits for work on a queue it holds both ends of, so a build killed with
    ``kill -9`` (or by the out-of-memory killer) would leave it, and multiprocessing's resource
    tracker, waiting for ever.
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="pictify-encode-parent", daemon=True).start()
