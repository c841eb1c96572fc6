"""Real Pelican build of example_site/pelican: articles, pages, translations and listings."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pictify_pelican.listings import SITE_KEY, is_listing
from pictify_ssg.core import BuildReport, CardResult

from .helpers import (
    PelicanBuild,
    build_pelican,
    copy_example_site,
    gallery_images,
    image_size,
    local_file,
    meta_values,
    render_calls,
    run_pelican_cli,
    soup,
)

pytestmark = pytest.mark.slow

SITE_URL = "https://example.org/blog/"
OPTED_OUT = "tutorials/advanced/no-card.md"
OWN_IMAGE = "tutorials/advanced/own-image.md"
OWN_IMAGE_URL = "https://example.org/blog/images/own-social-image.png"
TRANSLATION = "international/accents-fr.md"


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, PelicanBuild]]:
    """One cold build of a copy of the example blog (its own empty cache)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("PICTIFY_API_KEY", raising=False)
        root = copy_example_site(tmp_path_factory.mktemp("pelican-example") / "example_site")
        config_file = root / "pelican" / "pelicanconf.py"
        yield config_file, build_pelican(config_file)


def report_of(build: PelicanBuild) -> BuildReport:
    assert build.report is not None
    return build.report


def by_key(build: PelicanBuild) -> dict[str, Any]:
    return {str(c.relative_source_path): c for c in build.contents}


def content_cards(build: PelicanBuild) -> dict[str, CardResult]:
    """Cards of articles and pages (not of listings)."""
    return {k: c for k, c in report_of(build).cards.items() if not is_listing(k)}


def test_every_article_page_and_translation_is_collected(
    example: tuple[Path, PelicanBuild],
) -> None:
    build = example[1]
    contents = by_key(build)
    assert len(contents) >= 10
    assert TRANSLATION in contents
    assert "pages/about.md" in contents
    assert set(content_cards(build)) == set(contents) - {OPTED_OUT}


def test_each_written_page_has_the_tags_once_and_absolute(
    example: tuple[Path, PelicanBuild],
) -> None:
    build = example[1]
    for key, card in content_cards(build).items():
        content = by_key(build)[key]
        page = soup(build.output / content.save_as)
        assert meta_values(page, "property", "og:image") == [card.url], key
        assert meta_values(page, "name", "twitter:image") == [card.url], key
        assert meta_values(page, "name", "twitter:card") == ["summary_large_image"], key
        assert len(meta_values(page, "property", "og:title")) == 1, key
        assert card.url.startswith("https://"), key


def test_cards_are_1200x630_files_in_the_output(example: tuple[Path, PelicanBuild]) -> None:
    build = example[1]
    generated = [c for c in report_of(build).cards.values() if c.origin != "explicit"]
    assert len(generated) >= 9
    for card in generated:
        assert image_size(local_file(build.output, SITE_URL, card.url)) == (1200, 630)


def test_translation_has_its_own_card(example: tuple[Path, PelicanBuild]) -> None:
    cards = report_of(example[1]).cards
    assert cards[TRANSLATION].url != cards["international/accents.md"].url


def test_content_objects_get_og_image(example: tuple[Path, PelicanBuild]) -> None:
    build = example[1]
    for key, card in content_cards(build).items():
        content = by_key(build)[key]
        assert content.og_image == card.url
        assert content.metadata["og_image"] == card.url


def test_own_image_is_kept_and_the_original_value_beside_it(
    example: tuple[Path, PelicanBuild],
) -> None:
    build = example[1]
    card = report_of(build).cards[OWN_IMAGE]
    assert card.origin == "explicit"
    assert card.url == OWN_IMAGE_URL
    content = by_key(build)[OWN_IMAGE]
    page = soup(build.output / content.save_as)
    assert meta_values(page, "property", "og:image") == [OWN_IMAGE_URL]


def test_opted_out_article_has_no_card(example: tuple[Path, PelicanBuild]) -> None:
    build = example[1]
    content = by_key(build)[OPTED_OUT]
    assert not hasattr(content, "og_image")
    page = soup(build.output / content.save_as)
    assert meta_values(page, "property", "og:image") == []


#: Listing pages of the example -> the card they carry (paginated pages share their first's).
LISTING_PAGES = {
    "index.html": SITE_KEY,
    "index2.html": SITE_KEY,
    "index3.html": SITE_KEY,
    "archives.html": SITE_KEY,
    "tags.html": SITE_KEY,
    "category/basics.html": "listing:category:basics",
    "category/international.html": "listing:category:international",
    "tag/pelican.html": "listing:tag:pelican",
    "author/pictify-team.html": "listing:author:pictify-team",
    "author/pictify-team2.html": "listing:author:pictify-team",
}


@pytest.mark.parametrize(("name", "key"), LISTING_PAGES.items())
def test_listing_pages_have_one_absolute_card_of_their_listing(
    example: tuple[Path, PelicanBuild], name: str, key: str
) -> None:
    build = example[1]
    card = report_of(build).cards[key]
    page = soup(build.output / name)
    images = meta_values(page, "property", "og:image")
    assert images == [card.url], name
    assert meta_values(page, "name", "twitter:image") == [card.url], name
    assert meta_values(page, "name", "twitter:card") == ["summary_large_image"], name
    assert card.url.startswith(SITE_URL), name
    assert image_size(local_file(build.output, SITE_URL, card.url)) == (1200, 630)
    # Pages sharing a card still name themselves as og:url (the home page without index.html).
    own_url = SITE_URL + ("" if name == "index.html" else name)
    assert meta_values(page, "property", "og:url") == [own_url], name


def test_listing_cards_carry_the_listing_name_and_section(
    example: tuple[Path, PelicanBuild],
) -> None:
    build = example[1]
    cards = report_of(build).cards
    assert meta_values(soup(build.output / "index.html"), "property", "og:title") == [
        "Pictify Example Blog"
    ]
    assert meta_values(soup(build.output / "tag/pelican.html"), "property", "og:title") == [
        "pelican"
    ]
    assert "Pictify Team" in cards["listing:author:pictify-team"].alt
    assert "basics" in cards["listing:category:basics"].alt
    # One card per listing, each a different image; the site card is made once.
    listing = {k: c.url for k, c in cards.items() if is_listing(k)}
    assert len(set(listing.values())) == len(listing)
    assert report_of(build).outcomes[SITE_KEY] == "rendered"


def test_summary_counts_each_card_once(example: tuple[Path, PelicanBuild]) -> None:
    report = report_of(example[1])
    listings = [k for k in report.outcomes if is_listing(k)]
    # Site, 3 categories, 3 tags, 1 author; paginated pages add nothing.
    assert len(listings) == 8
    assert report.pages == len(by_key(example[1])) + len(listings)
    assert report.summary_line.startswith(f"pictify: {report.pages} pages, ")


def test_gallery_is_written(example: tuple[Path, PelicanBuild]) -> None:
    assert (example[1].output / "assets" / "social" / "index.html").is_file()


def test_second_build_makes_no_render_call(example: tuple[Path, PelicanBuild]) -> None:
    config_file, first = example
    second = build_pelican(config_file)
    report = report_of(second)
    assert render_calls(report) == 0
    assert report.rendered == 0
    assert report.outcomes[SITE_KEY] == "cached"
    assert {k: c.url for k, c in report.cards.items()} == {
        k: c.url for k, c in report_of(first).cards.items()
    }


def test_gallery_shows_every_card_in_a_browser(example: tuple[Path, PelicanBuild]) -> None:
    build = example[1]
    images = gallery_images(build.output / "assets" / "social" / "index.html")
    local = [(src, w, h) for src, w, h in images if not src.startswith("http")]
    generated = [c for c in report_of(build).cards.values() if c.origin != "explicit"]
    assert len(local) == len(generated)
    assert all((w, h) == (1200, 630) for _, w, h in local), local


SUMMARY = re.compile(r"pictify: (\d+) pages?, (\d+) cached, (\d+) rendered")


@pytest.fixture(scope="module")
def warm_copy(example: tuple[Path, PelicanBuild], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the built example with its warm cache, for runs of the pelican command."""
    root = example[0].parents[1]
    copy = tmp_path_factory.mktemp("pelican-cli") / "example_site"
    shutil.copytree(root, copy)
    return copy / "pelican" / "pelicanconf.py"


@pytest.mark.parametrize("flags", [(), ("-v",), ("-D",)], ids=["default", "verbose", "debug"])
def test_cli_prints_one_summary_line(warm_copy: Path, flags: tuple[str, ...]) -> None:
    result = run_pelican_cli(warm_copy, *flags)
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    lines = [line for line in output.splitlines() if SUMMARY.search(line)]
    assert len(lines) == 1, lines
    assert lines[0].startswith("pictify: "), lines  # its own line, not a log record
    found = SUMMARY.search(lines[0])
    assert found is not None
    pages, cached, rendered = map(int, found.groups())
    assert (pages, rendered) == (20, 0)  # 12 articles and pages + 8 listings; warm: no render
    assert cached > 0
    # Printed before Pelican's own last line, like a part of the build.
    assert output.index(lines[0]) < output.index("Done: Processed")
