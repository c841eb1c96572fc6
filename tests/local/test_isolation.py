"""Renderer isolation: cards stay offline, cannot navigate or open windows, follow jsEnabled and
their budget; URL screenshots stay off private networks.

Every "nothing was reached" claim is checked against a real HTTP server on loopback that records
each request it gets.
"""

from __future__ import annotations

import asyncio
import http.server
import io
import ipaddress
import os
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from PIL import Image

from pictify_ssg.local import ServerOptions
from pictify_ssg.local.network_policy import Address, NetworkPolicy
from pictify_ssg.local.processes import alive, command_line, descendants
from pictify_ssg.local.renderer import Renderer, RenderFailure, RenderJob

from .helpers import StartServer, client_for, fetch_image

NO_LOCAL_NETWORK_CHECKS = "--disable-features=LocalNetworkAccessChecks"

RED = (255, 0, 0)
WHITE = (255, 255, 255)


class Recorder:
    """A loopback HTTP server that records every request (host and path) it receives.

    ``/redirect?to=URL`` answers 302 to ``URL``; ``/page/NAME`` serves ``pages[NAME]``;
    everything else gets a small text body.
    """

    def __init__(self) -> None:
        self.hits: list[tuple[str, str]] = []
        self.pages: dict[str, str] = {}
        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:
                recorder.hits.append((self.headers.get("Host", ""), self.path))
                path = urlsplit(self.path)
                if path.path == "/redirect":
                    self.send_response(302)
                    self.send_header("Location", parse_qs(path.query)["to"][0])
                    self.end_headers()
                    return
                name = path.path.removeprefix("/page/")
                body = recorder.pages.get(name, "x").encode()
                self.send_response(200)
                kind = "text/html" if name in recorder.pages else "text/plain"
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def paths(self, *, settle_s: float = 0.5) -> list[str]:
        """Paths requested so far, after giving late requests ``settle_s`` to arrive."""
        time.sleep(settle_s)
        return [path for _, path in self.hits]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


@pytest.fixture(scope="module")
def loopback() -> Iterator[Recorder]:
    """One recording server for the module; each test starts with no hits."""
    recorder = Recorder()
    yield recorder
    recorder.close()


@pytest.fixture
def recorder(loopback: Recorder) -> Recorder:
    loopback.hits.clear()
    loopback.pages.clear()
    return loopback


def _template(api: httpx.Client, html: str, *, js: bool, size: int = 120) -> str:
    response = api.post(
        "/templates", json={"html": html, "width": size, "height": size, "jsEnabled": js}
    )
    assert response.status_code == 200, response.text
    uid: str = response.json()["template"]["uid"]
    return uid


def _render_template(api: httpx.Client, uid: str) -> httpx.Response:
    return api.post(f"/templates/{uid}/render", json={"variables": {"title": "T"}})


def _pixel(url: str) -> tuple[int, ...]:
    image = fetch_image(url).convert("RGB")
    return cast("tuple[int, ...]", image.getpixel((image.width // 2, image.height // 2)))


# --- Cards may not navigate ----------------------------------------------------------------


def _navigating_cards(target: str) -> list[tuple[str, str, bool]]:
    """(how, html, through a template?) for cards that try to leave for ``target``."""
    refresh = f'<meta http-equiv="refresh" content="0;url={target}"><h1>{{{{title}}}}</h1>'
    script = f'<h1>{{{{title}}}}</h1><script>location.href = "{target}";</script>'
    return [
        ("template meta refresh, scripts off", refresh, True),
        ("template setting location, jsEnabled", script, True),
        ("raw HTML meta refresh", refresh.replace("{{title}}", "T"), False),
        ("raw HTML setting location", script.replace("{{title}}", "T"), False),
        (
            "raw HTML setting top.location",
            f"<script>top.location = '{target}'</script><p>x</p>",
            False,
        ),
    ]


@pytest.mark.parametrize("case", range(5))
def test_a_card_that_navigates_fails_fast_and_reaches_nothing(
    api: httpx.Client, recorder: Recorder, case: int
) -> None:
    target = f"{recorder.base}/navigated"
    how, html, templated = _navigating_cards(target)[case]

    uid = _template(api, html, js="script" in html) if templated else None
    api.post("/image", json={"html": "<p>warm</p>", "width": 20, "height": 20})

    started = time.monotonic()
    if uid is not None:
        response = _render_template(api, uid)
    else:
        response = api.post("/image", json={"html": html, "width": 80, "height": 80})
    elapsed = time.monotonic() - started
    after = api.post("/image", json={"html": "<p>fine</p>", "width": 40, "height": 40})

    assert response.status_code == 422, (how, response.text)
    body = response.json()
    assert body["code"] == "RENDER_NAVIGATION_BLOCKED", how
    assert target in body["error"], how
    # Far below the 10 s card budget: the attempt itself ends the render (generous bound:
    # CI machines are shared and noisy).
    assert elapsed < 5, (how, elapsed)
    assert recorder.paths() == [], how
    assert after.status_code == 200


def test_a_late_navigation_reaches_nothing_and_blames_no_later_card(
    api: httpx.Client, recorder: Recorder
) -> None:
    late = f"<p>x</p><script>setTimeout(() => location.href = '{recorder.base}/late', 300)</script>"

    first = api.post("/image", json={"html": late, "width": 40, "height": 40})
    time.sleep(0.6)  # the timer fires while no render runs on that page
    following = [
        api.post("/image", json={"html": f"<p>{i}</p>", "width": 40, "height": 40})
        for i in range(4)
    ]

    assert first.status_code == 200, first.text
    assert [r.status_code for r in following] == [200] * 4
    assert recorder.paths() == []


# --- Cards fetch nothing -------------------------------------------------------------------


def _exfiltrating_card(base: str, port: int) -> str:
    """A card (scripts on) that tries every way to make a request to loopback."""
    decimal = int(ipaddress.IPv4Address("127.0.0.1"))
    return f"""<!doctype html><html><head>
<link rel="stylesheet" href="{base}/stylesheet">
<link rel="prefetch" href="{base}/prefetch">
<style>
  @import url("{base}/import");
  @font-face {{ font-family: Remote; src: url("{base}/font.woff2"); }}
  body {{ margin: 0; background: #fff url("{base}/background.png"); font-family: Remote; }}
</style>
<script src="{base}/script.js"></script>
</head><body>
<h1 style="color:#ff0000;font-size:60px;margin:0">card</h1>
<img src="{base}/img">
<img src="http://{decimal}:{port}/decimal">
<img src="http://0x7f.1:{port}/hex">
<img src="http://0177.0.0.1:{port}/octal">
<img src="http://[::ffff:127.0.0.1]:{port}/mapped">
<img src="http://localhost:{port}/localhost">
<img src="http://169.254.169.254/latest/meta-data/">
<img src="http://10.0.0.1/private.png">
<img src="{base}/redirect?to={base}/redirected">
<iframe src="{base}/iframe"></iframe>
<object data="{base}/object"></object>
<video src="{base}/video"></video>
<form action="{base}/form" method="post"><input name="a" value="b"></form>
<script>
  fetch("{base}/fetch").catch(() => {{}});
  const xhr = new XMLHttpRequest(); xhr.open("GET", "{base}/xhr"); xhr.send();
  navigator.sendBeacon("{base}/beacon", "x");
  new EventSource("{base}/events");
  try {{ new WebSocket("ws://127.0.0.1:{port}/websocket"); }} catch (e) {{}}
  import("{base}/module.js").catch(() => {{}});
  const worker = new Worker(URL.createObjectURL(new Blob(
    ['fetch("{base}/worker").catch(() => {{}});',
     'try {{ new WebSocket("ws://127.0.0.1:{port}/worker-websocket"); }} catch (e) {{}}'],
    {{ type: "text/javascript" }})));
  document.forms[0].submit();
</script>
</body></html>"""


def test_a_card_reaches_no_address_but_still_renders(api: httpx.Client, recorder: Recorder) -> None:
    html = _exfiltrating_card(recorder.base, recorder.port)

    response = api.post("/image", json={"html": html, "width": 300, "height": 100})

    assert response.status_code == 200, response.text
    image = fetch_image(response.json()["url"]).convert("RGB")
    assert RED in {image.getpixel((x, 30)) for x in range(0, 150, 2)}
    assert recorder.paths() == []


async def test_request_interception_alone_blocks_what_chromium_requests(
    loopback: Recorder,
) -> None:
    """Without the card CSP, the route handler sees every request, with Chromium's own
    normalisation (``http://2130706433/`` arrives as ``http://127.0.0.1/``)."""
    loopback.hits.clear()
    # A worker's WebSocket is the one request neither Chromium's request interception nor
    # Playwright's WebSocket routing sees; for cards the CSP blocks it (the test above). A form
    # submission navigates the page: refused too, but it would fail the render.
    html = _exfiltrating_card(loopback.base, loopback.port)
    worker_socket = f'new WebSocket("ws://127.0.0.1:{loopback.port}/worker-websocket")'
    assert worker_socket in html
    html = html.replace(worker_socket, "0").replace("document.forms[0].submit();", "")
    # Chromium's own Local Network Access checks would also stop requests from the card to
    # loopback; switched off here so that only the route handler stands in the way.
    renderer = Renderer(browsers=1, card_csp=False, launch_args=[NO_LOCAL_NETWORK_CHECKS])
    try:
        output = await renderer.render(RenderJob(width=300, height=100, html=html, javascript=True))
    finally:
        await renderer.close()

    assert Image.open(io.BytesIO(output.data)).size == (300, 100)
    assert await asyncio.to_thread(loopback.paths) == []


async def test_an_allowed_card_host_that_resolves_privately_is_refused(
    caplog: pytest.LogCaptureFixture, loopback: Recorder
) -> None:
    loopback.hits.clear()

    async def resolve(host: str) -> list[Address]:
        return [ipaddress.ip_address("127.0.0.1")]

    policy = NetworkPolicy(card_hosts=("cdn.test",), resolver=resolve)
    # Chromium itself would reach the recorder for cdn.test: only the policy stands between.
    rules = f"--host-resolver-rules=MAP cdn.test 127.0.0.1:{loopback.port}"
    renderer = Renderer(browsers=1, policy=policy, launch_args=[rules])
    caplog.set_level("DEBUG", logger="pictify_ssg.local.renderer")
    try:
        await renderer.render(
            RenderJob(width=60, height=60, html='<img src="https://cdn.test/logo.png"><p>x</p>')
        )
    finally:
        await renderer.close()

    assert await asyncio.to_thread(loopback.paths) == []
    assert any(
        "blocked https://cdn.test/logo.png: cdn.test resolves to 127.0.0.1" in r.message
        for r in caplog.records
    )


# --- Popups --------------------------------------------------------------------------------


def _chromium_rss_mb() -> float:
    total = 0
    for pid in descendants(os.getpid()):
        if not alive(pid) or "chrom" not in command_line(pid).lower():
            continue
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


POPUPS = """<p>popups</p><script>
  for (let i = 0; i < 10; i++) window.open("about:blank", "_blank");
  window.open("{base}/popup");
  const link = document.createElement("a");
  link.href = "{base}/link"; link.target = "_blank"; document.body.append(link); link.click();
</script>"""


async def test_popups_never_open_and_memory_stays_flat(loopback: Recorder) -> None:
    loopback.hits.clear()
    renderer = Renderer(browsers=1, pages_per_browser=2)
    html = POPUPS.replace("{base}", loopback.base)
    job = RenderJob(width=100, height=50, html=html, javascript=True)
    try:
        for _ in range(5):  # warm up: code caches and the like
            await renderer.render(job)
        before = _chromium_rss_mb()
        counts = []
        for _ in range(40):
            await asyncio.gather(renderer.render(job), renderer.render(job))
            counts.append(renderer.open_pages)
        await asyncio.sleep(0.3)
        after = _chromium_rss_mb()
        settled = renderer.open_pages
    finally:
        await renderer.close()

    assert set(counts) == {2}
    assert settled == 2
    # Each popup costs Chromium tens of MB; 800 of them would be gigabytes.
    assert after - before < 250, (before, after)
    assert await asyncio.to_thread(loopback.paths) == []


async def test_popups_of_a_screenshotted_page_are_closed(loopback: Recorder) -> None:
    loopback.hits.clear()
    loopback.pages["opener"] = POPUPS.replace("{base}", loopback.base)
    renderer = Renderer(browsers=1, policy=NetworkPolicy(allow_private_network=True))
    try:
        for _ in range(5):
            await renderer.render(
                RenderJob(width=100, height=50, url=f"{loopback.base}/page/opener", javascript=True)
            )
            await asyncio.sleep(0.1)
            assert renderer.open_pages == 1
    finally:
        await renderer.close()


# --- Scripts follow the template's jsEnabled -----------------------------------------------

PAINTER = (
    '<body style="margin:0;background:#ffffff"><h1 style="font-size:8px">{{title}}</h1>'
    '<script>document.body.style.background = "#ff0000";</script></body>'
)


@pytest.mark.parametrize(("js", "colour"), [(False, WHITE), (True, RED)])
def test_template_scripts_run_only_when_js_enabled(
    api: httpx.Client, js: bool, colour: tuple[int, int, int]
) -> None:
    uid = _template(api, PAINTER, js=js)

    single = _render_template(api, uid)
    via_image = api.post("/image", json={"template": uid, "variables": {"title": "T"}})
    batch = api.post(f"/templates/{uid}/batch-render", json={"variableSets": [{"title": "B"}]})
    assert batch.status_code == 202, batch.text
    while (done := api.get(f"/templates/batch/{batch.json()['batchId']}/results").json())[
        "status"
    ] not in ("completed", "partial", "failed"):
        time.sleep(0.05)

    assert single.status_code == 200, single.text
    assert _pixel(single.json()["results"][0]["url"]) == colour
    assert _pixel(via_image.json()["url"]) == colour
    assert done["status"] == "completed", done
    assert _pixel(done["results"][0]["url"]) == colour


def test_raw_html_keeps_its_scripts(api: httpx.Client) -> None:
    html = PAINTER.replace("{{title}}", "raw")

    response = api.post("/image", json={"html": html, "width": 60, "height": 60})

    assert _pixel(response.json()["url"]) == RED


def test_switching_scripts_on_and_off_between_renders(api: httpx.Client) -> None:
    off, on = _template(api, PAINTER, js=False), _template(api, PAINTER, js=True)

    colours = [
        _pixel(_render_template(api, uid).json()["results"][0]["url"])
        for uid in (off, on, off, on, on, off)
    ]

    assert colours == [WHITE, RED, WHITE, RED, RED, WHITE]


# --- Budgets -------------------------------------------------------------------------------


def _cpu_seconds(pids: set[int]) -> float:
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def test_a_card_that_never_finishes_fails_within_its_budget(start_server: StartServer) -> None:
    server = start_server(ServerOptions(card_timeout_s=2))
    with client_for(server) as api:
        hung = _template(api, "<p>{{title}}</p><script>while (true) {}</script>", js=True)
        api.post("/image", json={"html": "<p>warm</p>", "width": 20, "height": 20})

        started = time.monotonic()
        response = _render_template(api, hung)
        elapsed = time.monotonic() - started
        time.sleep(0.5)  # the new page settles in
        chromium = {p for p in descendants(os.getpid()) if "chrom" in command_line(p).lower()}
        spent = _cpu_seconds(chromium)
        time.sleep(1.0)
        burnt = _cpu_seconds(chromium) - spent
        after_started = time.monotonic()
        after = api.post("/image", json={"html": "<p>next</p>", "width": 30, "height": 30})
        after_elapsed = time.monotonic() - after_started

    assert response.status_code == 422, response.text
    assert response.json()["code"] == "RENDER_TIMEOUT"
    assert "2 s (ServerOptions.card_timeout_s)" in response.json()["error"]
    assert 2 <= elapsed < 8, elapsed
    # The looping renderer was torn down with its page, not left spinning a core.
    assert burnt < 0.6, burnt
    assert after.status_code == 200, after.text
    assert after_elapsed < 6, after_elapsed


@pytest.fixture
async def hanging_dns_renderer() -> AsyncIterator[Renderer]:
    """Cards may use cdn.test, whose name never resolves: its resources never load."""

    async def never(host: str) -> list[Address]:
        await asyncio.sleep(3600)
        return []

    policy = NetworkPolicy(card_hosts=("cdn.test",), resolver=never, resolve_timeout_s=2.5)
    renderer = Renderer(browsers=1, card_timeout_s=1.5, policy=policy)
    yield renderer
    await asyncio.sleep(1.5)  # let the pending resolutions time out before the loop closes
    await renderer.close()


@pytest.mark.parametrize(
    "html",
    [
        '<img src="https://cdn.test/slow.png"><p>x</p>',
        '<style>@font-face { font-family: Slow; src: url("https://cdn.test/slow.woff2"); }'
        "</style><p style='font-family: Slow'>x</p>",
    ],
)
async def test_a_resource_that_never_loads_fails_within_the_card_budget(
    hanging_dns_renderer: Renderer, html: str
) -> None:
    renderer = hanging_dns_renderer
    await renderer.render(RenderJob(width=20, height=20, html="<p>warm</p>"))

    started = time.monotonic()
    with pytest.raises(RenderFailure) as failure:
        await renderer.render(RenderJob(width=60, height=60, html=html))
    elapsed = time.monotonic() - started
    after = await renderer.render(RenderJob(width=30, height=30, html="<p>next</p>"))

    assert failure.value.code == "RENDER_TIMEOUT"
    assert "1.5 s (ServerOptions.card_timeout_s)" in failure.value.message
    assert 1.5 <= elapsed < 6, elapsed
    assert after.width == 30


async def test_a_huge_document_is_stopped_by_the_budget() -> None:
    renderer = Renderer(browsers=1, card_timeout_s=2)
    huge = "<p>" + "card text " * 4_000_000  # 40 MB: ~15 s to send to Chromium
    try:
        await renderer.render(RenderJob(width=20, height=20, html="<p>warm</p>"))
        started = time.monotonic()
        with pytest.raises(RenderFailure) as failure:
            await renderer.render(RenderJob(width=60, height=60, html=huge))
        elapsed = time.monotonic() - started
        after_started = time.monotonic()
        await renderer.render(RenderJob(width=30, height=30, html="<p>next</p>"))
        after_elapsed = time.monotonic() - after_started
    finally:
        await renderer.close()

    assert failure.value.code == "RENDER_TIMEOUT"
    assert elapsed < 10, elapsed  # sending it whole would take ~15 s
    assert after_elapsed < 8, after_elapsed


# --- URL screenshots stay off private networks ---------------------------------------------


@pytest.mark.parametrize(
    ("host", "range_name"),
    [
        ("127.0.0.1:{port}", "loopback"),
        ("localhost:{port}", "loopback"),
        ("2130706433:{port}", "loopback"),
        ("0x7f.1:{port}", "loopback"),
        ("0177.0.0.1:{port}", "loopback"),
        ("127.1:{port}", "loopback"),
        ("[::1]:{port}", "loopback"),
        ("[::ffff:127.0.0.1]:{port}", "loopback"),
        ("0.0.0.0:{port}", "unspecified"),
        ("169.254.169.254", "link-local (cloud metadata)"),
        ("10.0.0.1", "private (RFC 1918)"),
        ("100.64.0.1", "shared (CGNAT"),
        ("[fd00::1]", "unique local"),
    ],
)
def test_url_screenshots_of_private_addresses_are_refused(
    api: httpx.Client, recorder: Recorder, host: str, range_name: str
) -> None:
    url = f"http://{host.format(port=recorder.port)}/page"

    response = api.post("/image", json={"url": url, "width": 100, "height": 100})

    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "URL_NOT_ALLOWED"
    assert range_name in body["error"]
    assert "allow_private_network" in body["error"]
    assert recorder.paths(settle_s=0.2) == []


@pytest.fixture
async def public_test_renderer(loopback: Recorder) -> AsyncIterator[Renderer]:
    """A renderer that takes ``public.test`` for a public host, while Chromium reaches it on the
    loopback recorder: pages "on the internet" that try to reach back into the machine."""

    async def resolve(host: str) -> list[Address]:
        if host != "public.test":
            raise OSError("unknown host")
        return [ipaddress.ip_address("93.184.215.14")]

    loopback.hits.clear()
    loopback.pages.clear()
    renderer = Renderer(
        browsers=1,
        timeout_s=5,
        policy=NetworkPolicy(resolver=resolve),
        launch_args=["--host-resolver-rules=MAP public.test 127.0.0.1"],
    )
    yield renderer
    await renderer.close()


async def test_a_public_page_cannot_reach_back_into_the_machine(
    public_test_renderer: Renderer, loopback: Recorder
) -> None:
    port, base = loopback.port, loopback.base
    public = f"http://public.test:{port}"
    loopback.pages["attack"] = f"""<body style="margin:0;background:#0000ff">
<div style="position:absolute;top:100px">
<img src="{base}/hit-img">
<img src="http://{int(ipaddress.IPv4Address("127.0.0.1"))}:{port}/hit-decimal">
<img src="http://0x7f.1:{port}/hit-hex">
<img src="http://[::ffff:127.0.0.1]:{port}/hit-mapped">
<img src="{public}/redirect?to={base}/hit-redirect">
<iframe src="{base}/hit-iframe"></iframe>
</div>
<script>
  fetch("{base}/hit-fetch").catch(() => {{}});
  try {{ new WebSocket("ws://127.0.0.1:{port}/hit-ws"); }} catch (e) {{}}
  const worker = new Worker(URL.createObjectURL(new Blob(
    ['fetch("{base}/hit-worker").catch(() => {{}})'], {{ type: "text/javascript" }})));
</script></body>"""

    output = await public_test_renderer.render(
        RenderJob(width=50, height=50, url=f"{public}/page/attack", javascript=True)
    )

    image = Image.open(io.BytesIO(output.data)).convert("RGB")
    assert image.getpixel((25, 25)) == (0, 0, 255)
    paths = await asyncio.to_thread(loopback.paths)
    assert "/page/attack" in paths
    assert [p for p in paths if "hit-" in p and not p.startswith("/redirect")] == []


async def test_a_redirect_into_the_machine_is_refused(
    public_test_renderer: Renderer, loopback: Recorder
) -> None:
    url = f"http://public.test:{loopback.port}/redirect?to={loopback.base}/hit-main"

    with pytest.raises(RenderFailure) as failure:
        await public_test_renderer.render(RenderJob(width=50, height=50, url=url))

    assert failure.value.code == "URL_NOT_ALLOWED"
    assert f"{loopback.base}/hit-main" in failure.value.message
    assert "loopback" in failure.value.message
    assert "/hit-main" not in await asyncio.to_thread(loopback.paths)


async def test_a_page_that_navigates_into_the_machine_is_refused(
    public_test_renderer: Renderer, loopback: Recorder
) -> None:
    loopback.pages["leave"] = f"<p>x</p><script>location.href = '{loopback.base}/hit-nav'</script>"
    url = f"http://public.test:{loopback.port}/page/leave"
    await public_test_renderer.render(RenderJob(width=20, height=20, html="<p>warm</p>"))

    started = time.monotonic()
    with pytest.raises(RenderFailure) as failure:
        await public_test_renderer.render(RenderJob(width=50, height=50, url=url, javascript=True))
    elapsed = time.monotonic() - started

    assert failure.value.code == "URL_NOT_ALLOWED"
    assert f"{loopback.base}/hit-nav" in failure.value.message
    assert elapsed < 2, elapsed
    assert "/hit-nav" not in await asyncio.to_thread(loopback.paths)


async def test_requests_paused_when_a_page_closes_are_not_let_out(loopback: Recorder) -> None:
    """Chromium lets a ``keepalive`` request still paused in interception go out when its
    browser shuts down; the renderer refuses pending requests and closes each page first."""

    async def resolve(host: str) -> list[Address]:
        if host == "slow.test":  # still undecided when the page closes
            await asyncio.sleep(3)
            return [ipaddress.ip_address("127.0.0.1")]
        return [ipaddress.ip_address("93.184.215.14")]

    loopback.hits.clear()
    port = loopback.port
    loopback.pages["beacon"] = (
        f"<p>x</p><script>fetch('http://slow.test:{port}/keepalive', {{keepalive: true}})"
        ".catch(() => {})</script>"
    )
    renderer = Renderer(
        browsers=1,
        policy=NetworkPolicy(resolver=resolve),
        launch_args=["--host-resolver-rules=MAP public.test 127.0.0.1, MAP slow.test 127.0.0.1"],
    )
    try:
        await renderer.render(
            RenderJob(
                width=20, height=20, url=f"http://public.test:{port}/page/beacon", javascript=True
            )
        )
    finally:
        await renderer.close()

    paths = await asyncio.to_thread(loopback.paths)
    assert "/page/beacon" in paths
    assert "/keepalive" not in paths
