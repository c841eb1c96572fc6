"""A private event loop on its own thread, owned by a :class:`~pictify_ssg.core.Pipeline`.

``asyncio.run`` per build would create a new loop each time, but the HTTP clients opened in
the first build (and reused by ``mkdocs serve`` rebuilds) belong to the loop they were made
on. A loop on a private thread also works when ``build()`` is called from a thread that
already runs a loop, where ``run_until_complete`` would fail.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

#: Seconds a cancelled build gets to unwind before the caller goes on.
CANCEL_GRACE = 10.0


class LoopThread:
    """Runs coroutines on one long-lived event loop in a daemon thread."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="pictify-ssg-loop", daemon=True
        )
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the loop and wait for its result (exceptions propagate)."""
        if threading.current_thread() is self._thread:
            coro.close()
            raise RuntimeError("Pipeline.build() cannot be called from its own event loop")
        started, finished = threading.Event(), threading.Event()

        async def watched() -> T:
            started.set()
            try:
                return await coro
            finally:
                finished.set()

        future = asyncio.run_coroutine_threadsafe(watched(), self._loop)
        try:
            # Short waits: a Ctrl+C the kernel hands to another thread is still seen here
            # (Python runs signal handlers in the main thread, between waits).
            done: set[concurrent.futures.Future[T]] = set()
            while not done:
                done, _ = concurrent.futures.wait([future], timeout=0.25)
            return future.result()
        except BaseException:
            # Ctrl+C (or any error of the waiting thread): stop the build instead of letting it
            # run on behind the caller, which would then close the clients and the cache under
            # it and log a failure for every page. The cancelled build stores nothing more.
            future.cancel()
            if started.wait(timeout=1.0):
                finished.wait(timeout=CANCEL_GRACE)
            else:
                coro.close()  # cancelled before it started: no "never awaited" warning
            raise

    def close(self) -> None:
        """Stop the loop and join the thread."""
        if self._loop.is_closed():
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()
