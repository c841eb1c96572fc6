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
from typing import Any, Generic, TypeVar

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
        return self.submit(coro).result()

    def submit(self, coro: Coroutine[Any, Any, T]) -> Running[T]:
        """Start ``coro`` on the loop; the caller goes on and collects it with
        :meth:`Running.result` (a build rendering cards while the site generator works)."""
        if threading.current_thread() is self._thread:
            coro.close()
            raise RuntimeError("Pipeline.build() cannot be called from its own event loop")
        return Running(self._loop, coro)

    def close(self) -> None:
        """Stop the loop and join the thread."""
        if self._loop.is_closed():
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()


class Running(Generic[T]):
    """A coroutine running on a :class:`LoopThread`, started by :meth:`LoopThread.submit`."""

    def __init__(self, loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, T]) -> None:
        self._started, self._finished = threading.Event(), threading.Event()
        self._coro = coro

        async def watched() -> T:
            self._started.set()
            try:
                return await coro
            finally:
                self._finished.set()

        self._future = asyncio.run_coroutine_threadsafe(watched(), loop)

    def done(self) -> bool:
        """Whether it has finished (result or error)."""
        return self._future.done()

    def result(self) -> T:
        """Wait for it and return its result (its exception propagates).

        A ``KeyboardInterrupt`` (or any error of the waiting thread) cancels it instead of
        letting it run on behind the caller, which would then close the clients and the
        cache under it and log a failure for every page. The cancelled build stores nothing
        more.
        """
        try:
            # Short waits: a Ctrl+C the kernel hands to another thread is still seen here
            # (Python runs signal handlers in the main thread, between waits).
            done: set[concurrent.futures.Future[T]] = set()
            while not done:
                done, _ = concurrent.futures.wait([self._future], timeout=0.25)
            return self._future.result()
        except BaseException:
            self.cancel()
            raise

    def cancel(self) -> None:
        """Cancel it and give it :data:`CANCEL_GRACE` seconds to unwind."""
        self._future.cancel()
        if self._started.wait(timeout=1.0):
            self._finished.wait(timeout=CANCEL_GRACE)
        else:
            self._coro.close()  # cancelled before it started: no "never awaited" warning
