"""A 300-page build against a server that fails the way busy services do.

10 % of requests answer 5xx, 5 % answer 429 with ``Retry-After``, 2 % lose their connection,
every request waits 5 ms plus a seeded random 0-150 ms, and 1 % of batch items fail. Then a
server that answers 5 % of render requests only after the client's read timeout (the render is
made, its answer comes too late). Every page must end with a correct card or the configured
fallback, nothing may be rendered twice (counted at the server: on the hosted API each render is
billed), the summary must agree with what the server did, and the build must fail or succeed as
``on_error`` says.
"""

from __future__ import annotations

import struct
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pictify_ssg.core import BuildError, CardResult, PageRecord, Settings, SiteInfo, build

if TYPE_CHECKING:
    from pictify_ssg.local import LocalServer

ServerFactory = Callable[..., "LocalServer"]
SettingsFactory = Callable[..., Settings]
FALLBACK = "https://example.org/fallback.png"
PAGES = 300
LATE_PAGES = 100
CLIENT_TIMEOUT_S = 8
"""The build's ``timeout``: the read timeout of each render request, and the time a batch job
may take before it is cancelled (generous: a busy two-core machine must never reach it)."""
LATE_MS = 10_000
"""How long a late render's answer is held back: well past the client's read timeout."""

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def faulty(server_factory: ServerFactory) -> LocalServer:
    return server_factory(
        error_rate=0.10,
        throttle_rate=0.05,
        drop_rate=0.02,
        latency_ms=5,
        latency_jitter_ms=150,
        batch_item_failure_rate=0.01,
        seed=20261125,
    )


@pytest.fixture(scope="module")
def late(server_factory: ServerFactory) -> LocalServer:
    # Seeded so that the second render request is late (the late draws come from a generator
    # of their own): every build below meets at least one read timeout.
    return server_factory(
        late_render_rate=0.05, late_render_ms=LATE_MS, latency_jitter_ms=150, seed=20261126
    )


def _pages(count: int) -> list[PageRecord]:
    return [
        PageRecord.create(key=f"p{i:03}.md", url=f"p{i:03}/", title=f"Fault page {i}")
        for i in range(count)
    ]


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("mode", ["batch", "direct"])
def test_every_page_ends_correct_and_nothing_is_rendered_twice(
    faulty: LocalServer,
    settings_for: SettingsFactory,
    site: SiteInfo,
    tmp_path: Path,
    mode: str,
) -> None:
    faulty.stats.reset()
    # Batches of 20: a batch whose submission failed with an unknown outcome (a 5xx, a dropped
    # connection) may be rendering at the service, so its cards fail for this build rather
    # than be rendered twice; smaller batches make that cost smaller.
    settings = settings_for(
        faulty, fallback_image=FALLBACK, render_mode=mode, timeout=60, batch_size=20
    )
    report = build(_pages(PAGES), settings, site)

    outcomes = report.outcomes
    assert set(outcomes.values()) <= {"rendered", "fallback"}, report.counts
    rendered = [key for key, outcome in outcomes.items() if outcome == "rendered"]
    # Faults cost some cards, never most of them.
    assert len(rendered) >= PAGES * 0.5, report.counts
    for key in rendered:
        card = report.cards[key]
        name = card.url.rsplit("/", 1)[1]
        assert _png_size(site.output_dir / "assets" / "social" / name) == (1200, 630)
        assert card.width == 1200
    for key, outcome in outcomes.items():
        if outcome == "fallback":
            assert report.cards[key].url == FALLBACK
            assert key in dict(report.failed)

    renders = faulty.stats.renders_by_content()
    twice = {digest: count for digest, count in renders.items() if count > 1}
    assert twice == {}, f"rendered more than once: {twice}"
    # The server rendered at least every card the build published, and every render it made
    # for this build is either published or accounted for by a failed page.
    assert len(renders) >= len(rendered)
    assert len(renders) <= len(rendered) + len(report.failed)
    assert f"{len(rendered)} rendered" in report.summary_line
    assert f"{len(report.failed)} failed" in report.summary_line


def test_on_error_fail_stops_a_faulty_build(
    faulty: LocalServer, settings_for: SettingsFactory, site: SiteInfo
) -> None:
    faulty.stats.reset()
    settings = settings_for(faulty, on_error="fail", render_mode="direct", timeout=60)
    with pytest.raises(BuildError) as info:
        build(_pages(120), settings, site)
    assert info.value.failed, "a faulty service fails some cards"
    assert "on_error: fail" in str(info.value)


def _assert_every_page_correct_once(
    server: LocalServer, site: SiteInfo, outcomes: dict[str, str], cards: dict[str, CardResult]
) -> None:
    """Each page holds a 1200x630 PNG card or the fallback; no content was rendered twice."""
    assert set(outcomes.values()) <= {"rendered", "fallback"}, outcomes
    for key, outcome in outcomes.items():
        card = cards[key]
        if outcome == "fallback":
            assert card.url == FALLBACK, key
        else:
            name = card.url.rsplit("/", 1)[1]
            assert _png_size(site.output_dir / "assets" / "social" / name) == (1200, 630), key
    renders = _settled_renders(server, len(outcomes))
    twice = {digest: count for digest, count in renders.items() if count > 1}
    assert twice == {}, f"rendered more than once: {twice}"


def _settled_renders(server: LocalServer, expected: int) -> dict[str, int]:
    """The server's renders once ``expected`` distinct cards are in (or after 30 s).

    A render whose answer the build gave up on may still be finishing at the server when the
    build returns; a second render of a card could also come after that one.
    """
    deadline = time.monotonic() + 30
    while len(server.stats.renders_by_content()) < expected and time.monotonic() < deadline:
        time.sleep(0.1)
    # One more beat: a duplicate render of the last card would land now.
    time.sleep(0.5)
    return server.stats.renders_by_content()


def _late_settings(
    settings_for: SettingsFactory, server: LocalServer, mode: str, **overrides: Any
) -> Settings:
    return settings_for(
        server,
        fallback_image=FALLBACK,
        timeout=CLIENT_TIMEOUT_S,
        render_mode=mode,
        # Small batches, two at a time: one late batch costs five cards, not a hundred, and
        # every batch finishes well inside the build's timeout (also its limit for one batch
        # job), so no batch is cancelled halfway.
        batch_size=5,
        concurrency=2 if mode == "batch" else 4,
        **overrides,
    )


@pytest.mark.parametrize("mode", ["batch", "direct"])
def test_a_render_answered_after_the_read_timeout_is_not_rendered_again(
    late: LocalServer,
    settings_for: SettingsFactory,
    site: SiteInfo,
    mode: str,
) -> None:
    late.stats.reset()
    settings = _late_settings(settings_for, late, mode)
    report = build(_pages(LATE_PAGES), settings, site)

    _assert_every_page_correct_once(late, site, dict(report.outcomes), report.cards)
    timed_out = [key for key, message in report.failed if "timed out (read)" in message]
    assert timed_out, f"no render request timed out: {report.failed}"
    # The page whose render answered too late gets the fallback, and the build succeeds
    # (on_error: warn) naming why.
    for key in timed_out:
        assert report.outcomes[key] == "fallback"
        assert "may have reached the server" in dict(report.failed)[key]
    renders = _settled_renders(late, LATE_PAGES)
    rendered = report.counts["rendered"]
    # Every late answer still rendered its card at the server: what the build did not get is
    # exactly what failed, and the summary says so.
    assert len(renders) == LATE_PAGES
    assert rendered + len(report.failed) == LATE_PAGES
    assert f"{rendered} rendered" in report.summary_line
    assert f"{len(report.failed)} failed" in report.summary_line


def test_on_error_fail_stops_a_build_whose_render_answered_late(
    late: LocalServer, settings_for: SettingsFactory, site: SiteInfo
) -> None:
    late.stats.reset()
    settings = _late_settings(settings_for, late, "direct", on_error="fail")
    with pytest.raises(BuildError) as info:
        build(_pages(LATE_PAGES), settings, site)

    failed = dict(info.value.failed)
    assert failed, "a late render fails its page"
    assert all("timed out (read)" in message for message in failed.values()), failed
    assert "on_error: fail" in str(info.value)
    renders = _settled_renders(late, LATE_PAGES)
    assert {digest: count for digest, count in renders.items() if count > 1} == {}
    assert len(renders) == LATE_PAGES
