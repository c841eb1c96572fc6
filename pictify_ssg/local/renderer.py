"""Rendering HTML and URLs to images with a pool of reused Chromium pages (Playwright, async).

Speed decisions, measured on two cores for a 1200x630 card (see ``bench/render_bench.py``):

* Pages are created once and reused; new content is written into the open document in one
  DevTools round trip (``document.open/write/close``, then waiting for images and
  ``document.fonts.ready`` inside the page) instead of ``page.set_content`` plus a separate fonts
  wait. Network idle is never awaited: a card must not wait for analytics beacons.
* Screenshots go through the DevTools protocol with ``optimizeForSpeed`` (PNG encoding with a
  cheaper zlib level), clipped to the viewport. Chromium's default PNG encoder costs ~3x more.
* Chromium encodes screenshots on its browser process' thread, so pages in one process queue up
  behind each other; the pool spreads pages over several Chromium processes instead.

Isolation decisions (a card's HTML comes from page authors, so it is untrusted):

* **Network.** Every request a page makes passes `NetworkPolicy` (``context.route``): cards
  fetch nothing unless ``card_hosts`` allows an https host, URL screenshots reach public
  addresses only. Playwright's route handler never sees redirect hops, so a DevTools ``Fetch``
  interception on each page checks those too, and WebSockets (which request interception
  never sees) go through Playwright's WebSocket routing. The card document itself is served
  (once per page, not per card) with a Content-Security-Policy that repeats the rules inside
  Chromium and sandboxes the card into an opaque origin: no storage survives from one card to
  the next.
* **Navigation.** A card may not leave its document: the first attempt (meta refresh,
  ``location=...``) fails the render at once with 422 ``RENDER_NAVIGATION_BLOCKED``.
* **Popups.** Chromium's popup blocker stays on (Playwright turns it off by default), card
  documents are sandboxed without ``allow-popups``, our own page scripts run without a user
  gesture, and any page that still appears is closed at once.
* **Scripts** run only when the job says so (a template's ``jsEnabled``), switched per render
  with ``Emulation.setScriptExecutionDisabled``; our own DevTools evaluations still work.
* **Time.** A whole render (write, images, fonts, screenshot) runs under one budget, short for
  cards; a page that overruns it is thrown away with its context (which ends a renderer stuck in
  ``while (true) {}``) and large documents are written in slices, so a huge card cannot keep
  Playwright's single driver connection busy for minutes after its budget ran out.
* **Teardown.** Chromium lets requests still paused in interception go out when their browser
  shuts down, so a page is closed only after every pending decision was answered (refused).

Script cards pay for isolation: a card whose scripts may still act gets a fresh card document
before the next render on its page (a routed navigation, ~50 ms more than the ``about:blank``
it used to be). Cards without scripts, the common case, reuse the open document as before.

Chromium starts lazily on the first render, so a server that only answers from its cache never
launches a browser. A failed launch is remembered: renders are refused at once (503
``BROWSER_UNAVAILABLE``) until a back-off has passed, instead of paying for a doomed launch per
request; the next render after the back-off tries again, so a passing problem heals itself.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import math
import os
import re
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from playwright.async_api import (
    Browser,
    BrowserContext,
    CDPSession,
    Frame,
    Page,
    Playwright,
    Request,
    Route,
    WebSocketRoute,
    async_playwright,
)
from playwright.async_api import Error as PlaywrightError

from pictify_ssg.local.browser import (
    IGNORED_DEFAULT_ARGS,
    INSTALL_HINT,
    LAUNCH_ARGS,
    resolve_chromium,
)
from pictify_ssg.local.exceptions import ChromiumNotFoundError
from pictify_ssg.local.network_policy import NetworkPolicy
from pictify_ssg.local.options import CaptureMode
from pictify_ssg.local.processes import (
    children,
    command_line,
    descendants,
    kill,
    wait_gone,
)

logger = logging.getLogger(__name__)

OutputFormat = Literal["png", "jpeg", "webp", "pdf", "gif"]

LAUNCH_RETRY_S = 30.0
"""How long a failed Chromium launch is remembered before the next render tries again."""

CARD_DOCUMENT_URL = "http://card.pictify.invalid/"
"""Where card documents live: answered by the route handler with an empty page and the card CSP
(``.invalid`` never resolves, so nothing outside the renderer can answer for it)."""

REPLACE_TIMEOUT_S = 15.0
"""Upper bound for swapping a broken page for a fresh one (~0.1 s; ~1 s when relaunching)."""

RETIRE_SETTLE_S = 0.1
RETIRE_DRAIN_S = 1.0
"""Closing a page waits ``RETIRE_SETTLE_S`` for paused requests to reach the interception
handlers, then up to ``RETIRE_DRAIN_S`` for their answers (see `Renderer._retire`)."""

SCREENSHOT_ATTEMPTS = 5
"""Tries for a screenshot Chromium cannot take yet (no frame right after a navigation)."""

MAX_FONT_WARNINGS = 5
"""Web fonts that failed to load named per template, at most (see `Renderer._check_fonts`)."""

GARBAGE_EVERY_RENDERS = 200
GARBAGE_TIMEOUT_S = 5.0
"""A page's garbage is collected every ``GARBAGE_EVERY_RENDERS`` renders, waiting at most
``GARBAGE_TIMEOUT_S`` (see `Renderer._collect_garbage_now_and_then`)."""

WRITE_SLICE_CHARS = 512 * 1024
"""Documents longer than this are written in slices of this size, one DevTools message each.

Playwright talks to Chromium through one driver connection shared by every page, at roughly
0.3 s per MB of HTML on two cores; one 200 MB message would hold that connection (and every
other render) for a minute after its own budget ran out. Slices let the budget stop a huge
document between two of them, and let other renders' messages through in between."""

_SETTLE = """
  const refresh = document.querySelector('meta[http-equiv="refresh" i]');
  if (refresh) return refresh.getAttribute("content") || "";
  await Promise.all(
    Array.from(document.images)
      .filter((img) => img.loading !== "lazy")
      .map((img) => img.decode().catch(() => undefined)),
  );
  await document.fonts.ready;
  return null;
"""
# Answers the content of a meta refresh (a navigation that would only start after the
# screenshot, so the render is refused now rather than racing it), else null once the document
# has settled. Promises, not event listeners: with page scripts disabled Chromium never calls
# listeners, not even ours. ``document.readyState`` is "complete" right after
# ``document.close()`` although images may still load, so images are awaited one by one (broken
# ones do not count).

_WRITE_DOCUMENT = f"""
async (html) => {{
  document.open();
  document.write(html);
  document.close();
  {_SETTLE}
}}
"""

_OPEN_DOCUMENT = "(html) => { document.open(); document.write(html); return true; }"

_APPEND_DOCUMENT = "(html) => { document.write(html); return true; }"

_CLOSE_DOCUMENT = f"""
async () => {{
  document.close();
  {_SETTLE}
}}
"""

_FONTS_READY = "() => document.fonts.ready.then(() => true)"

_FAILED_FONTS = (
    "() => Array.from(document.fonts).filter((f) => f.status === 'error').map((f) => f.family)"
)
# Web fonts (@font-face) that could not be loaded, once the document settled: the card then
# quietly shows a fallback font, which its author would only notice by looking closely.

_ELEMENT_BOX = """
(selector) => {
  const element = document.querySelector(selector);
  if (!element) return null;
  const box = element.getBoundingClientRect();
  return [box.left + window.scrollX, box.top + window.scrollY, box.width, box.height];
}
"""

# Scripted content that may still act after its render (timers, event handlers): the next
# render on that page starts from a fresh document instead of reusing this one.
_EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=")

_REFRESH_TARGET = re.compile(r"url\s*=\s*['\"]?([^'\"]+)", re.IGNORECASE)


def _may_act_later(html: str, javascript: bool) -> bool:
    # Without scripts only a meta refresh could act later, and the write refuses those.
    if not javascript:
        return False
    lower = html.lower()
    return bool("<script" in lower or "javascript:" in lower or _EVENT_HANDLER.search(lower))


@dataclass(frozen=True)
class PageHandle:
    """What a job's own capture step may use on the page that shows its document.

    Attributes:
        page: The Playwright page (its frames, for documents made of several).
        cdp: The page's DevTools session (``Page.printToPDF``...).
        evaluate: Calls a JavaScript function in the page without a user gesture, as the
            renderer's own steps do; ``evaluate(function, *args)``.
        screenshot: A PNG of the job's area, taken the way still images are.
    """

    page: Page
    cdp: CDPSession
    evaluate: Callable[..., Awaitable[Any]]
    screenshot: Callable[[], Awaitable[bytes]]


Capture = Callable[[PageHandle], Awaitable["RenderOutput"]]
"""A job's own way of turning the loaded page into a file (GIF frames, a printed PDF)."""


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
        javascript: Whether the page's own scripts run (a template's ``jsEnabled``). Off by
            default: a card is a picture, and its variables come from page authors.
        label: What to call the document in warnings (the template's name), if anything.
        capture: Replaces the screenshot: called with the loaded page, under the same budget
            and isolation (see `gif_frames`, `pdf_print`).
        extra_budget_s: Seconds added to the render budget for a capture that records over
            time (a GIF's frames), so the budget keeps bounding the document's own loading.
    """

    width: int
    height: int
    format: OutputFormat = "png"
    html: str | None = None
    url: str | None = None
    quality: float = 0.9
    selector: str | None = None
    javascript: bool = False
    label: str | None = None
    capture: Capture | None = None
    extra_budget_s: float = 0.0


@dataclass(frozen=True)
class RenderOutput:
    """A rendered file and its pixel size."""

    data: bytes
    width: int
    height: int
    format: OutputFormat


class RenderFailure(Exception):
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


class _PageScriptError(Exception):
    """One of our own DevTools evaluations threw inside the page."""


class _RenderTimeout(Exception):
    """The render overran its budget."""


def _new_future() -> asyncio.Future[RenderFailure]:
    return asyncio.get_running_loop().create_future()


@dataclass
class _Watch:
    """The rules of the render in progress on a page, and the first rule its page broke."""

    mode: Literal["card", "page"]
    verdicts: dict[str, str | None] = field(default_factory=dict)
    broken_rule: asyncio.Future[RenderFailure] = field(default_factory=_new_future)

    def fail(self, error: RenderFailure) -> None:
        """End the render with ``error`` (the first call wins)."""
        if not self.broken_rule.done():
            self.broken_rule.set_result(error)


@dataclass(eq=False)  # identity: slots live in sets
class _Slot:
    """A reusable page with its DevTools session."""

    browser: Browser
    context: BrowserContext
    page: Page
    cdp: CDPSession
    viewport: tuple[int, int]
    main_frame_id: str = ""
    # The document is not a clean card document (scripts may still act, a URL was loaded, a
    # navigation was attempted): the next card starts from a fresh one.
    dirty: bool = True
    scripts: bool = True  # whether page scripts may run (Chromium's default)
    expecting_document: bool = False  # our own navigation to CARD_DOCUMENT_URL is under way
    watch: _Watch | None = None
    # The render whose document the page shows: a navigation the document starts later (a
    # timer) is refused without failing the next render on this page.
    writer: _Watch | None = None
    broken: bool = False  # replacing it failed; try again before its next render
    renders: int = 0  # cards rendered on this page
    closing: bool = False  # being closed: every request is refused at once
    deciding: int = 0  # requests paused in interception, waiting for our answer
    decided: asyncio.Event = field(default_factory=asyncio.Event)  # set while deciding == 0
    closed: asyncio.Event = field(default_factory=asyncio.Event)  # set when closing begins


class Renderer:
    """A lazily started pool of Chromium pages.

    Args:
        browsers: Chromium processes to launch.
        pages_per_browser: Pages per process.
        capture: Screenshot strategy.
        timeout_s: Budget for a whole URL screenshot, and the upper bound of ``card_timeout_s``.
        card_timeout_s: Budget for a whole HTML render: writing the document, loading its
            images and fonts, and the screenshot. Cards render from their own HTML, so this is
            short; the smaller of the two budgets applies.
        executable: The Chromium to launch (default: `resolve_chromium` at the first launch).
        launch_retry_s: How long a failed launch is remembered; renders in that window are
            answered with 503 ``BROWSER_UNAVAILABLE`` without another launch attempt.
        policy: What pages may fetch (default: cards offline, screenshots on public addresses).
        card_csp: Serve card documents with the policy's Content-Security-Policy. Only tests
            turn this off, to check the request interception behind it on its own.
        launch_args: Extra Chromium flags (tests use ``--host-resolver-rules``).
    """

    def __init__(
        self,
        *,
        browsers: int = 2,
        pages_per_browser: int = 1,
        capture: CaptureMode = "fast",
        timeout_s: float = 30.0,
        card_timeout_s: float = 10.0,
        executable: str | None = None,
        launch_retry_s: float = LAUNCH_RETRY_S,
        policy: NetworkPolicy | None = None,
        card_csp: bool = True,
        launch_args: Sequence[str] = (),
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
        self._card_timeout_s = min(card_timeout_s, timeout_s)
        self._policy = policy or NetworkPolicy()
        self._card_document = CARD_DOCUMENT_URL if card_csp else "about:blank"
        self._launch_args = tuple(launch_args)
        self._playwright: Playwright | None = None
        self._browsers: list[Browser] = []
        self._idle: asyncio.Queue[_Slot] | None = None
        self._start_lock = asyncio.Lock()
        self._closed = False
        self._driver_pids: set[int] = set()
        self._background: set[asyncio.Task[None]] = set()
        self._slots: set[_Slot] = set()
        self._failed_fonts: set[tuple[str, str]] = set()  # (template, family) warned about

    @property
    def policy(self) -> NetworkPolicy:
        """What pages may fetch (routes check URLs a request names against it up front)."""
        return self._policy

    @property
    def started(self) -> bool:
        """Whether Chromium is running."""
        return bool(self._browsers)

    @property
    def launch_attempts(self) -> int:
        """How many times this renderer tried to start its Chromium pool."""
        return self._launch_attempts

    @property
    def open_pages(self) -> int:
        """Pages open in every browser context of the pool (popups included until closed)."""
        return sum(len(context.pages) for b in self._browsers for context in b.contexts)

    async def render(self, job: RenderJob) -> RenderOutput:
        """Render ``job`` on the next free page.

        Raises:
            RenderFailure: Bad input (422: unknown selector, unreachable or refused URL, a card
                that navigates away, a render over its budget) or renderer failure (503
                ``BROWSER_UNAVAILABLE``: Chromium cannot be started, now or recently).
        """
        idle = await self._ensure_started()
        slot = await idle.get()
        try:
            if slot.broken:
                slot = await self._replace(slot)
            output = await self._render_watched(slot, job)
            await self._collect_garbage_now_and_then(slot)
            return output
        except RenderFailure:
            raise
        except (PlaywrightError, _PageScriptError, _RenderTimeout) as exc:
            # The page may be half-navigated, stuck or crashed; never hand it to the next job.
            logger.debug("replacing page after render failure: %s", exc)
            browser_died = not slot.browser.is_connected()
            slot = await self._replace_in_time(slot)
            if browser_died:
                raise RenderFailure(
                    503, "BROWSER_POOL_UNAVAILABLE", "Chromium exited during the render; retry"
                ) from None
            if isinstance(exc, _RenderTimeout):
                # 422, not the hosted 504: the usual cause is the page itself (a script that
                # never ends), and a 5xx would make clients retry the same hopeless render.
                raise RenderFailure(422, "RENDER_TIMEOUT", str(exc)) from None
            # With the browser alive, the page's own content is the usual culprit (a script
            # that navigates away mid-render, a crashing page), so this is not retriable.
            first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise RenderFailure(422, "RENDER_FAILED", f"Rendering failed: {first_line}") from None
        finally:
            idle.put_nowait(slot)

    async def _collect_garbage_now_and_then(self, slot: _Slot) -> None:
        """Collect the page's garbage every `GARBAGE_EVERY_RENDERS` renders.

        Every card written into the document leaves the previous one's DOM behind for the
        garbage collector, which a page busy with cards seldom runs: left alone, a page's
        renderer process grew by ~90 KB per card (30 MB to 70 MB over 500 CJK and emoji
        cards, Chromium 156). A collection also drops caches the next cards rebuild, so it
        is not run after every card: every 50 kept a renderer near 28 MB but cost ~3 ms per
        card; every 200 keeps it under ~45 MB at no measurable cost.
        """
        slot.renders += 1
        if slot.renders % GARBAGE_EVERY_RENDERS == 0:
            with contextlib.suppress(PlaywrightError, asyncio.TimeoutError):
                await asyncio.wait_for(
                    slot.cdp.send("HeapProfiler.collectGarbage"), GARBAGE_TIMEOUT_S
                )

    async def close(self) -> None:
        """Close every page and browser and stop Playwright's driver (idempotent)."""
        self._closed = True
        async with self._start_lock:
            await self._teardown()

    async def _teardown(self) -> None:
        """Close browsers and the driver; the caller holds ``_start_lock``."""
        slots, self._slots = list(self._slots), set()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(
                asyncio.gather(*(self._retire(slot) for slot in slots)), REPLACE_TIMEOUT_S
            )
        for task in list(self._background):
            task.cancel()
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
        leftovers = await wait_gone(tree)
        if leftovers:
            logger.debug("killing %d Chromium process(es) that outlived close()", len(leftovers))
            kill(leftovers)

    async def warm_up(self) -> None:
        """Launch Chromium now rather than at the first render (a failed launch is left for
        that render to report, after the usual back-off)."""
        with contextlib.suppress(RenderFailure):
            await self._ensure_started()

    async def _ensure_started(self) -> asyncio.Queue[_Slot]:
        if self._idle is not None:
            return self._idle
        # Checked before and after waiting for the lock: requests queued behind a failing launch
        # get its answer instead of launching again one by one.
        self._refuse_while_backing_off()
        async with self._start_lock:
            if self._closed:
                raise RenderFailure(503, "BROWSER_POOL_UNAVAILABLE", "The renderer is shut down")
            if self._idle is None:
                self._refuse_while_backing_off()
                self._launch_attempts += 1
                try:
                    self._idle = await self._start()
                except RenderFailure as exc:
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
            raise RenderFailure(
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
                raise RenderFailure(503, "BROWSER_UNAVAILABLE", str(exc)) from None
        executable = self._executable
        logger.debug("launching %d Chromium process(es) from %s", self._browser_count, executable)
        before = children(os.getpid())
        try:
            with _driver_environment():
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
            raise RenderFailure(
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
            args=[*LAUNCH_ARGS, *self._launch_args],
            ignore_default_args=list(IGNORED_DEFAULT_ARGS),
            headless=True,
            # Our shutdown closes the browsers; Playwright's own signal handlers would race it.
            handle_sigint=False,
            handle_sigterm=False,
            handle_sighup=False,
        )

    async def _new_slot(self, browser: Browser) -> _Slot:
        context = await browser.new_context(
            viewport={"width": 1200, "height": 630},
            device_scale_factor=1,
            # A service worker's requests bypass page interception, and downloads go to disk.
            service_workers="block",
            accept_downloads=False,
        )

        # The handlers find their slot when called; no page exists before it is built.
        async def on_route(route: Route) -> None:
            await _deciding(slot, self._on_route(slot, route))

        async def on_websocket(websocket: WebSocketRoute) -> None:
            await _deciding(slot, self._on_websocket(slot, websocket))

        await context.route("**/*", on_route)
        # Request interception never sees WebSocket handshakes; Playwright's WebSocket routing
        # (a stand-in for the page's WebSocket class) does, for pages and frames. A worker's
        # own WebSocket stays out of its reach: card documents' CSP blocks those.
        await context.route_web_socket("**/*", on_websocket)
        page = await context.new_page()
        cdp = await context.new_cdp_session(page)
        tree = await cdp.send("Page.getFrameTree")
        slot = _Slot(browser, context, page, cdp, (1200, 630), tree["frameTree"]["frame"]["id"])
        self._slots.add(slot)
        context.on("page", lambda opened: self._close_popup(slot, opened))
        page.on("framenavigated", lambda frame: self._on_navigated(slot, frame))
        # Playwright continues redirect hops without asking its route handler; a Fetch
        # interception of our own sees them (and lets everything else through untouched).
        cdp.on(
            "Fetch.requestPaused",
            lambda event: self._spawn(_deciding(slot, self._on_paused(slot, event))),
        )
        cdp.on("Page.frameRequestedNavigation", lambda e: self._on_navigation_requested(slot, e))
        await cdp.send("Fetch.enable", {"patterns": [{"urlPattern": "*"}]})
        await cdp.send("Page.enable")
        await self._open_card_document(slot)
        return slot

    async def _replace(self, slot: _Slot) -> _Slot:
        await self._retire(slot)
        browser = slot.browser
        if not browser.is_connected():
            assert self._executable is not None  # set by the first launch
            browser = await self._launch(self._executable)
            self._browsers = [b for b in self._browsers if b is not slot.browser] + [browser]
        return await self._new_slot(browser)

    async def _retire(self, slot: _Slot) -> None:
        """Close a slot's context without letting a paused request slip out.

        Chromium releases every request still paused in interception when its page goes away,
        and a ``keepalive`` request (``sendBeacon``, ``fetch(..., {keepalive: true})``) then
        goes out as it was. So the slot first refuses everything at once, and the close waits
        (briefly) for the answers to requests already paused.
        """
        slot.closing = True
        slot.closed.set()  # pending decisions (a slow DNS answer) end as refusals now
        self._slots.discard(slot)
        await asyncio.sleep(RETIRE_SETTLE_S)  # lets pauses already under way reach us
        if slot.deciding:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(slot.decided.wait(), RETIRE_DRAIN_S)
        with contextlib.suppress(Exception):
            await slot.context.close()

    async def _replace_in_time(self, slot: _Slot) -> _Slot:
        """`_replace`, bounded; on failure the old slot is marked for another try."""
        try:
            return await asyncio.wait_for(self._replace(slot), REPLACE_TIMEOUT_S)
        except (PlaywrightError, asyncio.TimeoutError) as exc:
            logger.warning("could not replace a broken Chromium page (will retry): %s", exc)
            slot.broken = True
            return slot

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    # --- One render under one budget -------------------------------------------------------

    def _budget(self, job: RenderJob) -> tuple[float, str]:
        if job.url is not None or self._card_timeout_s >= self._timeout_s:
            return self._timeout_s + job.extra_budget_s, "ServerOptions.render_timeout_s"
        return self._card_timeout_s + job.extra_budget_s, "ServerOptions.card_timeout_s"

    async def _render_watched(self, slot: _Slot, job: RenderJob) -> RenderOutput:
        """Run the render, ending it early when its page breaks a rule or its budget runs out."""
        budget, setting = self._budget(job)
        watch = _Watch("page" if job.url is not None else "card")
        slot.watch = watch
        work = asyncio.ensure_future(self._render_on(slot, job, watch))
        try:
            either: set[asyncio.Future[Any]] = {work, watch.broken_rule}
            await asyncio.wait(either, timeout=budget, return_when=asyncio.FIRST_COMPLETED)
            if watch.broken_rule.done():
                slot.dirty = True
                raise watch.broken_rule.result()
            if work.done():
                return work.result()
            raise _RenderTimeout(
                f"Rendering did not finish within {budget:g} s ({setting}): a script that "
                "never ends, or a resource that never loads?"
            )
        finally:
            slot.watch = None
            if not work.done():
                work.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await work
            elif not work.cancelled():
                work.exception()  # retrieved: a failure after a broken rule is not news

    async def _render_on(self, slot: _Slot, job: RenderJob, watch: _Watch) -> RenderOutput:
        if slot.viewport != (job.width, job.height):
            await slot.page.set_viewport_size({"width": job.width, "height": job.height})
            slot.viewport = (job.width, job.height)
        if slot.scripts != job.javascript:
            await slot.cdp.send(
                "Emulation.setScriptExecutionDisabled", {"value": not job.javascript}
            )
            slot.scripts = job.javascript
        if job.url is not None:
            await self._load_url(slot, job.url, watch)
        else:
            await self._load_html(slot, job, watch)
        clip = await self._clip(slot, job)
        if job.capture is not None:
            still = replace(job, format="png")
            return await job.capture(
                PageHandle(
                    slot.page,
                    slot.cdp,
                    lambda function, *args: self._evaluate(slot, function, *args),
                    lambda: self._screenshot(slot, still, clip),
                )
            )
        if job.format == "pdf":
            data = await self._pdf(slot, job)
        else:
            data = await self._screenshot(slot, job, clip)
        return RenderOutput(data, math.ceil(clip["width"]), math.ceil(clip["height"]), job.format)

    async def _evaluate(self, slot: _Slot, function: str, *args: Any) -> Any:
        """Call a JavaScript ``function`` in the page and return its (awaited) value.

        Plain DevTools ``Runtime.evaluate`` rather than ``page.evaluate``: Playwright evaluates
        with a user gesture, which would let a card's script open a popup while we write it.
        """
        call = f"({function})(...{json.dumps(list(args), ensure_ascii=False)})"
        result = await slot.cdp.send(
            "Runtime.evaluate", {"expression": call, "awaitPromise": True, "returnByValue": True}
        )
        details = result.get("exceptionDetails")
        if details:
            exception = details.get("exception") or {}
            raise _PageScriptError(exception.get("description") or details.get("text", "error"))
        return result.get("result", {}).get("value")

    async def _open_card_document(self, slot: _Slot) -> None:
        """Navigate to a fresh card document (served with the card CSP by `_on_route`)."""
        slot.expecting_document = True
        try:
            # No timeout of its own: the render's budget bounds it.
            await slot.page.goto(self._card_document, wait_until="load", timeout=0)
        finally:
            slot.expecting_document = False
        slot.dirty = False

    async def _check_fonts(self, slot: _Slot, job: RenderJob) -> None:
        """Warn (once per template and font) about web fonts of the card that failed to load.

        One more DevTools call, made only for documents declaring ``@font-face``.
        """
        failed = await self._evaluate(slot, _FAILED_FONTS)
        for family in failed if isinstance(failed, list) else ():
            # The family name comes from the card's HTML, which a page may have written: it is
            # shown escaped and cut short, so it cannot forge lines of the build's log.
            key = (job.label or "", _printable(str(family)))
            if key in self._failed_fonts:
                continue
            same_card = sum(label == key[0] for label, _ in self._failed_fonts)
            if same_card >= MAX_FONT_WARNINGS:
                continue  # a card declaring thousands of broken fonts gets a few lines
            self._failed_fonts.add(key)
            where = f"template {job.label!r}" if job.label else "a card"
            logger.warning(
                "pictify: web font %s of %s failed to load, so the card shows a fallback "
                "font; check the @font-face src (a local file must exist in the site; a "
                "remote one needs its host in renderer_hosts)",
                key[1],
                where,
            )

    async def _load_html(self, slot: _Slot, job: RenderJob, watch: _Watch) -> None:
        html = job.html or ""
        if slot.dirty:
            # A fresh document gives page scripts a clean global scope (document.open keeps it).
            await self._open_card_document(slot)
        slot.writer = watch
        slot.dirty = _may_act_later(html, job.javascript)
        if len(html) <= WRITE_SLICE_CHARS:
            refresh = await self._evaluate(slot, _WRITE_DOCUMENT, html)
        else:
            slot.dirty = True  # a budget may stop it halfway
            await self._evaluate(slot, _OPEN_DOCUMENT, html[:WRITE_SLICE_CHARS])
            for start in range(WRITE_SLICE_CHARS, len(html), WRITE_SLICE_CHARS):
                slice_ = html[start : start + WRITE_SLICE_CHARS]
                await self._evaluate(slot, _APPEND_DOCUMENT, slice_)
            refresh = await self._evaluate(slot, _CLOSE_DOCUMENT)
            slot.dirty = _may_act_later(html, job.javascript)
        if "@font-face" in html and not isinstance(refresh, str):
            await self._check_fonts(slot, job)
        if isinstance(refresh, str):
            slot.dirty = True
            match = _REFRESH_TARGET.search(refresh)
            target = match.group(1).strip() if match else "the card itself (a reload)"
            raise RenderFailure(
                422,
                "RENDER_NAVIGATION_BLOCKED",
                f"The card asks to navigate to {target} (meta refresh {refresh!r}); a card "
                "renders from its own HTML and inlined (data:) assets and may not navigate",
            )

    async def _load_url(self, slot: _Slot, url: str, watch: _Watch) -> None:
        slot.dirty = True
        slot.writer = watch
        refusal = await self._policy.check_page_resource(url, watch.verdicts)
        if refusal is not None:
            raise RenderFailure(422, "URL_NOT_ALLOWED", f"Cannot screenshot {url}: {refusal}")
        try:
            await slot.page.goto(url, wait_until="load", timeout=0)
        except PlaywrightError as exc:
            if watch.broken_rule.done():
                raise watch.broken_rule.result() from None
            first_line = exc.message.splitlines()[0] if exc.message else str(exc)
            raise RenderFailure(
                422, "URL_LOAD_FAILED", f"Could not load {url}: {first_line}"
            ) from None
        await self._evaluate(slot, _FONTS_READY)

    async def _clip(self, slot: _Slot, job: RenderJob) -> dict[str, float]:
        if not job.selector:
            return {"x": 0, "y": 0, "width": job.width, "height": job.height, "scale": 1}
        try:
            box = await self._evaluate(slot, _ELEMENT_BOX, job.selector)
        except _PageScriptError:
            raise RenderFailure(
                422, "INVALID_SELECTOR", f"{job.selector!r} is not a valid CSS selector"
            ) from None
        if box is None:
            raise RenderFailure(
                422, "SELECTOR_NOT_FOUND", f"No element matches selector {job.selector!r}"
            )
        x, y, width, height = (float(v) for v in box)
        if width < 1 or height < 1:
            raise RenderFailure(
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
        for attempt in range(SCREENSHOT_ATTEMPTS):
            try:
                result = await slot.cdp.send("Page.captureScreenshot", params)
                break
            except PlaywrightError as exc:
                # Right after a navigation (a fresh card document) Chromium may have no
                # compositor frame yet and says so; one comes within a frame or two.
                if "Unable to capture screenshot" not in exc.message:
                    raise
                if attempt == SCREENSHOT_ATTEMPTS - 1:
                    raise
                await asyncio.sleep(0.02 * (attempt + 1))
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

    # --- What pages may do -----------------------------------------------------------------

    async def _refusal(self, slot: _Slot, url: str, *, main_navigation: bool) -> str | None:
        """Why the page of ``slot`` may not fetch ``url`` now (``None``: it may).

        A refused navigation of the page itself also ends the render in progress at once.
        """
        if slot.closing:
            return "the page is closing"
        watch = slot.watch
        if watch is None:
            slot.dirty = slot.dirty or main_navigation
            return "no render is running on this page"
        if watch.mode == "card":
            if main_navigation:
                self._card_left(slot, url)
                return "cards may not navigate"
            return await _unless_closing(
                slot, self._policy.check_card_resource(url, watch.verdicts)
            )
        refusal = await _unless_closing(slot, self._policy.check_page_resource(url, watch.verdicts))
        if refusal is not None and main_navigation and slot.writer is watch:
            watch.fail(RenderFailure(422, "URL_NOT_ALLOWED", f"The page went to {url}: {refusal}"))
        return refusal

    def _card_left(self, slot: _Slot, url: str) -> None:
        """The card document tried to navigate: fail its render, if it is still running."""
        slot.dirty = True
        watch = slot.watch
        if watch is None or watch.mode != "card" or slot.writer is not watch:
            return  # a timer of an earlier card: refused, but not this render's fault
        watch.fail(
            RenderFailure(
                422,
                "RENDER_NAVIGATION_BLOCKED",
                f"The card tried to navigate to {url}; a card renders from its own HTML and "
                "inlined (data:) assets and may not navigate (a meta refresh, or a script "
                "setting location?)",
            )
        )

    async def _on_route(self, slot: _Slot, route: Route) -> None:
        request = route.request
        url = request.url
        try:
            if slot.expecting_document and url == CARD_DOCUMENT_URL:
                await route.fulfill(
                    status=200,
                    body="",
                    headers={
                        "content-type": "text/html; charset=utf-8",
                        "content-security-policy": self._policy.card_csp,
                    },
                )
                return
            page = _page_of(request)
            main = page is slot.page and request.is_navigation_request()
            main = main and _frame_of(request) is slot.page.main_frame
            if page is not slot.page:
                refusal: str | None = (
                    "popups are closed" if page is not None else "service workers are blocked"
                )
            else:
                refusal = await self._refusal(slot, url, main_navigation=main)
            if refusal is None:
                await route.continue_()
                return
            logger.debug("blocked %s: %s", url, refusal)
            if main:
                # "204 No Content" cancels a navigation and leaves the document as it was;
                # an aborted one would swap it for an error page.
                await route.fulfill(status=204)
            else:
                await route.abort("blockedbyclient")
        except PlaywrightError as exc:  # the page or its context closed meanwhile
            logger.debug("route for %s ended with the page: %s", url, exc)

    async def _on_paused(self, slot: _Slot, event: dict[str, Any]) -> None:
        """Our own ``Fetch`` interception: checks redirect hops, passes everything else on."""
        request_id = {"requestId": event["requestId"]}
        url = event["request"]["url"]
        try:
            refusal: str | None = None
            if slot.closing:
                refusal = "the page is closing"
            elif event.get("redirectedRequestId"):
                main = (
                    event.get("resourceType") == "Document"
                    and event.get("frameId") == slot.main_frame_id
                )
                refusal = await self._refusal(slot, url, main_navigation=main)
            if refusal is not None:
                logger.debug("blocked %s (interception): %s", url, refusal)
                await slot.cdp.send(
                    "Fetch.failRequest", {**request_id, "errorReason": "BlockedByClient"}
                )
                return
            await slot.cdp.send("Fetch.continueRequest", request_id)
        except PlaywrightError as exc:
            logger.debug("interception ended with the page: %s", exc)

    async def _on_websocket(self, slot: _Slot, websocket: WebSocketRoute) -> None:
        """A page opens a WebSocket: the same rules as for the http(s) URL of its handshake."""
        url = websocket.url
        handshake = "http" + url[2:] if url.startswith(("ws:", "wss:")) else url
        watch = slot.watch
        try:
            if slot.closing or watch is None:
                refusal: str | None = "no render is running on this page"
            elif watch.mode == "card":
                check = self._policy.check_card_resource(handshake, watch.verdicts)
                refusal = await _unless_closing(slot, check)
            else:
                check = self._policy.check_page_resource(handshake, watch.verdicts)
                refusal = await _unless_closing(slot, check)
            if refusal is None:
                websocket.connect_to_server()
                return
            logger.debug("blocked WebSocket %s: %s", url, refusal)
            await websocket.close(code=1008, reason="refused by the renderer's network policy")
        except PlaywrightError as exc:
            logger.debug("WebSocket route for %s ended with the page: %s", url, exc)

    def _on_navigation_requested(self, slot: _Slot, event: dict[str, Any]) -> None:
        """DevTools' early notice of a navigation the page itself starts (before its request).

        Seen before the page's next DevTools answer, so a card that sets ``location`` while it
        is written fails before its screenshot instead of racing it.
        """
        if event.get("frameId") != slot.main_frame_id or slot.expecting_document:
            return
        url = str(event.get("url", ""))
        if url.split("#", 1)[0] not in (self._card_document, CARD_DOCUMENT_URL):
            self._card_left(slot, url)  # (a #fragment of the card document stays in it)

    def _on_navigated(self, slot: _Slot, frame: Frame) -> None:
        """A card's page left the card document without a request (``about:blank``...)."""
        if frame is not slot.page.main_frame or slot.expecting_document:
            return
        if frame.url.split("#", 1)[0] in (self._card_document, CARD_DOCUMENT_URL):
            return  # our own document, or a same-document move (#fragment)
        self._card_left(slot, frame.url)

    def _close_popup(self, slot: _Slot, opened: Page) -> None:
        if opened is slot.page:
            return
        logger.debug("closing a popup the page opened: %s", opened.url)
        self._spawn(_close_quietly(opened))


def _page_of(request: Request) -> Page | None:
    frame = _frame_of(request)
    return frame.page if frame is not None else None


def _frame_of(request: Request) -> Frame | None:
    try:
        return request.frame
    except PlaywrightError:  # a service worker's request has no frame
        return None


async def _unless_closing(slot: _Slot, check: Coroutine[Any, Any, str | None]) -> str | None:
    """``check``'s answer, or a refusal as soon as ``slot`` starts closing."""
    if slot.closing:
        check.close()
        return "the page is closing"
    task = asyncio.ensure_future(check)
    closed = asyncio.ensure_future(slot.closed.wait())
    try:
        await asyncio.wait({task, closed}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        closed.cancel()
    if task.done():
        return task.result()
    task.cancel()
    return "the page is closing"


async def _deciding(slot: _Slot, decision: Awaitable[None]) -> None:
    """Count ``decision`` as a paused request of ``slot`` until it is answered."""
    slot.deciding += 1
    slot.decided.clear()
    try:
        await decision
    finally:
        slot.deciding -= 1
        if not slot.deciding:
            slot.decided.set()


def _printable(text: str, limit: int = 80) -> str:
    """``text`` with control characters escaped (a line break shows as ``\\n``), cut to
    ``limit`` characters."""
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text[: limit + 1])
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


async def _close_quietly(page: Page) -> None:
    with contextlib.suppress(PlaywrightError):
        await page.close()


#: Node options for Playwright's driver when the user set none: V8's young generation at 1 MB
#: instead of 16 MB per semi-space. The driver only relays small JSON messages, so the extra
#: scavenges cost nothing measurable, and it holds about 30 MB less (Node 20).
DRIVER_NODE_OPTIONS = "--max-semi-space-size=1"


@contextlib.contextmanager
def _driver_environment() -> Iterator[None]:
    """``NODE_OPTIONS`` for the driver while it is started (its environment is copied from
    ours at launch), then as it was."""
    if "NODE_OPTIONS" in os.environ:
        yield
        return
    os.environ["NODE_OPTIONS"] = DRIVER_NODE_OPTIONS
    try:
        yield
    finally:
        os.environ.pop("NODE_OPTIONS", None)
