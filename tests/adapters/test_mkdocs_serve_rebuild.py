"""``mkdocs serve`` rebuilding while the previous build's cards are still rendering.

A real ``mkdocs serve`` (a subprocess on 127.0.0.1) serves a 20-page site on the local backend
(no API key). Its embedded server is slowed down (``PICTIFY_LOCAL_LATENCY_MS``) and renders one
card at a time (``render_mode: direct``, ``concurrency: 1``), so a build's renders take seconds.
Every title is edited, and while the rebuild's cards are rendering one title is edited again.
When the site has settled, every page served must point at an existing card file, and that card
must be the one a clean ``mkdocs build`` of the final sources makes: the same fingerprinted URL
and the same image.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from bs4 import BeautifulSoup
from PIL import Image

from .helpers import meta_values, soup
from .test_mkdocs_mistakes import mkdocs

pytestmark = pytest.mark.slow

PAGES = 20
EDITED = 7
"""The page edited a second time, while the first edit's rebuild is rendering."""
LATENCY_MS = 300
"""Added to every request to the embedded server: 20 cards one by one take over 6 s."""
SITE_URL = "https://example.org/s/"
MOUNT = "/s/"
SETTLE_TIMEOUT_S = 90


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _title(index: int, version: int) -> str:
    return f"Page {index:02} version {version}"


def _write_page(docs: Path, index: int, version: int) -> None:
    text = f"# {_title(index, version)}\n\nBody of page {index}.\n"
    (docs / f"p{index:02}.md").write_text(text, encoding="utf-8")


def _write_site(root: Path, cache: Path) -> Path:
    docs = root / "docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    for index in range(PAGES):
        _write_page(docs, index, 1)
    (root / "mkdocs.yml").write_text(
        f"site_name: Serve\nsite_url: {SITE_URL}\n"
        "plugins:\n  - pictify:\n      backend: local\n"
        f"      cache_dir: {cache}\n      render_mode: direct\n      concurrency: 1\n",
        encoding="utf-8",
    )
    return docs


class Serve:
    """A running ``mkdocs serve`` and everything it printed so far."""

    def __init__(self, root: Path, port: int, env: dict[str, str]) -> None:
        self.port = port
        self.lines: list[str] = []
        self._lock = threading.Lock()
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("mkdocs")),
                "serve",
                "--dev-addr",
                f"127.0.0.1:{port}",
            ],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._lock:
                self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        with self._lock:
            return "\n".join(self.lines)

    def count(self, text: str) -> int:
        """Lines printed so far that contain ``text``."""
        with self._lock:
            return sum(text in line for line in self.lines)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{MOUNT}{path}"

    def stop(self) -> str:
        """Stop it as a user does (Ctrl-C) and return everything it printed."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._reader.join(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()
        return self.output


def _wait_for(what: str, condition: Callable[[], bool], serve: Serve) -> None:
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    while not condition():
        assert serve.process.poll() is None, f"mkdocs serve exited:\n{serve.output}"
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}:\n{serve.output}")
        time.sleep(0.05)


def _rendered_files(cache: Path) -> int:
    """Images the embedded server has rendered so far: it writes one file per render
    somewhere under its data folder, ``<cache_dir>/local-server`` (where exactly is its own
    business), and keeps them while it runs."""
    return sum(1 for path in (cache / "local-server").rglob("*.png") if path.is_file())


@pytest.fixture
def serve_env() -> dict[str, str]:
    """The environment of ``mkdocs serve``: no API key (local backend), a slow server."""
    env = {k: v for k, v in os.environ.items() if k not in ("PICTIFY_API_KEY", "PICTIFY_BASE_URL")}
    env.update({"NO_MKDOCS_2_WARNING": "1", "PICTIFY_LOCAL_LATENCY_MS": str(LATENCY_MS)})
    return env


def _served_page(client: httpx.Client, serve: Serve, index: int) -> tuple[str, str]:
    """(the page's <h1>, its og:image) as ``mkdocs serve`` serves it now."""
    response = client.get(serve.url(f"p{index:02}/"))
    response.raise_for_status()
    page = BeautifulSoup(response.text, "html.parser")
    heading = page.find("h1")
    [image] = meta_values(page, "property", "og:image")
    return (heading.get_text(strip=True) if heading is not None else ""), image


def _final_titles() -> dict[int, str]:
    return {index: _title(index, 3 if index == EDITED else 2) for index in range(PAGES)}


def test_serve_rebuilding_while_cards_render_ends_with_every_right_card(
    tmp_path: Path, serve_env: dict[str, str]
) -> None:
    cache = tmp_path / "cache"
    root = tmp_path / "site"
    docs = _write_site(root, cache)
    serve = Serve(root, _free_port(), serve_env)
    try:
        # The first build renders every card before MkDocs starts serving and watching.
        _wait_for("the first build", lambda: serve.count("Serving on") == 1, serve)
        first_build = _rendered_files(cache)
        assert first_build >= PAGES, serve.output
        with httpx.Client(timeout=30) as client:
            _, first_card = _served_page(client, serve, EDITED)

        # Edit every title: the rebuild renders 20 new cards, one by one, slowly.
        for index in range(PAGES):
            _write_page(docs, index, 2)
        _wait_for(
            "the rebuild to render its first card",
            lambda: _rendered_files(cache) > first_build,
            serve,
        )
        # Edit one title again while that rebuild is still rendering.
        _write_page(docs, EDITED, 3)
        in_flight = _rendered_files(cache) - first_build
        assert in_flight < PAGES, "the rebuild had finished rendering before the second edit"
        assert serve.count("Reloading browsers") == 0, "the rebuild was over already"

        # Settled: every build MkDocs started has finished, and the pages show the last edit.
        final = _final_titles()
        with httpx.Client(timeout=30) as client:

            def settled() -> bool:
                builds = serve.count("Detected file changes")
                if builds < 2 or serve.count("Reloading browsers") != builds:
                    return False
                return all(_served_page(client, serve, i)[0] == final[i] for i in range(PAGES))

            _wait_for("the rebuilds to settle", settled, serve)
            served = {index: _served_page(client, serve, index)[1] for index in range(PAGES)}
            cards = {index: _fetch(client, serve, image) for index, image in served.items()}
    finally:
        output = serve.stop()

    assert "Traceback" not in output, output
    assert [line for line in output.splitlines() if "ERROR" in line] == [], output
    # The second edit made a new card for its page.
    assert served[EDITED] != first_card

    # What a clean build of the final sources makes, with a cache of its own.
    clean = tmp_path / "clean"
    shutil.copytree(docs, clean / "docs")
    config = (root / "mkdocs.yml").read_text("utf-8").replace(str(cache), str(tmp_path / "c2"))
    (clean / "mkdocs.yml").write_text(config, "utf-8")
    run = mkdocs(clean)
    assert run.returncode == 0, run.output
    for index in range(PAGES):
        html = run.site_dir / f"p{index:02}" / "index.html"
        [expected] = meta_values(soup(html), "property", "og:image")
        assert served[index] == expected, f"page {index} points at another card"
        reference = (run.site_dir / expected.removeprefix(SITE_URL)).read_bytes()
        assert _pixels(cards[index]) == _pixels(reference), f"page {index}: another image"


def _fetch(client: httpx.Client, serve: Serve, image: str) -> bytes:
    """The card file behind an og:image URL, as ``mkdocs serve`` serves it."""
    assert image.startswith(SITE_URL), image
    response = client.get(serve.url(image.removeprefix(SITE_URL)))
    assert response.status_code == 200, image
    return response.content


def _pixels(data: bytes) -> tuple[tuple[int, int], bytes]:
    """Size and RGB pixels of an image (two encodings of one image compare equal)."""
    with Image.open(io.BytesIO(data)) as image:
        return image.size, image.convert("RGB").tobytes()
