"""Builds against servers that misbehave: no batch URLs, failing items, errors, kills."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pictify_ssg.core import BuildError, PageRecord, Pipeline, Settings, SiteInfo, build
from pictify_ssg.core.store import Store

if TYPE_CHECKING:
    from pictify_ssg.local import LocalServer

RENDER = "POST /templates/{uid}/render"
BATCH = "POST /templates/{uid}/batch-render"

ServerFactory = Callable[..., "LocalServer"]
SettingsFactory = Callable[..., Settings]
PagesFactory = Callable[..., list[PageRecord]]


@pytest.fixture(scope="module")
def no_urls(server_factory: ServerFactory) -> LocalServer:
    """Batch results without item URLs, like the hosted API (conflict C3)."""
    return server_factory(batch_item_urls=False)


@pytest.fixture(scope="module")
def flaky_items(server_factory: ServerFactory) -> LocalServer:
    """Every batch item fails; direct renders work."""
    return server_factory(batch_item_failure_rate=1.0)


@pytest.fixture(scope="module")
def broken(server_factory: ServerFactory) -> LocalServer:
    """Every API request fails with 503."""
    return server_factory(error_rate=1.0)


def test_auto_mode_learns_that_batches_carry_no_urls(
    no_urls: LocalServer, settings_for: SettingsFactory, pages: PagesFactory, site: SiteInfo
) -> None:
    no_urls.stats.reset()
    settings = settings_for(no_urls, direct_threshold=2)
    report = build(pages(6), settings, site)
    assert report.counts["rendered"] == 6
    assert report.failed == []
    # one one-item probe batch, then direct renders only (the probe item is rendered again)
    assert no_urls.stats.count(BATCH) == 1
    assert no_urls.stats.count(RENDER) == 6
    assert no_urls.stats.total_renders == 7
    no_urls.stats.reset()
    later = build(pages(5, prefix="More"), settings, site)
    assert later.counts["rendered"] == 5
    assert no_urls.stats.count(BATCH) == 0  # remembered in the store: never batch here again
    assert no_urls.stats.total_renders == 5


def test_forced_batch_mode_without_urls_resolves_items_directly(
    no_urls: LocalServer, settings_for: SettingsFactory, pages: PagesFactory, site: SiteInfo
) -> None:
    no_urls.stats.reset()
    report = build(pages(4), settings_for(no_urls, render_mode="batch"), site)
    assert report.counts["rendered"] == 4
    assert no_urls.stats.count(BATCH) == 1
    assert no_urls.stats.count(RENDER) == 4
    assert any("carry no image URLs" in w for w in report.warnings)


def test_failed_batch_items_are_retried_directly(
    flaky_items: LocalServer, settings_for: SettingsFactory, pages: PagesFactory, site: SiteInfo
) -> None:
    flaky_items.stats.reset()
    report = build(pages(5), settings_for(flaky_items, render_mode="batch"), site)
    assert report.counts["rendered"] == 5
    assert report.failed == []
    assert flaky_items.stats.count(BATCH) == 1
    assert flaky_items.stats.count(RENDER) == 5  # each failed item once, directly


def test_on_error_warn_keeps_previous_cards_or_the_fallback(
    server: LocalServer,
    broken: LocalServer,
    settings_for: SettingsFactory,
    site: SiteInfo,
    tmp_path: Path,
) -> None:
    good = settings_for(server, fallback_image="fallback.png")
    (tmp_path / "fallback.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 30)
    first = build([PageRecord.create(key="a.md", url="a/", title="A")], good, site)
    old_url = first.cards["a.md"].url
    bad = settings_for(broken, fallback_image="fallback.png", timeout=5)
    edited = [
        PageRecord.create(key="a.md", url="a/", title="A, edited"),
        PageRecord.create(key="b.md", url="b/", title="B"),
    ]
    report = build(edited, bad, site)
    assert report.outcomes == {"a.md": "previous", "b.md": "fallback"}
    assert report.cards["a.md"].url == old_url
    assert (site.output_dir / old_url.split("/docs/", 1)[1]).exists()  # not removed as stale
    assert report.cards["b.md"].url.startswith("https://example.org/docs/assets/social/fallback-")
    assert sorted(k for k, _ in report.failed) == ["a.md", "b.md"]
    assert "failed" in report.summary_line
    with Store(tmp_path / ".cache" / "pictify") as store:
        assert len(store.keys("card:")) == 1  # failures are never cached


def test_on_error_fail_stops_the_build_listing_pages(
    broken: LocalServer, settings_for: SettingsFactory, pages: PagesFactory, site: SiteInfo
) -> None:
    with pytest.raises(BuildError) as info:
        build(pages(2), settings_for(broken, on_error="fail", timeout=5), site)
    message = str(info.value)
    assert "2 card(s) could not be made" in message
    assert "p0.md" in message
    assert "p1.md" in message
    assert [k for k, _ in info.value.failed] == ["p0.md", "p1.md"]
    assert broken.api_key not in message


def test_a_refused_key_stops_early_with_a_clear_message(
    server: LocalServer, settings_for: SettingsFactory, pages: PagesFactory, site: SiteInfo
) -> None:
    report = build(pages(3), settings_for(server, api_key="wrong-key-123"), site)
    assert [k for k, _ in report.failed] == ["p0.md", "p1.md", "p2.md"]
    assert sum(report.api_calls.values()) == 1  # the template upload was refused: nothing else
    assert "wrong-key-123" not in repr(report)
    assert server.stats.total_renders == 0


def test_skip_backend_uses_the_cache_and_renders_nothing(
    server: LocalServer, settings_for: SettingsFactory, pages: PagesFactory, site: SiteInfo
) -> None:
    build(pages(1), settings_for(server), site)
    server.stats.reset()
    report = build(pages(2), settings_for(server, backend="skip"), site)
    assert report.outcomes == {"p0.md": "cached", "p1.md": "skipped"}
    assert report.failed == []
    assert server.stats.snapshot() == {}


_KILLED_BUILD = """
import sys
from pathlib import Path
from pictify_ssg.core import PageRecord, Settings, SiteInfo, build
root = Path(sys.argv[1])
settings = Settings(backend="hosted", base_url=sys.argv[2], template_file="card.html",
                    render_mode="direct", concurrency=1)
site = SiteInfo(name="Docs", url="https://example.org/", config_dir=root, output_dir=root / "site")
pages = [PageRecord.create(key=f"k{i}.md", url=f"k{i}/", title=f"Killed {i}") for i in range(40)]
build(pages, settings, site)
"""


def test_a_killed_build_leaves_a_usable_cache(
    server: LocalServer, settings_for: SettingsFactory, site: SiteInfo, tmp_path: Path
) -> None:
    script = tmp_path / "killed_build.py"
    script.write_text(_KILLED_BUILD, encoding="utf-8")
    env = {**os.environ, "PICTIFY_API_KEY": server.api_key}
    child = subprocess.Popen([sys.executable, str(script), str(tmp_path), server.base_url], env=env)
    cache = tmp_path / ".cache" / "pictify"
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline and child.poll() is None:
            if cache.exists():
                with Store(cache) as store:
                    if len(store.keys("card:")) >= 3:
                        break
            time.sleep(0.05)
        assert child.poll() is None, "the build finished before it could be killed"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait()
    assert child.returncode == -signal.SIGKILL
    # The render the killed build had in flight still finishes on the server: let it, so it
    # is not counted as a render of the next build.
    settled, last = time.monotonic(), server.stats.total_renders
    while time.monotonic() - settled < 1.0:
        time.sleep(0.1)
        if server.stats.total_renders != last:
            settled, last = time.monotonic(), server.stats.total_renders
    server.stats.reset()
    page_list = [
        PageRecord.create(key=f"k{i}.md", url=f"k{i}/", title=f"Killed {i}") for i in range(40)
    ]
    with Pipeline(settings_for(server, template_file="card.html")) as pipeline:
        report = pipeline.build(
            page_list, SiteInfo(**{**site.__dict__, "url": "https://example.org/"})
        )
    assert report.failed == []
    assert report.counts["cached"] >= 3
    assert report.counts["cached"] + report.counts["rendered"] == 40
    assert server.stats.total_renders == report.counts["rendered"]


def test_local_backend_starts_only_on_a_miss(
    pages: PagesFactory,
    site: SiteInfo,
    tmp_path: Path,
    card_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PICTIFY_API_KEY", raising=False)
    settings = Settings.from_mapping({"backend": "auto", "template_file": "card.html"})
    with Pipeline(settings) as cold:
        report = cold.build(pages(2), site)
        assert cold._opener is not None
        assert cold._opener.server is not None  # started for the misses
    assert report.backend == "local"
    assert report.counts["rendered"] == 2
    assert (tmp_path / ".cache" / "pictify" / "local-server").is_dir()
    with Pipeline(settings) as warm:
        again = warm.build(pages(2), site)
        assert warm._opener is not None
        assert warm._opener.server is None  # a warm build never starts Chromium
    assert again.counts["cached"] == 2
    assert dict(again.api_calls) == {}


def test_local_backend_cannot_host_on_pictify(
    pages: PagesFactory, site: SiteInfo, card_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PICTIFY_API_KEY", raising=False)
    settings = Settings.from_mapping(
        {"backend": "local", "hosting": "pictify", "template_file": "card.html"}
    )
    report = build(pages(1), settings, site)
    assert report.cards["p0.md"].url.startswith("https://example.org/docs/assets/social/")
    assert any("hosting 'pictify' needs the hosted backend" in w for w in report.warnings)


def test_a_slow_batch_is_cancelled_and_its_items_rendered_directly(
    server_factory: ServerFactory,
    settings_for: SettingsFactory,
    pages: PagesFactory,
    site: SiteInfo,
) -> None:
    slow = server_factory(batch_item_delay_ms=60_000)
    # Warm Chromium first, so the short timeout below only bites the batch.
    build(pages(1, prefix="Warm-up"), settings_for(slow, render_mode="direct"), site)
    slow.stats.reset()
    report = build(pages(3), settings_for(slow, render_mode="batch", timeout=3), site)
    assert report.counts["rendered"] == 3
    assert report.failed == []
    assert slow.stats.count(BATCH) == 1
    assert slow.stats.count("POST /templates/batch/{batch_id}/cancel") == 1
    assert slow.stats.count(RENDER) == 3


def test_two_builds_sharing_one_cache_at_once(
    server: LocalServer, settings_for: SettingsFactory, pages: PagesFactory, site: SiteInfo
) -> None:
    import threading

    settings = settings_for(server)
    reports = []
    errors: list[BaseException] = []

    def one_build() -> None:
        try:
            reports.append(build(pages(6), settings, site))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=one_build) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [r.failed for r in reports] == [[], []]
    assert all(len(r.cards) == 6 for r in reports)
    server.stats.reset()
    warm = build(pages(6), settings, site)
    assert warm.counts["cached"] == 6
    assert server.stats.total_renders == 0


def test_a_service_that_cannot_render_stops_after_a_few_cards(
    broken: LocalServer, settings_for: SettingsFactory, pages: PagesFactory, site: SiteInfo
) -> None:
    # Every request answers 503 (like a local server without Chromium): after a few identical
    # failures and no success, the rest of the build does not knock on the same door again.
    broken.stats.reset()
    report = build(pages(30), settings_for(broken, render_mode="direct", timeout=5), site)
    assert len(report.failed) == 30
    assert len({message for _, message in report.failed}) == 1
    assert report.direct_renders < 10


def test_interrupting_a_build_stops_it_and_logs_no_failures(
    server_factory: ServerFactory,
    settings_for: SettingsFactory,
    pages: PagesFactory,
    site: SiteInfo,
    caplog: pytest.LogCaptureFixture,
) -> None:
    import threading

    # Each request takes 0.1 s more, so 40 cards one at a time take 4 s at the very least,
    # and the interrupt comes once two have rendered: while renders are under way on any
    # machine, fast or loaded (a fixed timer could fire after a fast build had finished).
    slow = server_factory(latency_ms=100)
    settings = settings_for(slow, render_mode="direct", concurrency=1)
    slow.stats.reset()
    stop = threading.Event()

    def interrupt_once_rendering() -> None:
        while not stop.is_set():
            if slow.stats.total_renders >= 2:
                # Ctrl+C arrives in the waiting (main) thread as KeyboardInterrupt.
                os.kill(os.getpid(), signal.SIGINT)
                return
            time.sleep(0.01)

    with Pipeline(settings) as pipeline:
        watcher = threading.Thread(target=interrupt_once_rendering, daemon=True)
        watcher.start()
        try:
            with (
                caplog.at_level(logging.INFO, logger="pictify_ssg"),
                pytest.raises(KeyboardInterrupt),
            ):
                pipeline.build(pages(40, prefix="Interrupted"), site)
        finally:
            stop.set()
            watcher.join()
    assert slow.stats.total_renders < 40  # it stopped rendering, rather than finishing first
    # The cancelled build did not go on to log a summary or failures behind the caller.
    assert not [r for r in caplog.records if "pictify: " in r.getMessage()]
    # And the cache it leaves is usable.
    report = build(pages(2, prefix="After"), settings, site)
    assert report.failed == []
