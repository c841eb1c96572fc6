"""Small Pelican sites built for real: inert by default, clear errors, edits, drafts, metadata."""

from __future__ import annotations

from pathlib import Path

import pytest

from pictify_pelican.listings import is_listing, retarget, site_description
from pictify_pelican.plugin import STATE_KEY
from pictify_pelican.settings import PictifySettingsError, is_configured, pelican_names
from pictify_ssg.core import MetaTag

from .helpers import (
    EXAMPLE_SITE,
    PelicanBuild,
    build_pelican,
    make_pelican_site,
    meta_values,
    pelican_class,
    run_pelican_cli,
    soup,
)

pytestmark = pytest.mark.slow

SITE_URL = "https://example.org/small"
ARTICLES = {
    "one.md": "Title: First article\nDate: 2026-02-01\n\nBody one.\n",
    "two.md": "Title: Second article ✨\nDate: 2026-02-02\nTags: a, b\n\nBody two.\n",
    "three.md": "Title: 第三の記事\nDate: 2026-02-03\n\nBody three.\n",
}


@pytest.fixture(autouse=True)
def _no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PICTIFY_API_KEY", raising=False)


def make_site(root: Path, settings: str, articles: dict[str, str] | None = None) -> Path:
    """Write a small Pelican site with ``settings`` appended to a minimal pelicanconf.py."""
    return make_pelican_site(root, settings, articles or ARTICLES, site_url=SITE_URL)


def card_settings(cache: Path) -> str:
    return (
        'PLUGINS = ["pictify"]\n'
        f'PICTIFY_TEMPLATE_FILE = "{EXAMPLE_SITE / "card.html"}"\n'
        f'PICTIFY_CACHE_DIR = "{cache}"\n'
    )


def report(build: PelicanBuild) -> dict[str, str]:
    assert build.report is not None
    return dict(build.report.outcomes)


def test_inert_without_pictify_settings(tmp_path: Path) -> None:
    # PLUGINS unset: Pelican loads every installed namespace plugin, ours included.
    build = build_pelican(make_site(tmp_path, ""))
    assert "pelican.plugins.pictify" in build.settings["PLUGINS"]
    assert STATE_KEY not in build.settings
    assert build.report is None
    assert not (build.output / "assets" / "social").exists()
    for page in build.output.glob("*.html"):
        assert "og:image" not in page.read_text("utf-8"), page.name


@pytest.mark.parametrize(
    ("settings", "configured"),
    [
        ({}, False),
        ({"SITENAME": "x"}, False),
        ({"PICTIFY_ENABLED": True}, True),
        ({"PICTIFY_TEMPLATE_FILE": "card.html"}, True),
        ({"PICTIFY_TEMPLATE_FILE": "card.html", "PICTIFY_ENABLED": False}, False),
    ],
)
def test_is_configured(settings: dict[str, object], configured: bool) -> None:
    assert is_configured(settings) is configured


def test_disabled_setting_keeps_it_inert(tmp_path: Path) -> None:
    build = build_pelican(make_site(tmp_path, "PICTIFY_ENABLED = False\n"))
    assert build.report is None


def test_dotted_plugin_path_works_too(tmp_path: Path) -> None:
    settings = card_settings(tmp_path / "cache").replace('"pictify"', '"pictify_pelican"')
    build = build_pelican(make_site(tmp_path, settings))
    assert set(report(build).values()) == {"rendered"}


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (
            'PICTIFY_TEMPLAT = "x"\n',
            "unknown option 'PICTIFY_TEMPLAT' (did you mean 'PICTIFY_TEMPLATE'?)",
        ),
        ('PICTIFY_WIDTH = "wide"\n', "option 'PICTIFY_WIDTH'"),
        ('PICTIFY_TEMPLATE = "a"\nPICTIFY_TEMPLATE_FILE = "b.html"\n', "not both"),
        ("PICTIFY_INCLUDE_DRAFTS = 1\n", "PICTIFY_INCLUDE_DRAFTS must be True or False"),
        ('PICTIFY_LISTING_CARDS = "no"\n', "PICTIFY_LISTING_CARDS must be True or False"),
    ],
)
def test_settings_errors_fail_fast_naming_the_setting(
    tmp_path: Path, settings: str, expected: str
) -> None:
    from pelican.settings import read_settings

    config = make_site(tmp_path, settings)
    with pytest.raises(PictifySettingsError) as caught:
        pelican_class()(read_settings(str(config)))
    assert expected in str(caught.value)


def test_pelican_names_rewrites_option_names() -> None:
    problem = "unknown option 'templat' (did you mean 'template'?); known options: width, height"
    assert pelican_names(problem) == (
        "unknown option 'PICTIFY_TEMPLAT' (did you mean 'PICTIFY_TEMPLATE'?); "
        "known options: PICTIFY_WIDTH, PICTIFY_HEIGHT"
    )


def test_cli_reports_a_settings_error_without_traceback(tmp_path: Path) -> None:
    config = make_site(tmp_path, 'PICTIFY_API_KEY = "sk-do-not-print"\nPICTIFY_FORMAT = "gif"\n')
    result = run_pelican_cli(config)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "PictifySettingsError" in output
    assert "PICTIFY_FORMAT" in output
    assert "Traceback" not in output
    assert "sk-do-not-print" not in output


def test_editing_one_title_re_renders_exactly_one_card(tmp_path: Path) -> None:
    config = make_site(tmp_path, card_settings(tmp_path / "cache"))
    first = build_pelican(config)
    assert first.report is not None
    # The articles, the site card, category "misc" and tags "a" and "b".
    assert first.report.rendered == len(ARTICLES) + 4 == first.report.pages
    article = tmp_path / "content" / "two.md"
    article.write_text(article.read_text("utf-8").replace("Second", "2nd"), "utf-8")
    second = build_pelican(config)
    assert second.report is not None
    assert second.report.rendered == 1
    assert second.report.counts["cached"] == second.report.pages - 1
    assert second.report.outcomes["two.md"] == "rendered"


def test_drafts_only_on_request(tmp_path: Path) -> None:
    articles = {**ARTICLES, "draft.md": "Title: A draft\nDate: 2026-02-04\nStatus: draft\n\nx\n"}
    config = make_site(tmp_path, card_settings(tmp_path / "cache"), articles)
    without = build_pelican(config)
    assert "draft.md" not in report(without)
    with_drafts = build_pelican(config, PICTIFY_INCLUDE_DRAFTS=True)
    assert report(with_drafts)["draft.md"] == "rendered"


def test_write_tags_off_leaves_the_html_to_the_theme(tmp_path: Path) -> None:
    # A theme writing its own tags: listing templates read the card URLs the plugin hands out.
    overrides = tmp_path / "theme-overrides"
    overrides.mkdir()
    (overrides / "tag.html").write_text("<p id=card>{{ tag.og_image }}</p>", "utf-8")
    (overrides / "archives.html").write_text("<p id=card>{{ pictify_site_og_image }}</p>", "utf-8")
    settings = card_settings(tmp_path / "cache") + (
        f'PICTIFY_WRITE_TAGS = False\nTHEME_TEMPLATES_OVERRIDES = ["{overrides}"]\n'
    )
    build = build_pelican(make_site(tmp_path, settings))
    assert build.report is not None
    cards = build.report.cards
    assert len([k for k in cards if not is_listing(k)]) == len(ARTICLES)
    assert not any("og:image" in p.read_text("utf-8") for p in build.output.rglob("*.html"))
    for content in build.contents:
        assert content.og_image == cards[content.relative_source_path].url
    assert (build.output / "tag" / "a.html").read_text("utf-8") == (
        f"<p id=card>{cards['listing:tag:a'].url}</p>"
    )
    assert (build.output / "archives.html").read_text("utf-8") == (
        f"<p id=card>{cards['listing:site'].url}</p>"
    )


def test_metadata_overrides_and_original_image(tmp_path: Path) -> None:
    articles = {
        "one.md": "Title: First\nDate: 2026-02-01\nPictify: false\n\nx\n",
        "two.md": "Title: Second\nDate: 2026-02-02\nPictify_Title: Card title\n"
        "Pictify_Description: Card text\n\nx\n",
        "three.md": "Title: Third\nDate: 2026-02-03\nOg_Image: /images/mine.png\n\nx\n",
        "four.md": "Title: Fourth\nDate: 2026-02-04\nPictify: maybe\n\nx\n",
    }
    config = make_site(tmp_path, card_settings(tmp_path / "cache"), articles)
    build = build_pelican(config)
    assert build.report is not None
    cards = build.report.cards
    assert "one.md" not in cards
    assert "Card title" in cards["two.md"].alt
    assert cards["three.md"].origin == "explicit"
    assert cards["three.md"].url == f"{SITE_URL}/images/mine.png"
    three = next(c for c in build.contents if c.relative_source_path == "three.md")
    assert three.og_image == f"{SITE_URL}/images/mine.png"
    assert three.og_image_original == "/images/mine.png"
    # A value the plugin cannot read is a warning, not a crash: the article gets what a
    # failed card gets, here no card (no previous one, no fallback image; see
    # test_pelican_mistakes.py for those).
    assert "four.md" not in cards
    assert build.report.outcomes["four.md"] == "failed"
    assert build.report.failed == [
        ("four.md", "metadata 'Pictify' must be true or false, not 'maybe'")
    ]


def test_listing_cards_off_makes_none(tmp_path: Path) -> None:
    settings = card_settings(tmp_path / "cache") + "PICTIFY_LISTING_CARDS = False\n"
    build = build_pelican(make_site(tmp_path, settings))
    assert set(report(build)) == set(ARTICLES)
    for name in ("index.html", "archives.html", "category/misc.html", "tag/a.html"):
        page = soup(build.output / name)
        assert meta_values(page, "property", "og:image") == [], name
    for content in build.contents:
        page = soup(build.output / content.save_as)
        assert len(meta_values(page, "property", "og:image")) == 1


def test_listing_cards_follow_exclude_and_pretty_urls(tmp_path: Path) -> None:
    settings = card_settings(tmp_path / "cache") + (
        'PICTIFY_EXCLUDE = ["tag/**"]\nAUTHOR = "Ana Ölund"\nDEFAULT_PAGINATION = 1\n'
        'CATEGORY_URL = "category/{slug}/"\nCATEGORY_SAVE_AS = "category/{slug}/index.html"\n'
        'ARCHIVES_SAVE_AS = ""\n'
    )
    build = build_pelican(make_site(tmp_path, settings))
    outcomes = report(build)
    assert outcomes["listing:tag:a"] == "excluded"
    assert outcomes["listing:author:ana-olund"] == "rendered"
    assert build.report is not None
    cards = build.report.cards
    assert not (build.output / "archives.html").exists()
    # One article per page: three pages of the category share its card, each names itself.
    category = cards["listing:category:misc"]
    for name, url in [
        ("category/misc/index.html", "category/misc/"),
        ("category/misc/index2.html", "category/misc/index2.html"),
        ("category/misc/index3.html", "category/misc/index3.html"),
    ]:
        page = soup(build.output / name)
        assert meta_values(page, "property", "og:image") == [category.url], name
        assert meta_values(page, "property", "og:url") == [f"{SITE_URL}/{url}"], name
    tag_page = soup(build.output / "tag" / "a.html")
    assert meta_values(tag_page, "property", "og:image") == []


def test_cli_summary_line_on_a_cold_build(tmp_path: Path) -> None:
    config = make_site(tmp_path, card_settings(tmp_path / "cache"))
    result = run_pelican_cli(config)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("pictify: ")]
    assert len(lines) == 1, result.stdout
    assert lines[0].startswith("pictify: 7 pages, 0 cached, 7 rendered"), lines[0]
    assert "pictify:" not in result.stderr


def test_site_description_falls_back_to_the_themes_setting() -> None:
    assert site_description({"SITESUBTITLE": "Sub", "SITEDESCRIPTION": "Desc"}) == "Sub"
    assert site_description({"SITESUBTITLE": " ", "SITEDESCRIPTION": "Desc"}) == "Desc"
    assert site_description({}) is None


def test_retarget_points_og_url_at_the_page_sharing_the_card() -> None:
    tags = (
        MetaTag("property", "og:image", "https://x.org/a.png"),
        MetaTag("property", "og:url", "https://x.org/blog/tag/a.html"),
    )
    assert retarget(tags, "tag/a.html", "tag/a.html") == tags
    assert (
        retarget(tags, "tag/a.html", "tag/a2.html")[1].content == "https://x.org/blog/tag/a2.html"
    )
    home = (MetaTag("property", "og:url", "https://x.org/blog/"),)
    assert retarget(home, "", "archives.html")[0].content == "https://x.org/blog/archives.html"
    # A base that cannot be recovered: better no og:url than one naming another page.
    assert retarget(home, "other.html", "archives.html") == ()


def test_cards_failing_while_pages_are_written_leave_no_page_pointing_at_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Cards render while Pelican writes, with the tags of cards not made yet; a service that
    # then refuses every render: each written page (articles and listings) gets its tags again,
    # with the fallback image.
    from PIL import Image

    from pictify_ssg.local import LocalServer, ServerOptions

    fallback = tmp_path / "fallback.png"
    Image.new("RGB", (1200, 630), (20, 40, 60)).save(fallback)
    server = LocalServer(data_dir=tmp_path / "server", options=ServerOptions(error_rate=1.0))
    server.start()
    try:
        monkeypatch.setenv("PICTIFY_API_KEY", server.api_key)
        config = make_site(
            tmp_path,
            card_settings(tmp_path / "cache")
            + f'PICTIFY_BACKEND = "hosted"\nPICTIFY_BASE_URL = "{server.base_url}"\n'
            f'PICTIFY_FALLBACK_IMAGE = "{fallback}"\n',
        )
        build = build_pelican(config)
    finally:
        server.stop()
    assert build.report is not None
    assert set(report(build).values()) == {"fallback"}
    pages = sorted(build.output.rglob("*.html"))
    images = {url for page in pages for url in meta_values(soup(page), "property", "og:image")}
    [url] = images  # every page: the one fallback image
    assert url.startswith(SITE_URL + "/")
    assert (build.output / url.removeprefix(SITE_URL + "/")).is_file()
