"""Whole builds against a real local Pictify server over HTTP."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pictify_ssg.core import BuildReport, PageRecord, Pipeline, Settings, SiteInfo, build

if TYPE_CHECKING:
    from pictify_ssg.local import LocalServer

RENDER = "POST /templates/{uid}/render"
BATCH = "POST /templates/{uid}/batch-render"
GET_TEMPLATE = "GET /templates/{uid}"

SettingsFactory = Callable[..., Settings]
PagesFactory = Callable[..., list[PageRecord]]


def run(settings: Settings, pages: list[PageRecord], site: SiteInfo) -> BuildReport:
    return build(pages, settings, site)


def test_cold_build_renders_each_distinct_card_once(
    server: LocalServer,
    settings_for: SettingsFactory,
    pages: PagesFactory,
    site: SiteInfo,
    card_files: Callable[[], list[str]],
) -> None:
    report = run(settings_for(server), pages(6, distinct=4), site)
    assert server.stats.count(RENDER) == 4
    assert server.stats.total_renders == 4
    assert report.api_calls["templates.render"] == 4
    assert report.counts["rendered"] == 6
    assert report.failed == []
    assert len(card_files()) == 4
    card = report.cards["p0.md"]
    assert card.origin == "rendered"
    assert card.url.startswith("https://example.org/docs/assets/social/")
    assert (card.width, card.height, card.type) == (1200, 630, "image/png")
    assert report.cards["p4.md"].url == card.url  # same text, same card
    assert card.alt == "Page 0 \u2013 Docs"
    assert report.summary_line.startswith("pictify: 6 pages, 0 cached, 6 rendered in 4 direct")


def test_warm_build_makes_no_network_call(
    server: LocalServer,
    settings_for: SettingsFactory,
    pages: PagesFactory,
    site: SiteInfo,
    card_files: Callable[[], list[str]],
) -> None:
    settings = settings_for(server)
    first = run(settings, pages(5), site)
    files = card_files()
    server.stats.reset()
    (site.output_dir / "assets").rename(site.output_dir.parent / "old-assets")  # a clean site/
    second = run(settings, pages(5), site)
    assert server.stats.snapshot() == {}
    assert dict(second.api_calls) == {}
    assert second.counts["cached"] == 5
    assert card_files() == files  # copied from the cache, no download
    assert {k: c.url for k, c in second.cards.items()} == {k: c.url for k, c in first.cards.items()}
    assert all(c.origin == "cached" for c in second.cards.values())


def test_changing_one_title_rerenders_one_card(
    server: LocalServer, settings_for: SettingsFactory, pages: PagesFactory, site: SiteInfo
) -> None:
    settings = settings_for(server)
    before = pages(5)
    run(settings, before, site)
    server.stats.reset()
    after = [*before[:2], PageRecord.create(key="p2.md", url="p2/", title="New title"), *before[3:]]
    report = run(settings, after, site)
    assert server.stats.total_renders == 1
    assert report.counts == {"cached": 4, "rendered": 1}
    assert report.cards["p2.md"].origin == "rendered"


def test_unused_page_fields_do_not_rerender(
    server: LocalServer, settings_for: SettingsFactory, site: SiteInfo
) -> None:
    # The test template reads only title and site_name: a new date changes nothing visible.
    settings = settings_for(server)
    run(settings, [PageRecord.create(key="a.md", url="a/", title="A", date="2024-01-01")], site)
    server.stats.reset()
    report = run(
        settings, [PageRecord.create(key="a.md", url="a/", title="A", date="2025-05-05")], site
    )
    assert server.stats.total_renders == 0
    assert report.counts["cached"] == 1


def test_editing_the_template_file_invalidates_every_card(
    server: LocalServer,
    settings_for: SettingsFactory,
    pages: PagesFactory,
    site: SiteInfo,
    card_file: Path,
    card_files: Callable[[], list[str]],
) -> None:
    settings = settings_for(server)
    first = run(settings, pages(3), site)
    assert first.api_calls["templates.create"] == 1
    old_files = card_files()
    card_file.write_text(card_file.read_text().replace("#123", "#321"), encoding="utf-8")
    server.stats.reset()
    second = run(settings, pages(3), site)
    assert second.counts["rendered"] == 3
    assert server.stats.total_renders == 3
    assert second.api_calls["templates.update"] == 1  # the same remote template, updated
    assert "templates.create" not in second.api_calls
    assert not set(old_files) & set(card_files())  # new URLs, old files gone


def test_editing_the_remote_template_invalidates_every_card(
    server: LocalServer, settings_for: SettingsFactory, pages: PagesFactory, site: SiteInfo
) -> None:
    from pictify_ssg.client import AsyncPictify

    async def create() -> str:
        async with AsyncPictify(api_key=server.api_key, base_url=server.base_url) as client:
            t = await client.templates.create(
                name="remote", html="<h1>{{title}}</h1>", width=1200, height=630
            )
            return str(t.uid)

    async def edit(uid: str) -> None:
        async with AsyncPictify(api_key=server.api_key, base_url=server.base_url) as client:
            await client.templates.update(uid, html="<h2>{{title}}</h2>")

    uid = asyncio.run(create())
    settings = settings_for(server, template=uid, template_file=None)
    run(settings, pages(3), site)
    server.stats.reset()
    warm = run(settings, pages(3), site)
    assert server.stats.snapshot() == {GET_TEMPLATE: 1}  # the one version check
    assert warm.counts["cached"] == 3
    asyncio.run(edit(uid))
    server.stats.reset()
    edited = run(settings, pages(3), site)
    assert edited.counts["rendered"] == 3
    assert server.stats.total_renders == 3
    assert server.stats.count(GET_TEMPLATE) == 1


def test_unreachable_service_uses_the_last_template_version(
    server_factory: Callable[..., LocalServer],
    settings_for: SettingsFactory,
    pages: PagesFactory,
    site: SiteInfo,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from pictify_ssg.client import AsyncPictify

    doomed = server_factory()

    async def create() -> str:
        async with AsyncPictify(api_key=doomed.api_key, base_url=doomed.base_url) as client:
            t = await client.templates.create(name="r", html="<h1>{{title}}</h1>")
            return str(t.uid)

    uid = asyncio.run(create())
    settings = settings_for(doomed, template=uid, template_file=None, timeout=5)
    run(settings, pages(2), site)
    doomed.stop()  # same service identity, but nothing answers any more
    with caplog.at_level(logging.WARNING, logger="pictify_ssg"):
        report = run(settings, pages(2), site)
    assert report.counts["cached"] == 2
    assert report.failed == []
    assert any("using the version seen by the last build" in w for w in report.warnings)
    assert "using the version seen by the last build" in caplog.text


def test_batches_when_many_cards_are_missing(
    server: LocalServer, settings_for: SettingsFactory, pages: PagesFactory, site: SiteInfo
) -> None:
    settings = settings_for(server, direct_threshold=2, batch_size=4)
    report = run(settings, pages(9), site)
    assert report.counts["rendered"] == 9
    assert server.stats.count(RENDER) == 0
    # one probe batch (learns that results carry URLs), then chunks of at most 4
    assert server.stats.count(BATCH) == 1 + 2
    assert server.stats.total_renders == 9
    server.stats.reset()
    more = run(settings, pages(6, prefix="Other"), site)
    assert more.counts["rendered"] == 6
    assert server.stats.count(BATCH) == 2  # learnt: no probe this time
    assert server.stats.total_renders == 6


def test_hosting_pictify_points_at_the_service(
    server: LocalServer,
    settings_for: SettingsFactory,
    pages: PagesFactory,
    site: SiteInfo,
    card_files: Callable[[], list[str]],
) -> None:
    report = run(settings_for(server, hosting="pictify"), pages(2), site)
    assert report.cards["p0.md"].url.startswith(server.base_url + "/files/")
    assert card_files() == []
    assert "download" not in report.api_calls


def test_stale_card_files_are_removed(
    server: LocalServer,
    settings_for: SettingsFactory,
    pages: PagesFactory,
    site: SiteInfo,
    card_files: Callable[[], list[str]],
) -> None:
    settings = settings_for(server)
    run(settings, pages(3), site)
    keep = site.output_dir / "assets" / "social" / "logo.png"
    keep.write_bytes(b"not ours")
    report = run(settings, pages(1), site)
    assert card_files() == sorted([report.cards["p0.md"].url.rsplit("/", 1)[1], "logo.png"])


def test_variants_keep_their_cards_apart(
    server: LocalServer,
    settings_for: SettingsFactory,
    pages: PagesFactory,
    site: SiteInfo,
    card_files: Callable[[], list[str]],
) -> None:
    settings = settings_for(server)
    en = SiteInfo(**{**site.__dict__, "variant": "en"})
    fr = SiteInfo(**{**site.__dict__, "variant": "fr"})
    run(settings, pages(2, prefix="Page"), en)
    run(settings, pages(2, prefix="Seite"), fr)
    assert len(card_files()) == 4  # the fr build spared the en cards in the shared folder
    run(settings, pages(1, prefix="Page"), en)
    assert len(card_files()) == 3


def test_api_key_never_reaches_cache_output_or_logs(
    server: LocalServer,
    settings_for: SettingsFactory,
    pages: PagesFactory,
    site: SiteInfo,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.DEBUG):
        report = run(settings_for(server, gallery=True), pages(3), site)
    key = server.api_key.encode()
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert key not in path.read_bytes(), path
    assert server.api_key not in caplog.text
    assert server.api_key not in repr(report)


def test_page_options_explicit_opt_out_exclude_and_gallery(
    server: LocalServer, settings_for: SettingsFactory, site: SiteInfo
) -> None:
    page_list = [
        PageRecord.create(key="a.md", url="a/", title="A"),
        PageRecord.create(key="b.md", url="b/", title="B", meta={"pictify": False}),
        PageRecord.create(key="c.md", url="c/", title="C", existing_image="/img/c.png"),
        PageRecord.create(key="drafts/d.md", url="drafts/d/", title="D"),
        PageRecord.create(key="e.md", url="e/", title="E", meta={"pictify": {"title": "Card E"}}),
        PageRecord.create(key="f.md", url="f/", title="F", meta={"pictify": {"titel": "x"}}),
    ]
    report = run(settings_for(server, exclude=["drafts/**"], gallery=True), page_list, site)
    assert report.outcomes == {
        "a.md": "rendered",
        "b.md": "skipped",
        "c.md": "explicit",
        "drafts/d.md": "excluded",
        "e.md": "rendered",
        "f.md": "failed",
    }
    assert report.cards["c.md"].url == "https://example.org/docs/img/c.png"
    assert "did you mean 'title'" in dict(report.failed)["f.md"]
    tags = {t.key: t.content for t in report.cards["e.md"].tags}
    assert tags["og:title"] == "Card E"
    gallery = (site.output_dir / "assets" / "social" / "index.html").read_text()
    assert '<a href="../../e/">E</a>' in gallery  # page titles, linked relative to the gallery
    assert gallery.count("<li>") == 6


def test_pipeline_serves_many_builds_and_threads(
    server: LocalServer, settings_for: SettingsFactory, pages: PagesFactory, site: SiteInfo
) -> None:
    import threading

    results: list[BuildReport] = []
    with Pipeline(settings_for(server)) as pipeline:
        results.append(pipeline.build(pages(2), site))
        worker = threading.Thread(target=lambda: results.append(pipeline.build(pages(2), site)))
        worker.start()
        worker.join()

        async def inside_a_loop() -> BuildReport:
            return pipeline.build(pages(3), site)  # a caller with its own running loop

        results.append(asyncio.run(inside_a_loop()))
    assert [r.counts["rendered"] for r in results] == [2, 0, 1]
    with pytest.raises(RuntimeError, match="closed"):
        pipeline.build(pages(1), site)


def test_disabled_does_nothing(settings_for: SettingsFactory, site: SiteInfo) -> None:
    class _NoServer:
        base_url = "http://127.0.0.1:9"
        api_key = "unused"

    settings: Any = settings_for(_NoServer(), enabled=False)
    report = run(settings, [PageRecord.create(key="a.md", url="a/")], site)
    assert report.cards == {}
    assert report.outcomes == {"a.md": "skipped"}
    assert not (site.config_dir / ".cache").exists()


def test_without_site_url_urls_are_relative_and_one_warning(
    server: LocalServer,
    settings_for: SettingsFactory,
    pages: PagesFactory,
    site: SiteInfo,
    caplog: pytest.LogCaptureFixture,
) -> None:
    no_url = SiteInfo(**{**site.__dict__, "url": None})
    with caplog.at_level(logging.INFO, logger="pictify_ssg"):
        report = run(settings_for(server), pages(3), no_url)
    assert report.cards["p1.md"].url.startswith("../assets/social/")
    assert caplog.text.count("site_url is not set") == 1
    assert "og:url" not in {t.key for t in report.cards["p1.md"].tags}
    # and the summary line is always logged
    assert report.summary_line.split(", 0 failed")[0] in caplog.text


def test_site_url_option_wins_over_the_site(
    server: LocalServer, settings_for: SettingsFactory, pages: PagesFactory, site: SiteInfo
) -> None:
    report = run(settings_for(server, site_url="https://cards.example/"), pages(1), site)
    assert report.cards["p0.md"].url.startswith("https://cards.example/assets/social/")


def test_per_page_template_file_and_variables(
    server: LocalServer, settings_for: SettingsFactory, site: SiteInfo, tmp_path: Path
) -> None:
    (tmp_path / "blog.html").write_text("<h1>{{title}}</h1><p>{{badge}}</p>", encoding="utf-8")
    page_list = [
        PageRecord.create(key="a.md", url="a/", title="Same"),
        PageRecord.create(
            key="b.md",
            url="b/",
            title="Same",
            meta={"pictify": {"template": "blog.html", "variables": {"badge": "{{ page.key }}"}}},
        ),
    ]
    report = run(settings_for(server), page_list, site)
    assert report.api_calls["templates.create"] == 2
    assert report.cards["a.md"].url != report.cards["b.md"].url
    assert server.stats.total_renders == 2


def test_a_deleted_remote_copy_of_the_template_file_is_uploaded_again(
    server: LocalServer, settings_for: SettingsFactory, site: SiteInfo
) -> None:
    from pictify_ssg.client import AsyncPictify

    settings = settings_for(server)
    first = run(settings, [PageRecord.create(key="a.md", url="a/", title="A")], site)
    assert first.api_calls["templates.create"] == 1

    from pictify_ssg.core.store import Store

    with Store(site.config_dir / ".cache" / "pictify") as store:
        (key,) = store.keys("template-file:")
        record = store.get_json(key)
    assert isinstance(record, dict)

    async def delete(uid: str) -> None:
        async with AsyncPictify(api_key=server.api_key, base_url=server.base_url) as client:
            await client.templates.delete(uid)

    asyncio.run(delete(str(record["uid"])))  # someone deleted it in the dashboard
    report = run(settings, [PageRecord.create(key="a.md", url="a/", title="A2")], site)
    assert report.failed == []
    assert report.counts["rendered"] == 1
    assert report.api_calls["templates.create"] == 1
