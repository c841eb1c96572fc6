"""Real Pelican build of example_site/pelican: articles, pages and translations get their cards."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pictify_ssg.core import BuildReport

from .helpers import (
    PelicanBuild,
    build_pelican,
    copy_example_site,
    gallery_images,
    image_size,
    local_file,
    meta_values,
    render_calls,
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


def test_every_article_page_and_translation_is_collected(
    example: tuple[Path, PelicanBuild],
) -> None:
    build = example[1]
    contents = by_key(build)
    assert len(contents) >= 10
    assert TRANSLATION in contents
    assert "pages/about.md" in contents
    assert set(report_of(build).cards) == set(contents) - {OPTED_OUT}


def test_each_written_page_has_the_tags_once_and_absolute(
    example: tuple[Path, PelicanBuild],
) -> None:
    build = example[1]
    for key, card in report_of(build).cards.items():
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
    for key, card in report_of(build).cards.items():
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


def test_index_pages_are_left_alone(example: tuple[Path, PelicanBuild]) -> None:
    page = soup(example[1].output / "index.html")
    assert meta_values(page, "property", "og:image") == []


def test_gallery_is_written(example: tuple[Path, PelicanBuild]) -> None:
    assert (example[1].output / "assets" / "social" / "index.html").is_file()


def test_second_build_makes_no_render_call(example: tuple[Path, PelicanBuild]) -> None:
    config_file, first = example
    second = build_pelican(config_file)
    report = report_of(second)
    assert render_calls(report) == 0
    assert report.rendered == 0
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
