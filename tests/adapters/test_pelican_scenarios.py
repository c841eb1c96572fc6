"""Small Pelican sites built for real: inert by default, clear errors, edits, drafts, metadata."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pictify_pelican.plugin import STATE_KEY
from pictify_pelican.settings import PictifySettingsError, is_configured, pelican_names

from .helpers import EXAMPLE_SITE, PelicanBuild, build_pelican, meta_values, pelican_class, soup

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
    content = root / "content"
    content.mkdir(parents=True, exist_ok=True)
    for name, text in (articles or ARTICLES).items():
        (content / name).write_text(text, encoding="utf-8")
    config = root / "pelicanconf.py"
    config.write_text(
        f'SITENAME = "Small blog"\nSITEURL = "{SITE_URL}"\nPATH = "content"\n'
        'OUTPUT_PATH = "output"\nTIMEZONE = "UTC"\nDEFAULT_LANG = "en"\n'
        "FEED_ALL_ATOM = None\nCATEGORY_FEED_ATOM = None\nAUTHOR_FEED_ATOM = None\n"
        "AUTHOR_FEED_RSS = None\nTRANSLATION_FEED_ATOM = None\n" + settings,
        encoding="utf-8",
    )
    return config


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
    pelican = Path(sys.executable).with_name("pelican")
    result = subprocess.run(
        [str(pelican), "content", "-s", str(config)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
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
    assert first.report.rendered == len(ARTICLES)
    article = tmp_path / "content" / "two.md"
    article.write_text(article.read_text("utf-8").replace("Second", "2nd"), "utf-8")
    second = build_pelican(config)
    assert second.report is not None
    assert second.report.rendered == 1
    assert second.report.counts["cached"] == len(ARTICLES) - 1
    assert second.report.outcomes["two.md"] == "rendered"


def test_drafts_only_on_request(tmp_path: Path) -> None:
    articles = {**ARTICLES, "draft.md": "Title: A draft\nDate: 2026-02-04\nStatus: draft\n\nx\n"}
    config = make_site(tmp_path, card_settings(tmp_path / "cache"), articles)
    without = build_pelican(config)
    assert "draft.md" not in report(without)
    with_drafts = build_pelican(config, PICTIFY_INCLUDE_DRAFTS=True)
    assert report(with_drafts)["draft.md"] == "rendered"


def test_write_tags_off_leaves_the_html_to_the_theme(tmp_path: Path) -> None:
    config = make_site(tmp_path, card_settings(tmp_path / "cache") + "PICTIFY_WRITE_TAGS = False\n")
    build = build_pelican(config)
    assert build.report is not None
    assert len(build.report.cards) == len(ARTICLES)
    for content in build.contents:
        assert content.og_image == build.report.cards[content.relative_source_path].url
        page = soup(build.output / content.save_as)
        assert meta_values(page, "property", "og:image") == []


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
    # A value the plugin cannot read is a warning, not a crash: the article keeps a card.
    assert "four.md" in cards
