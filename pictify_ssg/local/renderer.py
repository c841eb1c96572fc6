"""Rendering HTML and URLs to images with a pool of reused Chromium pages (Playwright, async).

Speed decisions, measured on two cores for a 1200x630 card (see ``bench/render_bench.py``):

* Pages are created once and reused; new content is written into the open document in one
  ``evaluate`` round trip (``document.open/write/close``, then waiting for ``load`` and
  ``document.fonts.ready`` inside the page) instead of ``page.set_content`` plus a separate fonts
  wait. Network idle is never awaited: a card must not wait for analytics beacons.
* Screenshots go through the DevTools protocol with ``optimizeForSpeed`` (PNG encoding with a
  cheaper zlib level), clipped to the viewport. Chromium's default PNG encoder costs ~3x more.
* Chromium encodes screenshots on its browser process' thread, so pages in one process queue up
  behind each other; the pool spreads pages over several Chromium processes instead.

Chromium starts lazily on the first render, so a server that only answers from its cache never
launches a browser. A failed launch is remembered: renders are refused at once (503
``BROWSER_UNAVAILABLE``) until a back-off has passed, instead of paying for a doomed launch per
request; the next render after the back-off tries again, so a passing problem heals itself.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import math
import os
import time
from dataclasses import dataclass
from typing import Any, Literal

from playwright.async_api import (
    Browser,
    BrowserContext,
    CDPSession,
    Page,
    Playwright,
    async_playwright,
)
from playwright.async_api import Error as PlaywrightError

from pictify_ssg.local.browser import INSTALL_HINT, LAUNCH_ARGS, resolve_chromium
from pictify_ssg.local.exceptions import ChromiumNotFoundError
from pictify_ssg.local.options import CaptureMode
from pictify_ssg.local.processes import alive, children, command_line, descendants, kill

logger = logging.getLogger(__name__)

OutputFormat = Literal["png", "jpeg", "webp", "pdf"]

LAUNCH_RETRY_S = 30.0
"""How long a failed Chromium launch is remembered before the next render tries again."""

_WRITE_DOCUMENT = """
async ([html, loadTimeoutMs]) => {
  document.open();
  document.write(html);
  document.close();
  const timeout = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  if (document.readyState !== "complete") {
    await Promise.race([
      new Promise((resolve) => window.addEventListener("load", resolve, { once: true })),
      timeout(loadTimeoutMs),
    ]);
  }
  await Promise.race([document.fonts.ready, timeout(loadTimeoutMs)]);
  return true;
}
"""

_FONTS_READY = "() => document.fonts.ready.then(() => true)"

_ELEMENT_BOX = """
(selector) => {
  const element = document.querySelector(selector);
  if (!element) return null;
  const box = element.getBoundingClientRect();
  return [box.left + window.scrollX, box.top + window.scrollY, box.width, box.height];
}
"""


@dataclass(frozen=True)
class RenderJob:
    """One thing to render.

    Attributes:
        html: A full document or a fragment (exclusive with ``url``).
        url: An http(s) page to load (exclusive with ``html``).
        width: Viewport width in CSS pixels.
        height: Viewport height in CSS pixels.
        format: Output format.
        quality: 0.1-1.0, used by JPEG and WebP.
        selector: CSS selector of the element to crop to.
    """

    width: int
    height: int
    format: OutputFormat = "png"
    html: str | None = None
    url: str | None = None
    quality: float = 0.9
    selector: str | None = None


@dataclass(frozen=True)
class RenderOutput:
    """A rendered file and its pixel size."""

    data: bytes
    width: int
    height: int
    format: OutputFormat


class RenderError(Exception):
    """A render failed; ``status`` and ``code`` say whose fault it was.

    Args:
        status: HTTP status to answer with (422 for bad input, 5xx for renderer trouble).
        code: Machine-readable code.
        message: Human-readable text.
    """

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass
class _Slot:
    """A reusable page with its DevTools session."""

    browser: Browser
    context: BrowserContext
    page: Page
    cdp: CDPSession
    viewport: tuple[int, int]
    dirty: bool = False  # the document is not a plain card (scripts ran or a URL was loaded)


class Renderer:
    """A lazily started pool of Chromium pages.

    Args:
        browsers: Chromium processes to launch.
        pages_per_browser: Pages per process.
        capture: Screenshot strategy.
        timeout_s: Upper bound for loading one page.
        executable: The Chromium to launch (default: `resolve_chromium` at the first launch).
        launch_retry_s: How long a failed launch is remembered; renders in that window are
            answered with 503 ``BROWSER_UNAVAILABLE`` without another launch attempt.
    """

    def __init__(
        self,
        *,
        browsers: int = 2,
        pages_per_browser: int = 1,
        capture: CaptureMode = "fast",
        timeout_s: float = 30.0,
        executable: str | None = None,
        launch_retry_s: float = LAUNCH_RETRY_S,
    ) -> None:
        self._executable = executable
        self._launch_retry_s = launch_retry_s
        self._launch_failure: str | None = None
        self._retry_launch_at = 0.0
        self._launch_attempts = 0
        self._browser_count = browsers
        self._pages_per_browser = pages_per_browser
        self._capture = capture
        self._timeout_s = timeout_s
        self._playwright: Playwright | None = None
        self._browsers: list[Browser] = []
        self._idle: asyncio.Queue[_Slot] | None = None
        self._start_lock = asyncio.Lock()
        self._closed = False
        self._driver_pids: set[int] = set()

    @property
    def started(self) -> bool:
        """Whether Chromium is running."""
        return bool(self._browsers)

    @property
    def launch_attempts(self) -> int:
        """How many times this renderer tried to start its Chromium pool."""
        return self._launch_attempts

    async def render(self, job: RenderJob) -> RenderOutput:
        """Render ``job`` on the next free page.

        Raises:
            RenderError: Bad input (422: unknown selector, unreachable URL) or renderer failure
                (503 ``BROWSER_UNAVAILABLE``: Chromium cannot be started, now or recently;
                422 for a page that fails or does not finish in time).
        """
        idle = await self._ensure_started()
        slot = await idle.get()
        try:
            return await self._render_on(slot, job)
        except RenderError:
            raise
        except (PlaywrightError, asyncio.TimeoutError) as exc:
            # The page may be half-navigated or crashed; never hand it to the next job.
            logger.debug("replacing page after render failure: %s", exc)
            browser_died = not slot.browser.is_connected()
            slot = await self._replace(slot)
            if browser_died:
                raise RenderError(
                    503, "BROWSER_POOL_UNAVAILABLE", "Chromium exited during the render; retry"
                ) from None
            if isinstance(exc, asyncio.TimeoutError):
                # 422, not the hosted 504: the usual cause is the page itself (a script that
                # never ends), and a 5xx would make clients retry the same hopeless render.
                raise RenderError(
                    422,
                    "RENDER_TIMEOUT",
                    f"Rendering did not finish within {self._timeout_s:g} s "
                    "(a script that never ends, or a resource that never loads?)",
                ) from None
            # With the browser alive, the page's own content is the usual culprit (a script
            # that navigates away mid-render, a crashing page), so this is not retriable.
            first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise RenderError(422, "RENDER_FAILED", f"Rendering failed: {first_line}") from None
        finally:
            idle.put_nowait(slot)

    async def close(self) -> None:
        """Close every page and browser and stop Playwright's driver (idempotent)."""
        self._closed = True
        async with self._start_lock:
            await self._teardown()

    async def _teardown(self) -> None:
        """Close browsers and the driver; the caller holds ``_start_lock``."""
        tree = set(self._driver_pids)
        for pid in self._driver_pids:
            tree |= descendants(pid)
        browsers, self._browsers = self._browsers, []
        for browser in browsers:
            with contextlib.suppress(Exception):
                await browser.close()
        if self._playwright is not None:
            playwright, self._playwright = self._playwright, None
            with contextlib.suppress(Exception):
                await playwright.stop()
        self._idle = None
        self._driver_pids = set()
        leftovers = await _wait_gone(tree)
        if leftovers:
            logger.debug("killing %d Chromium process(es) that outlived close()", len(leftovers))
            kill(leftovers)

    async def _ensure_started(self) -> asyncio.Queue[_Slot]:
        if self._idle is not None:
            return self._idle
        # Checked before and after waiting for the lock: requests queued behind a failing launch
        # get its answer instead of launching again one by one.
        self._refuse_while_backing_off()
        async with self._start_lock:
            if self._closed:
                raise RenderError(503, "BROWSER_POOL_UNAVAILABLE", "The renderer is shut down")
            if self._idle is None:
                self._refuse_while_backing_off()
                self._launch_attempts += 1
                try:
                    self._idle = await self._start()
                except RenderError as exc:
                    self._launch_failure = exc.message
                    self._retry_launch_at = time.monotonic() + self._launch_retry_s
                    raise
                self._launch_failure = None
            return self._idle

    def _refuse_while_backing_off(self) -> None:
        if self._launch_failure is None:
            return
        remaining = self._retry_launch_at - time.monotonic()
        if remaining > 0:
            raise RenderError(
                503,
                "BROWSER_UNAVAILABLE",
                f"{self._launch_failure} (failed recently; not retried for another "
                f"{math.ceil(remaining)} s)",
            )

    async def _start(self) -> asyncio.Queue[_Slot]:
        if self._executable is None:
            try:
                self._executable = await asyncio.to_thread(resolve_chromium)
            except ChromiumNotFoundError as exc:
                raise RenderError(503, "BROWSER_UNAVAILABLE", str(exc)) from None
        executable = self._executable
        logger.debug("launching %d Chromium process(es) from %s", self._browser_count, executable)
        before = children(os.getpid())
        try:
            self._playwright = await async_playwright().start()
            # Remember Playwright's driver so close() can wait for its whole process tree.
            self._driver_pids = {
                pid for pid in children(os.getpid()) - before if "run-driver" in command_line(pid)
            }
            self._browsers = list(
                await asyncio.gather(
                    *(self._launch(executable) for _ in range(self._browser_count))
                )
            )
            slots = await asyncio.gather(
                *(
                    self._new_slot(browser)
                    for browser in self._browsers
                    for _ in range(self._pages_per_browser)
                )
            )
        except (PlaywrightError, OSError) as exc:
            # The caller holds the start lock, so tear down directly (close() would deadlock).
            await self._teardown()
            text = exc.message if isinstance(exc, PlaywrightError) else str(exc)
            first_line = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
            raise RenderError(
                503,
                "BROWSER_UNAVAILABLE",
                f"Chromium ({executable}) could not be started: {first_line}; check that it "
                f"runs, or {INSTALL_HINT}",
            ) from None
        idle: asyncio.Queue[_Slot] = asyncio.Queue()
        for slot in slots:
            idle.put_nowait(slot)
        return idle

    async def _launch(self, executable: str) -> Browser:
        assert self._playwright is not None
        return await self._playwright.chromium.launch(
            executable_path=executable,
            args=list(LAUNCH_ARGS),
            headless=True,
            # Our shutdown closes the browsers; Playwright's own signal handlers would race it.
            handle_sigint=False,
            handle_sigterm=False,
            handle_sighup=False,
        )

    async def _new_slot(self, browser: Browser) -> _Slot:
        context = await browser.new_context(
            viewport={"width": 1200, "height": 630}, device_scale_factor=1
        )
        page = await context.new_page()
        cdp = await context.new_cdp_session(page)
        return _Slot(browser, context, page, cdp, (1200, 630))

    async def _replace(self, slot: _Slot) -> _Slot:
        with contextlib.suppress(Exception):
            await slot.context.close()
        browser = slot.browser
        if not browser.is_connected():
            assert self._executable is not None  # set by the first launch
            browser = await self._launch(self._executable)
            self._browsers = [b for b in self._browsers if b is not slot.browser] + [browser]
        return await self._new_slot(browser)

    async def _render_on(self, slot: _Slot, job: RenderJob) -> RenderOutput:
        if slot.viewport != (job.width, job.height):
            await slot.page.set_viewport_size({"width": job.width, "height": job.height})
            slot.viewport = (job.width, job.height)
        if job.url is not None:
            await self._load_url(slot, job.url)
        else:
            await self._load_html(slot, job.html or "")
        clip = await self._clip(slot, job)
        if job.format == "pdf":
            data = await self._pdf(slot, job)
        else:
            data = await asyncio.wait_for(self._screenshot(slot, job, clip), self._timeout_s)
        return RenderOutput(data, math.ceil(clip["width"]), math.ceil(clip["height"]), job.format)

    async def _load_html(self, slot: _Slot, html: str) -> None:
        has_script = "<script" in html.lower()
        if slot.dirty or has_script:
            # A fresh document gives page scripts a clean global scope (document.open keeps it).
            await slot.page.goto("about:blank")
        slot.dirty = has_script
        await asyncio.wait_for(
            slot.page.evaluate(_WRITE_DOCUMENT, [html, int(self._timeout_s * 1000)]),
            self._timeout_s + 1,
        )

    async def _load_url(self, slot: _Slot, url: str) -> None:
        slot.dirty = True
        try:
            await slot.page.goto(url, wait_until="load", timeout=self._timeout_s * 1000)
        except PlaywrightError as exc:
            first_line = exc.message.splitlines()[0] if exc.message else str(exc)
            raise RenderError(
                422, "URL_LOAD_FAILED", f"Could not load {url}: {first_line}"
            ) from None
        await asyncio.wait_for(slot.page.evaluate(_FONTS_READY), self._timeout_s)

    async def _clip(self, slot: _Slot, job: RenderJob) -> dict[str, float]:
        if not job.selector:
            return {"x": 0, "y": 0, "width": job.width, "height": job.height, "scale": 1}
        try:
            box = await slot.page.evaluate(_ELEMENT_BOX, job.selector)
        except PlaywrightError:
            raise RenderError(
                422, "INVALID_SELECTOR", f"{job.selector!r} is not a valid CSS selector"
            ) from None
        if box is None:
            raise RenderError(
                422, "SELECTOR_NOT_FOUND", f"No element matches selector {job.selector!r}"
            )
        x, y, width, height = (float(v) for v in box)
        if width < 1 or height < 1:
            raise RenderError(
                422, "SELECTOR_EMPTY", f"The element matching {job.selector!r} has no size"
            )
        return {"x": x, "y": y, "width": width, "height": height, "scale": 1}

    async def _screenshot(self, slot: _Slot, job: RenderJob, clip: dict[str, float]) -> bytes:
        quality = max(1, min(100, round(job.quality * 100)))
        beyond = clip["x"] + clip["width"] > job.width or clip["y"] + clip["height"] > job.height
        if self._capture == "default" and job.format in ("png", "jpeg"):
            return await slot.page.screenshot(
                type=job.format,
                clip={
                    "x": clip["x"],
                    "y": clip["y"],
                    "width": clip["width"],
                    "height": clip["height"],
                },
                quality=quality if job.format == "jpeg" else None,
                full_page=beyond,
            )
        params: dict[str, Any] = {
            "format": job.format,
            "optimizeForSpeed": True,
            "clip": clip,
            "captureBeyondViewport": beyond,
        }
        if job.format != "png":
            params["quality"] = quality
        result = await slot.cdp.send("Page.captureScreenshot", params)
        return base64.b64decode(result["data"])

    async def _pdf(self, slot: _Slot, job: RenderJob) -> bytes:
        css_pixels_per_inch = 96
        result = await slot.cdp.send(
            "Page.printToPDF",
            {
                "printBackground": True,
                "paperWidth": job.width / css_pixels_per_inch,
                "paperHeight": job.height / css_pixels_per_inch,
                "marginTop": 0,
                "marginBottom": 0,
                "marginLeft": 0,
                "marginRight": 0,
                "preferCSSPageSize": False,
            },
        )
        return base64.b64decode(result["data"])


async def _wait_gone(pids: set[int], timeout_s: float = 10.0) -> set[int]:
    """Wait (without a worker thread: this also runs at interpreter exit) until ``pids`` end."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    remaining = {pid for pid in pids if alive(pid)}
    while remaining and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.02)
        remaining = {pid for pid in remaining if alive(pid)}
    return remaining
