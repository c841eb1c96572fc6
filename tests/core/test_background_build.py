"""Cards rendering in the background: URLs first, images by the end of the build."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PIL import Image

from pictify_ssg.core import PageRecord, Pipeline, Settings, SiteInfo

if TYPE_CHECKING:
    from pictify_ssg.local import LocalServer

SettingsFactory = Callable[..., Settings]
PagesFactory = Callable[..., list[PageRecord]]
ServerFactory = Callable[..., "LocalServer"]


def _site_file(site: SiteInfo, url: str) -> Path:
    assert site.url is not None
    assert url.startswith(site.url)
    return site.output_dir / url[len(site.url) :]


def _fallback(tmp_path: Path) -> Path:
    path = tmp_path / "fallback.png"
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 630), (10, 20, 30)).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


def test_urls_come_first_and_the_images_by_the_end(
    server_factory: ServerFactory,
    settings_for: SettingsFactory,
    pages: PagesFactory,
    site: SiteInfo,
) -> None:
    slow = server_factory(batch_item_delay_ms=150)  # renders outlast start()
    with Pipeline(settings_for(slow)) as pipeline:
        build = pipeline.start(pages(4), site)
        assert build.pending
        provisional = build.report
        assert sorted(provisional.cards) == [f"p{i}.md" for i in range(4)]
        assert not provisional.outcomes  # counts only come with the final report

        final = build.wait()

    assert build.report is final
    assert final.counts == {"rendered": 4}
    assert build.changed() == {}
    for key, card in final.cards.items():
        assert card.url == provisional.cards[key].url
        assert card.tags == provisional.cards[key].tags
        with Image.open(_site_file(site, card.url)) as image:
            assert image.size == (card.width, card.height)


def test_a_warm_build_finishes_before_start_returns(
    server: LocalServer, settings_for: SettingsFactory, pages: PagesFactory, site: SiteInfo
) -> None:
    settings = settings_for(server)
    with Pipeline(settings) as pipeline:
        pipeline.start(pages(3), site).wait()
        build = pipeline.start(pages(3), site)
        assert not build.pending  # nothing to render: no thread left working
        assert build.report.counts == {"cached": 3}


def test_cards_failing_in_the_background_are_listed_with_their_fallback(
    server_factory: ServerFactory,
    settings_for: SettingsFactory,
    pages: PagesFactory,
    site: SiteInfo,
    tmp_path: Path,
) -> None:
    down = server_factory(error_rate=1.0)  # every request: 503
    settings = settings_for(down, fallback_image=str(_fallback(tmp_path)))
    with Pipeline(settings) as pipeline:
        build = pipeline.start(pages(3), site)
        assert build.pending
        assert all(c.origin == "rendered" for c in build.report.cards.values())
        final = build.wait()

    assert final.counts == {"fallback": 3}
    changed = build.changed()
    assert sorted(changed) == [f"p{i}.md" for i in range(3)]
    for key, card in changed.items():
        assert card is not None
        assert card is final.cards[key]
        assert card.origin == "fallback"
        assert _site_file(site, card.url).is_file()  # no page points at a missing file


def test_closing_cancels_a_build_never_waited_for(
    server_factory: ServerFactory,
    settings_for: SettingsFactory,
    pages: PagesFactory,
    site: SiteInfo,
) -> None:
    slow = server_factory(batch_item_delay_ms=500)
    pipeline = Pipeline(settings_for(slow))
    build = pipeline.start(pages(6), site)
    assert build.pending
    pipeline.close()  # the SSG failed: nothing is published, nothing hangs
    assert not (site.output_dir / "assets" / "social" / "index.html").exists()


def _embedded_build(tmp_path: Path, pages: PagesFactory, site: SiteInfo, *, last: bool) -> bool:
    """Whether the embedded renderer still runs once a build's cards are done."""
    settings = Settings.from_mapping(
        {"backend": "local", "template_file": "card.html", "width": 400, "height": 210}
    )
    with Pipeline(settings, config_dir=tmp_path) as pipeline:
        build = pipeline.start(pages(2), site, last=last)
        assert build.wait().counts == {"rendered": 2}
        opener = pipeline._opener
        assert opener is not None
        stopping = opener._stopping
        if stopping is not None:
            stopping.join(30)
        return opener.server is not None


@pytest.mark.parametrize(
    ("last", "kept"),
    [
        (True, False),  # `mkdocs build`: Chromium goes while the generator still writes pages
        (False, True),  # `mkdocs serve`: the next rebuild reuses it
    ],
    ids=["last-build-lets-go", "more-builds-keep-it"],
)
def test_the_last_build_lets_the_renderer_go_as_soon_as_its_cards_are_done(
    tmp_path: Path,
    card_file: Path,
    pages: PagesFactory,
    site: SiteInfo,
    monkeypatch: pytest.MonkeyPatch,
    last: bool,
    kept: bool,
) -> None:
    monkeypatch.delenv("PICTIFY_API_KEY", raising=False)
    assert _embedded_build(tmp_path, pages, site, last=last) is kept
