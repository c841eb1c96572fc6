"""Small MkDocs sites built for real: themes, theme tags, edits, strict mode, serve, variants."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from pictify_mkdocs.plugin import PictifyPlugin
from pictify_mkdocs.site import material_social_enabled, site_variant

from .helpers import (
    EXAMPLE_SITE,
    MkDocsBuild,
    build_mkdocs,
    image_size,
    local_file,
    meta_values,
    mkdocs_plugin,
    render_calls,
    soup,
)

pytestmark = pytest.mark.slow

SITE_URL = "https://example.org/small/"
PAGES = {
    "index.md": "# Small site home\n\nHello.\n",
    "guide/one.md": "---\ndescription: The first guide page.\n---\n\n# Guide page one\n",
    "guide/two.md": "# Guide page two: café ☕ 日本語\n",
}


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One render cache for the module: the same cards are rendered once, then reused."""
    return tmp_path_factory.mktemp("mkdocs-cache")


@pytest.fixture(autouse=True)
def _no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PICTIFY_API_KEY", raising=False)
    monkeypatch.delenv("MIKE_DOCS_VERSION", raising=False)


def make_site(
    root: Path,
    cache: Path,
    *,
    theme: str = "mkdocs",
    extra_yaml: str = "",
    plugin_yaml: str = "",
    pages: dict[str, str] | None = None,
) -> Path:
    """Write a small site; the shared card template is used, the cache is ``cache``."""
    for name, text in (pages or PAGES).items():
        path = root / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(
        f"site_name: Small site\nsite_url: {SITE_URL}\ntheme:\n  name: {theme}\n{extra_yaml}"
        "plugins:\n  - pictify:\n"
        f"      template_file: {EXAMPLE_SITE / 'card.html'}\n"
        f"      cache_dir: {cache}\n{plugin_yaml}",
        encoding="utf-8",
    )
    return config


def page_file(site_dir: Path, src: str) -> Path:
    stem = src.removesuffix(".md").removesuffix("index")
    return site_dir / stem / "index.html" if stem else site_dir / "index.html"


def assert_tags_once(result: MkDocsBuild) -> None:
    assert result.report is not None
    assert set(result.report.cards) == set(PAGES)
    for src, card in result.report.cards.items():
        page = soup(page_file(result.site_dir, src))
        for attr, key in (("property", "og:image"), ("name", "twitter:image")):
            assert meta_values(page, attr, key) == [card.url], (src, key)
        assert meta_values(page, "name", "twitter:card") == ["summary_large_image"], src
        assert len(meta_values(page, "property", "og:title")) == 1, src
        assert image_size(local_file(result.site_dir, SITE_URL, card.url)) == (1200, 630)


@pytest.mark.parametrize("theme", ["mkdocs", "readthedocs", "material"])
def test_each_theme_gets_the_tags_once(tmp_path: Path, shared_cache: Path, theme: str) -> None:
    result = build_mkdocs(make_site(tmp_path, shared_cache, theme=theme), strict=True)
    assert_tags_once(result)


@pytest.mark.parametrize("theme", ["mkdocs", "readthedocs", "material"])
def test_pages_get_their_tags_as_they_render_never_copied_again(
    tmp_path: Path, shared_cache: Path, theme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pictify_mkdocs.plugin as plugin
    from pictify_ssg.core import MetaTag, inject_meta_tags

    edits: list[str] = []

    def counting_edit(html: str, tags: tuple[MetaTag, ...]) -> str:
        edits.append(html)
        return inject_meta_tags(html, tags)

    monkeypatch.setattr(plugin, "inject_meta_tags", counting_edit)
    result = build_mkdocs(make_site(tmp_path, shared_cache, theme=theme), strict=True)
    assert_tags_once(result)
    assert edits == []  # every page's tags were written by the theme's own render
    assert result.report is not None
    for src, card in result.report.cards.items():
        html = page_file(result.site_dir, src).read_text("utf-8")
        assert inject_meta_tags(html, card.tags) == html  # exactly what the edit would write


@pytest.mark.parametrize("theme", ["mkdocs", "material"])
def test_theme_image_tags_are_replaced_not_duplicated(
    tmp_path: Path, shared_cache: Path, theme: str
) -> None:
    overrides = tmp_path / "overrides"
    overrides.mkdir()
    (overrides / "main.html").write_text(
        '{% extends "base.html" %}\n{% block extrahead %}\n'
        '<meta property="og:image" content="/theme-default.png">\n'
        '<meta name="twitter:card" content="summary">\n'
        '<meta property="og:title" content="Theme title">\n{% endblock %}\n',
        encoding="utf-8",
    )
    config = make_site(
        tmp_path, shared_cache, theme=f"{theme}\n  custom_dir: {overrides}", extra_yaml=""
    )
    result = build_mkdocs(config, strict=True)
    assert_tags_once(result)
    page = soup(result.site_dir / "index.html")
    # The theme's og:title stays; only the image tags are ours.
    assert meta_values(page, "property", "og:title") == ["Theme title"]
    assert "/theme-default.png" not in (result.site_dir / "index.html").read_text("utf-8")


def test_editing_one_title_re_renders_exactly_one_card(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    config = make_site(tmp_path / "site-src", cache)
    first = build_mkdocs(config)
    assert first.report is not None
    assert first.report.rendered == len(PAGES)
    page = tmp_path / "site-src" / "docs" / "guide" / "one.md"
    page.write_text(page.read_text("utf-8").replace("Guide page one", "Guide page 1"), "utf-8")
    second = build_mkdocs(config)
    assert second.report is not None
    assert second.report.rendered == 1
    assert second.report.counts["cached"] == len(PAGES) - 1
    assert second.report.cards["guide/one.md"].url != first.report.cards["guide/one.md"].url
    assert second.report.cards["index.md"].url == first.report.cards["index.md"].url
    # The old card file is gone from the rebuilt site, the new one is there.
    assert local_file(second.site_dir, SITE_URL, second.report.cards["guide/one.md"].url).exists()


def test_front_matter_opt_out_template_title_and_image(tmp_path: Path, shared_cache: Path) -> None:
    pages = {
        "index.md": "# Home\n",
        "off.md": "---\npictify: false\n---\n\n# Off\n",
        "titled.md": "---\npictify:\n  title: Short card title\n  variables:\n"
        "    section: Custom section\n---\n\n# A much longer heading for the page\n",
        "own.md": "---\nimage: img/own.png\n---\n\n# Own image\n",
    }
    result = build_mkdocs(make_site(tmp_path, shared_cache, pages=pages), strict=True)
    assert result.report is not None
    cards = result.report.cards
    assert "off.md" not in cards
    assert meta_values(soup(result.site_dir / "off" / "index.html"), "property", "og:image") == []
    assert cards["own.md"].origin == "explicit"
    assert cards["own.md"].url == f"{SITE_URL}own/img/own.png"
    titled = soup(result.site_dir / "titled" / "index.html")
    assert meta_values(titled, "property", "og:image:alt") == [cards["titled.md"].alt]
    assert "Short card title" in cards["titled.md"].alt


def test_page_meta_gets_the_card_for_themes(tmp_path: Path, shared_cache: Path) -> None:
    overrides = tmp_path / "overrides"
    overrides.mkdir()
    (overrides / "main.html").write_text(
        '{% extends "base.html" %}\n{% block content %}'
        '<p id="card">{{ page.meta.image }}|{{ page.meta.pictify_card.width }}</p>'
        '<p id="original">{{ page.meta.image_original }}</p>{% endblock %}\n',
        encoding="utf-8",
    )
    pages = {"index.md": "# Home\n", "own.md": "---\nimage: /img/own.png\n---\n\n# Own\n"}
    config = make_site(
        tmp_path, shared_cache, theme=f"mkdocs\n  custom_dir: {overrides}", pages=pages
    )
    result = build_mkdocs(config)
    assert result.report is not None
    home = soup(result.site_dir / "index.html").find(id="card")
    assert home is not None
    assert home.get_text() == f"{result.report.cards['index.md'].url}|1200"
    own = soup(result.site_dir / "own" / "index.html").find(id="original")
    assert own is not None
    assert own.get_text() == "/img/own.png"


def test_strict_mode_fails_on_a_plugin_warning(tmp_path: Path) -> None:
    # A cache inside docs_dir would make `mkdocs serve` rebuild forever: the plugin warns.
    config = make_site(tmp_path, tmp_path / "docs" / ".cache")
    with pytest.raises(Abort, match="strict mode"):
        build_mkdocs(config, strict=True)


def test_strict_mode_fails_on_a_core_warning(tmp_path: Path, shared_cache: Path) -> None:
    pages = {**PAGES, "bad.md": "---\npictify:\n  titel: typo\n---\n\n# Bad\n"}
    config = make_site(tmp_path, shared_cache, pages=pages)
    with pytest.raises(Abort, match="strict mode"):
        build_mkdocs(config, strict=True)


def test_core_warnings_go_through_the_mkdocs_logger(
    tmp_path: Path, shared_cache: Path, caplog: pytest.LogCaptureFixture
) -> None:
    pages = {**PAGES, "bad.md": "---\npictify:\n  titel: typo\n---\n\n# Bad\n"}
    with caplog.at_level(logging.WARNING):
        build_mkdocs(make_site(tmp_path, shared_cache, pages=pages))
    ours = [r for r in caplog.records if r.name == "mkdocs.plugins.pictify"]
    assert any("titel" in r.getMessage() for r in ours)
    assert not [r for r in caplog.records if r.name.startswith("pictify_ssg")]


def test_material_social_plugin_is_detected(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config_file = make_site(tmp_path, tmp_path / "cache", theme="material")
    text = config_file.read_text("utf-8").replace("plugins:\n", "plugins:\n  - social\n")
    config_file.write_text(text, "utf-8")
    config = load_config(str(config_file))
    assert material_social_enabled(config)
    with caplog.at_level(logging.WARNING):
        mkdocs_plugin(config).on_config(config)
    assert any("social plugin" in r.getMessage() for r in caplog.records)


def test_language_and_version_builds_keep_their_own_cards(
    tmp_path: Path, shared_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = make_site(tmp_path, shared_cache, theme="material")
    site = tmp_path / "site"
    english = build_mkdocs(config, site_dir=str(site))
    french = build_mkdocs(
        config, site_dir=str(site / "fr"), theme={"name": "material", "language": "fr"}
    )
    assert (site_variant(english.config), site_variant(french.config)) == ("en", "fr")
    monkeypatch.setenv("MIKE_DOCS_VERSION", "2.0")
    versioned = build_mkdocs(config, site_dir=str(site / "v2"))
    assert site_variant(versioned.config) == "2.0-en"
    # Every build's cards are still in place after all three, the English ones included.
    for result in (english, french, versioned):
        assert result.report is not None
        assert len(result.report.cards) == len(PAGES)
        for card in result.report.cards.values():
            assert local_file(result.site_dir, SITE_URL, card.url).exists()


def test_serve_keeps_one_pipeline_and_re_renders_only_changes(tmp_path: Path) -> None:
    config_file = make_site(tmp_path, tmp_path / "cache")
    built = build_mkdocs(config_file)
    assert built.report is not None
    assert built.report.rendered == len(PAGES)
    site_dir = tmp_path / "served"
    serve_url = "http://127.0.0.1:8000/small/"

    def rebuild() -> PictifyPlugin:
        # What `mkdocs serve` does for each build: reload the config, point site_url at itself.
        config = load_config(str(config_file), site_dir=str(site_dir))
        config.site_url = serve_url
        mkdocs_build(config, serve_url=serve_url)
        return mkdocs_plugin(config)

    first_config = load_config(str(config_file), site_dir=str(site_dir))
    first_config.plugins.on_startup(command="serve", dirty=False)
    try:
        plugin = rebuild()
        pipeline = plugin._pipeline
        assert pipeline is not None
        assert plugin.last_report is not None
        # The cards are the published ones, so `mkdocs build` already cached every one.
        assert plugin.last_report.rendered == 0
        assert plugin.last_report.cards["index.md"].url.startswith(SITE_URL)
        page = tmp_path / "docs" / "index.md"
        page.write_text("# Small site home, edited\n", "utf-8")
        again = rebuild()
        assert again is plugin
        assert again._pipeline is pipeline
        assert again.last_report is not None
        assert again.last_report.rendered == 1
        assert render_calls(again.last_report) == 1
    finally:
        first_config.plugins.on_shutdown()
    assert plugin._pipeline is None
    # Nothing the plugin wrote is inside docs_dir (no rebuild loop under `mkdocs serve`).
    assert sorted(p.name for p in (tmp_path / "docs").rglob("*") if p.is_file()) == [
        "index.md",
        "one.md",
        "two.md",
    ]


def test_mkdocs_command_line_build(tmp_path: Path, shared_cache: Path) -> None:
    config = make_site(tmp_path, shared_cache)
    result = subprocess.run(
        [str(Path(sys.executable).with_name("mkdocs")), "build", "--strict", "-f", str(config)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert "pictify: 3 pages" in result.stderr
    page = soup(tmp_path / "site" / "guide" / "one" / "index.html")
    assert len(meta_values(page, "property", "og:image")) == 1


def test_dirty_build_keeps_the_cards_of_unchanged_pages(tmp_path: Path) -> None:
    config_file = make_site(tmp_path, tmp_path / "cache")
    first = build_mkdocs(config_file)
    assert first.report is not None
    page = tmp_path / "docs" / "guide" / "two.md"
    page.write_text("# Guide page two, edited\n", "utf-8")
    config = load_config(str(config_file))
    config.plugins.on_startup(command="build", dirty=True)
    try:
        mkdocs_build(config, dirty=True)
    finally:
        config.plugins.on_shutdown()
    report = mkdocs_plugin(config).last_report
    assert report is not None
    assert set(report.cards) == set(PAGES)
    assert report.rendered == 1
    site_dir = Path(config.site_dir)
    for src in PAGES:
        url = meta_values(soup(page_file(site_dir, src)), "property", "og:image")[0]
        assert local_file(site_dir, SITE_URL, url).exists(), src


def test_cards_failing_while_pages_are_written_leave_no_page_pointing_at_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Cards render while MkDocs writes the pages, with the tags of cards not made yet. A
    # service that then refuses every render: each page's tags are written again, with the
    # fallback image.
    from PIL import Image

    from pictify_ssg.local import LocalServer, ServerOptions

    fallback = tmp_path / "fallback.png"
    Image.new("RGB", (1200, 630), (20, 40, 60)).save(fallback)
    server = LocalServer(data_dir=tmp_path / "server", options=ServerOptions(error_rate=1.0))
    server.start()
    try:
        monkeypatch.setenv("PICTIFY_API_KEY", server.api_key)
        config = make_site(
            tmp_path / "src",
            tmp_path / "cache",
            plugin_yaml=(
                f"      backend: hosted\n      base_url: {server.base_url}\n"
                f"      fallback_image: {fallback}\n"
            ),
        )
        result = build_mkdocs(config)
    finally:
        server.stop()
    assert result.report is not None
    assert result.report.counts == {"fallback": len(PAGES)}
    for src in PAGES:
        page = soup(page_file(result.site_dir, src))
        [url] = meta_values(page, "property", "og:image")
        assert meta_values(page, "name", "twitter:image") == [url]
        assert url == result.report.cards[src].url
        assert local_file(result.site_dir, SITE_URL, url).is_file(), src
        assert page.find("h1") is not None  # the rest of the page is intact
