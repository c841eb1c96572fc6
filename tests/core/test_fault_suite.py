"""A 300-page build against a server that fails the way busy services do.

10 % of requests answer 5xx, 5 % answer 429 with ``Retry-After``, 2 % lose their connection,
every request waits a little, and 1 % of batch items fail. Every page must end with a correct
card or the configured fallback, nothing may be rendered twice (counted at the server: on the
hosted API each render is billed), and the summary must agree with what the server did.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pictify_ssg.core import BuildError, PageRecord, Settings, SiteInfo, build

if TYPE_CHECKING:
    from pictify_ssg.local import LocalServer

ServerFactory = Callable[..., "LocalServer"]
SettingsFactory = Callable[..., Settings]
FALLBACK = "https://example.org/fallback.png"
PAGES = 300

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def faulty(server_factory: ServerFactory) -> LocalServer:
    return server_factory(
        error_rate=0.10,
        throttle_rate=0.05,
        drop_rate=0.02,
        latency_ms=5,
        batch_item_failure_rate=0.01,
        seed=20261125,
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
    settings = settings_for(faulty, fallback_image=FALLBACK, render_mode=mode, timeout=60)
    report = build(_pages(PAGES), settings, site)

    outcomes = report.outcomes
    assert set(outcomes.values()) <= {"rendered", "fallback"}, report.counts
    rendered = [key for key, outcome in outcomes.items() if outcome == "rendered"]
    # Faults cost some cards, never most of them.
    assert len(rendered) >= PAGES * 0.8, report.counts
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
