"""The local Pictify server stopped in the middle of a build and started again on the same port.

A build (hosted backend) renders against a `LocalServer` on a fixed port. A watcher thread
stops that server once it has rendered a few cards, then starts a new `LocalServer` on the same
port, data directory and API key. The build must still end with every page holding either a
correct card or the configured fallback, and the next build must give every page a real card.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from pathlib import Path

import pytest

from pictify_ssg.core import BuildReport, PageRecord, Settings, SiteInfo, build
from pictify_ssg.local import LocalServer, ServerOptions

PAGES = 30
WIDTH, HEIGHT = 400, 210
STOP_AFTER_RENDERS = 6
DOWN_FOR_S = 1.0
"""How long no server listens: long enough for the build to hit refused connections."""
API_KEY = "restart-test-key"
FALLBACK = "https://example.org/fallback.png"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

CARD_HTML = """<!doctype html><html><body style="margin:0;background:#345;color:#fff;
font:36px sans-serif;padding:20px">{{title}}</body></html>"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _server(data_dir: Path, port: int) -> LocalServer:
    # Batch items are slowed so the build is still polling when the server goes away.
    options = ServerOptions(browsers=1, batch_item_delay_ms=100)
    return LocalServer(data_dir=data_dir, api_keys=[API_KEY], port=port, options=options)


class _Restarter(threading.Thread):
    """Stops ``first`` after it rendered enough cards, then starts a server on its port."""

    def __init__(self, first: LocalServer, data_dir: Path, port: int) -> None:
        super().__init__(name="restarter", daemon=True)
        self.first, self.data_dir, self.port = first, data_dir, port
        self.second: LocalServer | None = None
        self.renders_before_stop = 0
        self.stopped_at: float | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            deadline = time.monotonic() + 60
            while self.first.stats.total_renders < STOP_AFTER_RENDERS:
                if time.monotonic() > deadline:
                    raise TimeoutError("the first server never rendered enough cards")
                time.sleep(0.01)
            self.first.stop()
            self.stopped_at = time.monotonic()
            self.renders_before_stop = self.first.stats.total_renders
            time.sleep(DOWN_FOR_S)
            self.second = _server(self.data_dir, self.port).start()
        except BaseException as exc:  # noqa: BLE001 - reported by the test thread
            self.error = exc


def _settings(port: int, render_mode: str) -> Settings:
    return Settings.from_mapping(
        {
            "backend": "hosted",
            "base_url": f"http://127.0.0.1:{port}",
            "api_key": API_KEY,
            "template_file": "card.html",
            "width": WIDTH,
            "height": HEIGHT,
            "render_mode": render_mode,
            "cache_dir": ".cache/pictify",
            "timeout": 30,
            "on_error": "warn",
            "fallback_image": FALLBACK,
        }
    )


def _pages() -> list[PageRecord]:
    return [
        PageRecord.create(key=f"r{i}.md", url=f"r{i}/", title=f"Restart {i}") for i in range(PAGES)
    ]


def _assert_real_card(report: BuildReport, key: str, site: SiteInfo) -> None:
    card = report.cards[key]
    assert card.url.startswith("https://example.org/assets/social/"), key
    data = (site.output_dir / card.url.removeprefix("https://example.org/")).read_bytes()
    assert data[:8] == PNG_SIGNATURE, key
    assert data[12:16] == b"IHDR", key
    assert struct.unpack(">II", data[16:24]) == (WIDTH, HEIGHT), key
    assert [t.content for t in card.tags if t.key == "og:image"] == [card.url], key


@pytest.mark.parametrize("render_mode", ["batch", "direct"])
def test_a_build_survives_the_server_restarting_on_the_same_port(
    render_mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server stopped mid-build and restarted on its port costs no page its card.

    Proves: `LocalServer` can be started again on the port and data directory of a stopped one
    (templates and the API key carry over); the build that saw the server vanish while it was
    rendering still gives every page a valid PNG card of the configured size or the configured
    fallback (``on_error: warn``), never nothing; and the next build gives every page a real
    card, rendering only what the first build could not finish. ``batch`` stops the server
    while a batch is polled (items are slowed); ``direct`` while direct renders are in flight.
    """
    monkeypatch.delenv("PICTIFY_API_KEY", raising=False)
    (tmp_path / "card.html").write_text(CARD_HTML, encoding="utf-8")
    site = SiteInfo(
        name="Docs", url="https://example.org/", config_dir=tmp_path, output_dir=tmp_path / "site"
    )
    data_dir, port = tmp_path / "server-data", _free_port()
    first = _server(data_dir, port).start()
    restarter = _Restarter(first, data_dir, port)
    restarter.start()
    try:
        report = build(_pages(), _settings(port, render_mode), site)
        finished_at = time.monotonic()
        restarter.join(30)
        assert restarter.error is None, restarter.error
        assert restarter.stopped_at is not None
        assert restarter.stopped_at < finished_at, "the server stopped after the build ended"
        assert restarter.renders_before_stop < PAGES, "the server stopped after the build's work"
        assert restarter.second is not None
        assert restarter.second.running
        if render_mode == "direct":
            assert restarter.second.stats.snapshot(), "the build never reached the new server"
        # In batch mode the cards of a batch the first server had accepted are never sent
        # again in this build (on a hosted service they may be rendered and billed anyway):
        # they fall back, and the next build renders exactly them (checked below).

        # A page may fall back (a download refused while no server listened is tried again
        # once, at once); it is then listed as failed, and only then.
        fell_back = {key for key, outcome in report.outcomes.items() if outcome == "fallback"}
        assert {key for key, _ in report.failed} == fell_back
        assert set(report.outcomes) == {page.key for page in _pages()}
        for key, outcome in report.outcomes.items():
            if outcome == "fallback":
                assert report.cards[key].url == FALLBACK, key
            else:
                assert outcome in ("rendered", "cached"), (key, outcome)
                _assert_real_card(report, key, site)

        restarter.second.stats.reset()
        again = build(_pages(), _settings(port, render_mode), site)
        assert again.failed == []
        assert again.counts["rendered"] == report.counts["fallback"]
        assert again.counts["cached"] == PAGES - report.counts["fallback"]
        for key in again.outcomes:
            _assert_real_card(again, key, site)
        assert restarter.second.stats.total_renders >= again.counts["rendered"]
    finally:
        restarter.join(30)
        first.stop()
        if restarter.second is not None:
            restarter.second.stop()
