"""Layouts through real builds: per-page choice, the theme's logo and palette, clean card text."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from pictify_ssg.core import BuildReport

from .helpers import build_mkdocs, build_pelican, local_file, make_pelican_site, meta_values, soup

pytestmark = pytest.mark.slow

SITE_URL = "https://example.org/small/"
RED = (255, 0, 0)
INDIGO, AMBER = (0x40, 0x51, 0xB5), (0xFF, 0xC1, 0x05)


@pytest.fixture(autouse=True)
def _no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PICTIFY_API_KEY", raising=False)
    monkeypatch.delenv("MIKE_DOCS_VERSION", raising=False)


def _pixels(path: Path) -> Image.Image:
    with Image.open(path) as image:
        converted: Image.Image = image.convert("RGB")
    return converted


def _near(pixel: object, colour: tuple[int, int, int], tolerance: int = 24) -> bool:
    assert isinstance(pixel, tuple)
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


def _has(image: Image.Image, box: tuple[int, int, int, int], colour: tuple[int, int, int]) -> bool:
    return any(_near(p, colour) for p in image.crop(box).get_flattened_data())


def _tag(report: BuildReport, page: str, key: str) -> str:
    return next(t.content for t in report.cards[page].tags if t.key == key)


def test_mkdocs_layouts_follow_front_matter_and_the_material_theme(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "img").mkdir(parents=True)
    Image.new("RGB", (64, 64), RED).save(docs / "img" / "logo.png")
    pages = {
        "index.md": "# The `Client` class\n\nHello.\n",
        "accent.md": "---\npictify:\n  layout: accent\n---\n\n# Accent page\n",
        "odd.md": "---\npictify:\n  layout: fancy\n---\n\n# Odd page\n",
    }
    for name, text in pages.items():
        (docs / name).write_text(text, encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        f"site_name: Small site\nsite_url: {SITE_URL}\n"
        "theme:\n  name: material\n  logo: img/logo.png\n  font:\n    text: Roboto\n"
        "  palette:\n    - scheme: default\n      primary: indigo\n      accent: amber\n"
        "    - scheme: slate\n      primary: red\n"
        f"plugins:\n  - pictify:\n      cache_dir: {tmp_path / 'cache'}\n",
        encoding="utf-8",
    )
    result = build_mkdocs(config)
    report = result.report
    assert report is not None
    # Inline code shows as text in og:title and the alt text, not as backticks.
    home = soup(result.site_dir / "index.html")
    assert meta_values(home, "property", "og:title") == ["The Client class"]
    assert report.cards["index.md"].alt.startswith("The Client class")
    default = _pixels(local_file(result.site_dir, SITE_URL, report.cards["index.md"].url))
    assert _near(default.getpixel((1150, 600)), INDIGO)  # the first palette's primary
    assert _near(default.getpixel((8, 300)), AMBER)  # its accent
    assert _has(default, (100, 60, 200, 160), RED)  # theme.logo
    accent = _pixels(local_file(result.site_dir, SITE_URL, report.cards["accent.md"].url))
    assert _near(accent.getpixel((600, 10)), AMBER)
    assert _has(accent, (900, 20, 1200, 120), RED)
    assert report.failed == [
        (
            "odd.md",
            "'pictify.layout': unknown layout 'fancy'; use one of default, accent, image, minimal",
        )
    ]


def test_pelican_layout_metadata_sitelogo_and_summary_without_code(tmp_path: Path) -> None:
    articles = {
        "plain.md": "Title: Plain\nDate: 2026-02-01\n\nA first paragraph.\n\n"
        "    :::python\n    secret_function_call(42)\n\nAfter the code.\n",
        "accent.md": "Title: Accented\nDate: 2026-02-02\nPictify_Layout: accent\n\nBody.\n",
        "odd.md": "Title: Odd\nDate: 2026-02-03\nPictify_Layout: fancy\n\nBody.\n",
    }
    config = make_pelican_site(
        tmp_path,
        'PLUGINS = ["pictify"]\nSITELOGO = "images/logo.png"\nSTATIC_PATHS = ["images"]\n'
        f'PICTIFY_CACHE_DIR = "{tmp_path / "cache"}"\n'
        'PICTIFY_LAYOUT_OPTIONS = {"accent": "#0000ff"}\n',
        articles,
        site_url=SITE_URL.rstrip("/"),
    )
    (tmp_path / "content" / "images").mkdir()
    Image.new("RGB", (64, 64), RED).save(tmp_path / "content" / "images" / "logo.png")
    build = build_pelican(config)
    report = build.report
    assert report is not None
    description = _tag(report, "plain.md", "og:description")
    assert "A first paragraph." in description
    assert "After the code." in description
    assert "secret_function_call" not in description
    accent = _pixels(build.output / report.cards["accent.md"].url[len(SITE_URL) :])
    assert _near(accent.getpixel((600, 10)), (0, 0, 255))
    assert _has(accent, (900, 20, 1200, 120), RED)  # SITELOGO
    plain = _pixels(build.output / report.cards["plain.md"].url[len(SITE_URL) :])
    assert _near(plain.getpixel((8, 300)), (0, 0, 255))  # the default layout's stripe
    assert report.failed == [
        (
            "odd.md",
            "'pictify.layout': unknown layout 'fancy'; use one of default, accent, image, minimal",
        )
    ]
