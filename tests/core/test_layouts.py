"""Built-in layouts rendered for real by the local server: options show up in the pixels.

Every layout is rendered with a red square logo, a green background picture and chosen
colours; a few pixels per card say whether each option was applied where the layout puts it.
Titles that are long, CJK, emoji or right-to-left stay inside the card.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PIL import Image

from pictify_ssg.core import BuildReport, PageRecord, Settings, SettingsError, SiteInfo, build
from pictify_ssg.core.layouts import LAYOUTS, apply_options, contrasting_text, layout_path

from .conftest import SettingsFactory

if TYPE_CHECKING:
    from pictify_ssg.local import LocalServer

RED, GREEN = (255, 0, 0), (0, 160, 0)
OPTIONS = {
    "logo": "logo.png",
    "background": "#102030",
    "accent": "#ffcc00",
    "text": "#f0f0f0",
    "background_image": "img/bg.png",
}
TITLES = {
    "long": "SupercalifragilisticexpialidociousIdentifierWithoutSpaces" * 3,
    "cjk": "日本語のタイトル\uff1a設定ガイド 🚀",
    "rtl": "مرحبا بالعالم \u2013 Hello world",
}


def _site(root: Path) -> SiteInfo:
    docs = root / "docs"
    (docs / "img").mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (64, 64), RED).save(docs / "logo.png")
    Image.new("RGB", (120, 63), GREEN).save(docs / "img" / "bg.png")
    return SiteInfo(
        name="Layout test",
        url="https://example.org/",
        config_dir=root,
        output_dir=root / "site",
        source_dirs=(root, docs),
    )


def _page(key: str, layout: str, title: str = "A title") -> PageRecord:
    return PageRecord.create(
        key=key, url=f"{key}/", title=title, section="Guide", meta={"pictify": {"layout": layout}}
    )


def _image(site: SiteInfo, report: BuildReport, key: str) -> Image.Image:
    name = report.cards[key].url.rsplit("/", 1)[1]
    with Image.open(site.output_dir / "assets" / "social" / name) as image:
        converted: Image.Image = image.convert("RGB")
    return converted


def _near(pixel: object, colour: tuple[int, int, int], tolerance: int = 24) -> bool:
    assert isinstance(pixel, tuple)
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


def _hex(colour: str) -> tuple[int, int, int]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


def _has(image: Image.Image, box: tuple[int, int, int, int], colour: tuple[int, int, int]) -> bool:
    region = image.crop(box)
    return any(_near(pixel, colour) for pixel in region.get_flattened_data())


@pytest.fixture(scope="module")
def rendered(
    server: LocalServer, tmp_path_factory: pytest.TempPathFactory
) -> tuple[SiteInfo, BuildReport]:
    root = tmp_path_factory.mktemp("layouts")
    site = _site(root)
    settings = Settings.from_mapping(
        {
            "backend": "hosted",
            "base_url": server.base_url,
            "api_key": server.api_key,
            "layout_options": OPTIONS,
            "gallery": True,
        }
    )
    pages = [_page(name, name) for name in LAYOUTS]
    pages += [
        _page(f"{name}-{kind}", name, title) for name in LAYOUTS for kind, title in TITLES.items()
    ]
    report = build(pages, settings, site)
    assert not report.failed, report.failed
    assert not report.warnings, report.warnings
    return site, report


def test_default_layout_shows_logo_background_accent_and_text(
    rendered: tuple[SiteInfo, BuildReport],
) -> None:
    site, report = rendered
    image = _image(site, report, "default")
    assert _near(image.getpixel((1150, 600)), _hex(OPTIONS["background"]))
    assert _near(image.getpixel((8, 300)), _hex(OPTIONS["accent"]))  # the stripe
    assert _has(image, (100, 60, 200, 160), RED)  # logo before the site name
    assert _has(image, (100, 380, 700, 500), _hex(OPTIONS["text"]))  # the title


def test_accent_layout_puts_the_logo_in_the_accent_band(
    rendered: tuple[SiteInfo, BuildReport],
) -> None:
    site, report = rendered
    image = _image(site, report, "accent")
    assert _near(image.getpixel((600, 10)), _hex(OPTIONS["accent"]))
    assert _near(image.getpixel((600, 620)), _hex(OPTIONS["background"]))
    assert _has(image, (900, 20, 1200, 120), RED)
    assert not _has(image, (0, 140, 1200, 630), RED)


def test_image_layout_shows_the_background_picture(
    rendered: tuple[SiteInfo, BuildReport],
) -> None:
    site, report = rendered
    image = _image(site, report, "image")
    assert _near(image.getpixel((300, 20)), GREEN)
    assert _has(image, (1000, 40, 1200, 140), RED)
    # The other layouts do not use the picture.
    assert not _has(_image(site, report, "default"), (0, 0, 1200, 630), GREEN)


def test_minimal_layout_puts_logo_and_accent_rule_at_the_foot(
    rendered: tuple[SiteInfo, BuildReport],
) -> None:
    site, report = rendered
    image = _image(site, report, "minimal")
    assert _near(image.getpixel((10, 10)), _hex(OPTIONS["background"]))
    assert _has(image, (90, 520, 200, 630), RED)
    assert _has(image, (96, 480, 1100, 560), _hex(OPTIONS["accent"]))
    assert not _has(image, (0, 0, 1200, 450), RED)


def _text_rows(image: Image.Image) -> int:
    """Rows of the card holding title text (pixels of exactly the text colour)."""
    text = _hex(OPTIONS["text"])
    rows = 0
    for y in range(image.height):
        row = image.crop((0, y, image.width, y + 1)).get_flattened_data()
        if sum(1 for pixel in row if _near(pixel, text, 6)) >= 3:
            rows += 1
    return rows


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("kind", sorted(TITLES))
def test_hard_titles_stay_inside_the_card(
    rendered: tuple[SiteInfo, BuildReport], layout: str, kind: str
) -> None:
    site, report = rendered
    image = _image(site, report, f"{layout}-{kind}")
    assert image.size == (1200, 630)
    # Nothing is drawn over the right edge: RTL text aligns inside the padding too.
    edge = image.crop((1190, 150, 1200, 480))
    assert len(set(edge.get_flattened_data())) <= 2, (layout, kind)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_long_identifiers_break_onto_several_lines(
    rendered: tuple[SiteInfo, BuildReport], layout: str
) -> None:
    site, report = rendered
    # One line of title text is about 70 rows; a word that does not break stays on one line.
    assert _text_rows(_image(site, report, f"{layout}-long")) > 120, layout


def test_gallery_names_each_cards_layout(rendered: tuple[SiteInfo, BuildReport]) -> None:
    site, _ = rendered
    gallery = (site.output_dir / "assets" / "social" / "index.html").read_text(encoding="utf-8")
    for name in LAYOUTS:
        assert f"layout {name}</div>" in gallery


def test_layout_cards_stay_small_after_palette_optimisation(
    rendered: tuple[SiteInfo, BuildReport],
) -> None:
    site, report = rendered
    folder = site.output_dir / "assets" / "social"
    sizes = {
        key: (folder / c.url.rsplit("/", 1)[1]).stat().st_size for key, c in report.cards.items()
    }
    assert max(sizes.values()) < 60 * 1024, sizes


def test_without_logo_option_no_logo_is_drawn(
    server: LocalServer, settings_for: SettingsFactory, tmp_path: Path
) -> None:
    site = _site(tmp_path)
    settings = settings_for(server, template_file=None)
    report = build([_page("plain", "accent")], settings, site)
    assert not _has(_image(site, report, "plain"), (0, 0, 1200, 630), RED)


def test_theme_defaults_apply_and_settings_win(
    server: LocalServer, settings_for: SettingsFactory, tmp_path: Path
) -> None:
    site = _site(tmp_path)
    themed = SiteInfo(
        **{
            **site.__dict__,
            "layout_options": {"logo": str(tmp_path / "docs" / "logo.png"), "accent": "#00ff00"},
        }
    )
    settings = settings_for(server, template_file=None, layout_options={"accent": "#0000ff"})
    report = build([_page("themed", "accent")], settings, themed)
    image = _image(themed, report, "themed")
    assert _has(image, (900, 20, 1200, 120), RED)  # the theme's logo
    assert _near(image.getpixel((600, 10)), (0, 0, 255))  # the setting's accent
    # "logo: null" drops the theme's logo.
    settings = settings_for(server, template_file=None, layout_options={"logo": None})
    report = build([_page("themed", "accent")], settings, themed)
    assert not _has(_image(themed, report, "themed"), (0, 0, 1200, 630), RED)


def test_options_become_css_properties_and_logo_markup() -> None:
    html = apply_options(
        layout_path("default").read_text(encoding="utf-8"),
        {"background": "#ffec3d", "font": "Roboto", "logo": "a.png"},
    )
    assert '--background: #ffec3d; --text: #111827; --font: "Roboto";' in html
    assert '<img class="logo" src="a.png" alt="">' in html
    assert "<!--pictify:logo-->" not in html


@pytest.mark.parametrize(
    ("colour", "text"), [("#ffffff", "#111827"), ("#4051b5", "#ffffff"), ("teal", None)]
)
def test_text_colour_contrasts_with_the_background(colour: str, text: str | None) -> None:
    assert contrasting_text(colour) == text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"layout": "fancy"}, "unknown layout 'fancy'; use one of default, accent, image, minimal"),
        (
            {"layout_options": {"lgo": "x.png"}},
            "unknown layout option 'lgo' (did you mean 'logo'?)",
        ),
        ({"layout_options": {"colour": "red"}}, "unknown layout option 'colour'"),
        (
            {"layout_options": {"accent": "red; x: y"}},
            "layout option 'accent': 'red; x: y' is not a colour",
        ),
        ({"layout_options": {"font": "a{b}"}}, "is not a font family name"),
        ({"layout_options": {"logo": 'a.png")'}}, "must be a plain file path or URL"),
    ],
)
def test_bad_layout_settings_are_named(raw: dict[str, object], expected: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_mapping(raw)
    assert expected in str(caught.value)


def test_unknown_page_layout_names_page_and_layouts(tmp_path: Path) -> None:
    site = _site(tmp_path)
    page = _page("odd.md", "fancy")
    report = build([page], Settings.from_mapping({"backend": "skip"}), site)
    assert report.failed == [
        (
            "odd.md",
            "'pictify.layout': unknown layout 'fancy'; use one of default, accent, image, minimal",
        )
    ]
