"""Local files of a template inlined as data URIs: found, confined, fingerprinted, warned about.

Builds run against a real local server; the server's stored template shows the HTML the
renderer was sent.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PIL import Image

from pictify_ssg.core import PageRecord, SiteInfo, build
from pictify_ssg.core.card_templates import TemplateVersion
from pictify_ssg.core.site_files import SiteFolders
from pictify_ssg.core.template_assets import (
    MAX_ASSET_BYTES,
    AssetContext,
    inline_html,
    with_assets,
)
from pictify_ssg.core.template_help import unknown_variables

from .conftest import SettingsFactory

if TYPE_CHECKING:
    from pictify_ssg.local import LocalServer

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16


def _context(root: Path, **kwargs: object) -> AssetContext:
    folders = SiteFolders.of(root, [root, root / "docs"])
    return AssetContext(folders, "template card.html", **kwargs)  # type: ignore[arg-type]


def _uri(data: bytes, kind: str = "image/png") -> str:
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "cards" / "fonts").mkdir(parents=True)
    (tmp_path / "docs" / "img").mkdir(parents=True)
    (tmp_path / "cards" / "logo.png").write_bytes(PNG)
    (tmp_path / "cards" / "fonts" / "Inter.woff2").write_bytes(b"wOF2font")
    (tmp_path / "docs" / "img" / "bg.jpg").write_bytes(b"\xff\xd8jpeg")
    return tmp_path


JPEG = _uri(b"\xff\xd8jpeg", "image/jpeg")
WOFF2 = _uri(b"wOF2font", "font/woff2")


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<img src="logo.png">', f'<img src="{_uri(PNG)}">'),
        ("<img alt='' src='logo.png?v=2'>", f"<img alt='' src='{_uri(PNG)}'>"),
        ('<div style="background:url(img/bg.jpg)">', f'<div style="background:url({JPEG})">'),
        ("<p style=\"background:url('img/bg.jpg')\">", f'<p style="background:url({JPEG})">'),
        (
            "<p style='background:url(&quot;img/bg.jpg&quot;)'>",
            f"<p style='background:url({JPEG})'>",
        ),
        (
            "<style>@font-face{src:url('fonts/Inter.woff2') format('woff2')}</style>",
            f"<style>@font-face{{src:url({WOFF2}) format('woff2')}}</style>",
        ),
    ],
)
def test_local_references_become_data_uris(root: Path, html: str, expected: str) -> None:
    context = _context(root, template_dir=root / "cards")
    assert inline_html(html, context) == expected
    assert context.warnings == []


@pytest.mark.parametrize(
    "html",
    [
        '<img src="https://example.org/logo.png">',
        '<img src="data:image/png;base64,AAAA">',
        '<img src="{{image}}">',
        "<div style=\"background:url('//cdn.example.org/x.png')\">",
        '<img src="#frag">',
    ],
)
def test_urls_data_and_variables_are_left_alone(root: Path, html: str) -> None:
    context = _context(root, template_dir=root / "cards")
    assert inline_html(html, context) == html
    assert context.warnings == []


@pytest.mark.parametrize(
    ("reference", "reason"),
    [
        ("missing.png", "does not exist"),
        ("../outside.png", "a path leading outside them"),
        ("../nothing-here.png", "a path leading outside them"),
        ("big.png", "larger than"),
        ("notes.txt", "not a picture or a font"),
    ],
)
def test_unusable_references_are_left_and_warned(
    root: Path, tmp_path_factory: pytest.TempPathFactory, reference: str, reason: str
) -> None:
    (root.parent / "outside.png").write_bytes(PNG)
    (root / "big.png").write_bytes(b"\0" * (MAX_ASSET_BYTES + 1))
    (root / "notes.txt").write_text("hello", encoding="utf-8")
    context = _context(root)  # no template folder: a built-in layout, say
    html = f'<img src="{reference}">'
    assert inline_html(html + html, context) == html + html
    assert len(context.warnings) == 1  # once, however often it is used
    assert context.warnings[0].startswith(
        f"pictify: template card.html: cannot inline {reference!r}"
    )
    assert reason in context.warnings[0]


def test_html_too_large_for_the_hosted_api_is_warned(root: Path) -> None:
    for name in ("a.png", "b.png"):
        (root / name).write_bytes(b"\0" * (MAX_ASSET_BYTES - 1))
    version = TemplateVersion(
        key="file:x", identity={"file_sha256": "0"}, variables=None, html='<img src="a.png">'
    )
    warnings: list[str] = []
    assert with_assets(version, _context(root), warnings.append).html != version.html
    assert warnings == []
    version = replace(version, html='<img src="a.png"><img src="b.png">')
    with_assets(version, _context(root), warnings.append)
    assert len(warnings) == 1
    assert "refuses template HTML over 500 KB" in warnings[0]


def test_page_named_templates_only_reach_the_site_folders(root: Path) -> None:
    # A trusted template may use files next to it; a page's template only the site's folders.
    outside = root.parent / f"{root.name}-assets"
    outside.mkdir()
    (outside / "secret.png").write_bytes(PNG)
    (root / "docs" / ".hidden.png").write_bytes(PNG)
    trusted = _context(root, template_dir=outside)
    assert "data:" in inline_html('<img src="secret.png">', trusted)
    untrusted = _context(root, template_dir=outside, page_named=True)
    assert inline_html('<img src="secret.png">', untrusted) == '<img src="secret.png">'
    assert "a path leading outside them" in untrusted.warnings[0]
    assert inline_html('<img src="docs/.hidden.png">', untrusted) == '<img src="docs/.hidden.png">'
    assert "hidden" in untrusted.warnings[1]


def _site(root: Path) -> SiteInfo:
    return SiteInfo(
        name="Docs",
        url="https://example.org/",
        config_dir=root,
        output_dir=root / "site",
        source_dirs=(root, root / "docs"),
    )


PAGE = PageRecord.create(key="a.md", url="a/", title="Hello")


def test_changing_the_logo_file_changes_the_fingerprint_and_rerenders(
    server: LocalServer, settings_for: SettingsFactory, root: Path
) -> None:
    (root / "card.html").write_text(
        '<html><body style="margin:0"><img src="cards/logo.png" style="width:100px">{{title}}'
        "</body></html>",
        encoding="utf-8",
    )
    Image.new("RGB", (8, 8), (255, 0, 0)).save(root / "cards" / "logo.png")
    settings = settings_for(server, cache_dir=str(root / "cache"))
    site = _site(root)
    first = build([PAGE], settings, site)
    assert first.cards["a.md"].origin == "rendered"
    assert _pixel(site, first.cards["a.md"].url) == (255, 0, 0)
    assert build([PAGE], settings, site).cards["a.md"].origin == "cached"
    Image.new("RGB", (8, 8), (0, 0, 255)).save(root / "cards" / "logo.png")
    third = build([PAGE], settings, site)
    assert third.cards["a.md"].origin == "rendered"
    assert third.cards["a.md"].fingerprint != first.cards["a.md"].fingerprint
    assert _pixel(site, third.cards["a.md"].url) == (0, 0, 255)


def _pixel(site: SiteInfo, url: str) -> object:
    """A pixel inside the 100 px logo at the card's top left."""
    with Image.open(site.output_dir / "assets" / "social" / url.rsplit("/", 1)[1]) as image:
        return image.convert("RGB").getpixel((50, 4))


def test_a_missing_asset_is_one_warning_naming_template_and_path(
    server: LocalServer, settings_for: SettingsFactory, root: Path
) -> None:
    template = root / "card.html"
    template.write_text(
        '<html><body><img src="gone.png">{{title}}<img src="gone.png"></body></html>',
        encoding="utf-8",
    )
    pages = [PAGE, PageRecord.create(key="b.md", url="b/", title="Other")]
    report = build(pages, settings_for(server), _site(root))
    assert not report.failed
    problems = [w for w in report.warnings if "gone.png" in w]
    assert len(problems) == 1
    assert str(template) in problems[0]
    assert "does not exist" in problems[0]


def test_misspelt_variable_gets_did_you_mean(
    server: LocalServer, settings_for: SettingsFactory, root: Path
) -> None:
    (root / "card.html").write_text(
        "<html><body>{{titel}} {{#each items}}{{name}}{{/each}} {{badge}}</body></html>",
        encoding="utf-8",
    )
    settings = settings_for(server, variables={"badge": "{{ 'new' }}"})
    report = build([PAGE], settings, _site(root))
    hints = [w for w in report.warnings if "no card variable provides" in w]
    assert len(hints) == 1, report.warnings
    assert "`{{titel}}`" in hints[0]
    assert "did you mean `title`?" in hints[0]
    assert str(root / "card.html") in hints[0]


@pytest.mark.parametrize(
    ("html", "known", "expected"),
    [
        ("{{titel}}", {"title"}, [("titel", "title")]),
        ("{{sitename}}", {"site_name"}, [("sitename", "site_name")]),
        ("{{zzz}}", {"title"}, [("zzz", None)]),
        ("{{#with page}}{{titel}}{{/with}}", {"title"}, []),
        ("{{#if title}}{{title}}{{/if}}", {"title"}, []),
    ],
)
def test_unknown_variables(html: str, known: set[str], expected: list[object]) -> None:
    assert unknown_variables(html, known) == expected


def test_a_web_font_that_fails_to_load_is_reported(
    server: LocalServer,
    settings_for: SettingsFactory,
    root: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    (root / "card.html").write_text(
        "<html><head><style>@font-face{font-family:Broken;"
        "src:url(data:font/woff2;base64,AAAA) format('woff2')}"
        "body{font-family:Broken,sans-serif}</style></head><body>{{title}}</body></html>",
        encoding="utf-8",
    )
    with caplog.at_level(logging.WARNING, logger="pictify_ssg"):
        report = build([PAGE], settings_for(server), _site(root))
    assert not report.failed
    fonts = [r.getMessage() for r in caplog.records if "web font" in r.getMessage()]
    assert len(fonts) == 1, fonts
    assert "Broken" in fonts[0]
    assert "card.html" in fonts[0]
