"""Real ``mkdocs build`` of example_site/mkdocs: every page gets its card and its tags once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pictify_ssg.core import BuildReport

from .helpers import (
    CARD_TAGS,
    MkDocsBuild,
    build_mkdocs,
    copy_example_site,
    gallery_images,
    image_size,
    local_file,
    meta_values,
    render_calls,
    soup,
)

pytestmark = pytest.mark.slow

SITE_URL = "https://example.org/docs/"
OPTED_OUT = "reference/changelog.md"
OWN_IMAGE = "guides/advanced/own-image.md"
OWN_IMAGE_URL = "https://example.org/docs/assets/own-social-image.png"


def page_html(site_dir: Path, src: str) -> Path:
    """Where MkDocs writes the page built from ``src`` (directory URLs)."""
    stem = src.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return site_dir / stem.removesuffix("index") / "index.html"
    return site_dir / stem / "index.html"


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, MkDocsBuild]]:
    """One cold strict build of a copy of the example site (its own empty cache)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("PICTIFY_API_KEY", raising=False)
        root = copy_example_site(tmp_path_factory.mktemp("mkdocs-example") / "example_site")
        config_file = root / "mkdocs" / "mkdocs.yml"
        yield config_file, build_mkdocs(config_file, strict=True)


@pytest.fixture(scope="module")
def sources(example: tuple[Path, MkDocsBuild]) -> list[str]:
    docs = example[0].parent / "docs"
    return sorted(path.relative_to(docs).as_posix() for path in docs.rglob("*.md"))


def report_of(build: MkDocsBuild) -> BuildReport:
    assert build.report is not None
    return build.report


def test_example_has_about_ten_pages(sources: list[str]) -> None:
    assert len(sources) >= 10


def test_every_page_but_the_opted_out_one_has_a_card(
    example: tuple[Path, MkDocsBuild], sources: list[str]
) -> None:
    report = report_of(example[1])
    assert set(report.cards) == set(sources) - {OPTED_OUT}


@pytest.mark.parametrize(("attr", "key"), CARD_TAGS)
def test_card_tags_appear_exactly_once_and_absolute(
    example: tuple[Path, MkDocsBuild], attr: str, key: str
) -> None:
    build = example[1]
    for src, card in report_of(build).cards.items():
        values = meta_values(soup(page_html(build.site_dir, src)), attr, key)
        # An image the page names itself has no known size: no width/height tags then.
        expected = 0 if key.endswith(("width", "height")) and not card.width else 1
        assert len(values) == expected, f"{src}: {key} appears {len(values)} times"
        if key in {"og:image", "twitter:image"}:
            assert values[0].startswith("https://"), f"{src}: {key} is not absolute"


def test_generated_cards_are_1200x630_files_in_the_site(example: tuple[Path, MkDocsBuild]) -> None:
    build = example[1]
    generated = [c for c in report_of(build).cards.values() if c.origin != "explicit"]
    assert len(generated) >= 10
    for card in generated:
        assert (card.width, card.height) == (1200, 630)
        assert image_size(local_file(build.site_dir, SITE_URL, card.url)) == (1200, 630)


def test_og_image_of_each_page_is_its_card(
    example: tuple[Path, MkDocsBuild], sources: list[str]
) -> None:
    build = example[1]
    for src, card in report_of(build).cards.items():
        page = soup(page_html(build.site_dir, src))
        assert meta_values(page, "property", "og:image") == [card.url]
        assert meta_values(page, "name", "twitter:image") == [card.url]
        assert meta_values(page, "name", "twitter:card") == ["summary_large_image"]


def test_cards_differ_per_page(example: tuple[Path, MkDocsBuild]) -> None:
    urls = [card.url for card in report_of(example[1]).cards.values()]
    assert len(set(urls)) == len(urls)


def test_opted_out_page_has_no_card_and_no_image_tags(example: tuple[Path, MkDocsBuild]) -> None:
    build = example[1]
    page = soup(page_html(build.site_dir, OPTED_OUT))
    assert meta_values(page, "property", "og:image") == []
    assert meta_values(page, "name", "twitter:image") == []


def test_page_with_its_own_image_keeps_it(example: tuple[Path, MkDocsBuild]) -> None:
    build = example[1]
    card = report_of(build).cards[OWN_IMAGE]
    assert card.origin == "explicit"
    page = soup(page_html(build.site_dir, OWN_IMAGE))
    assert meta_values(page, "property", "og:image") == [OWN_IMAGE_URL]


def test_card_files_are_not_written_into_docs(example: tuple[Path, MkDocsBuild]) -> None:
    docs = example[0].parent / "docs"
    assert not [p for p in docs.rglob("*") if p.suffix in {".png", ".jpeg", ".webp"}]


def test_gallery_lists_every_card(example: tuple[Path, MkDocsBuild]) -> None:
    build = example[1]
    gallery = build.site_dir / "assets" / "social" / "index.html"
    html = gallery.read_text(encoding="utf-8")
    for card in report_of(build).cards.values():
        if card.origin != "explicit":
            assert card.url.rsplit("/", 1)[-1] in html


def test_second_build_makes_no_render_call(example: tuple[Path, MkDocsBuild]) -> None:
    config_file, first = example
    second = build_mkdocs(config_file, strict=True)
    report = report_of(second)
    assert render_calls(report) == 0
    assert {key: card.url for key, card in report.cards.items()} == {
        key: card.url for key, card in report_of(first).cards.items()
    }
    assert all(card.origin in {"cached", "explicit"} for card in report.cards.values())


def test_gallery_shows_every_card_in_a_browser(example: tuple[Path, MkDocsBuild]) -> None:
    build = example[1]
    gallery = build.site_dir / "assets" / "social" / "index.html"
    images = gallery_images(gallery)
    local = [(src, w, h) for src, w, h in images if not src.startswith("http")]
    generated = [c for c in report_of(build).cards.values() if c.origin != "explicit"]
    assert len(local) == len(generated)
    assert all((w, h) == (1200, 630) for _, w, h in local), local
