"""The site-wide checks: an http site URL, and pages sharing one URL."""

from __future__ import annotations

from pathlib import Path

import pytest

from pictify_ssg.core import PageRecord, Settings, SiteInfo, build
from pictify_ssg.core.site_checks import (
    duplicate_url_warnings,
    http_site_url_warning,
    site_warnings,
)


@pytest.mark.parametrize(
    ("site_url", "secure"),
    [
        ("http://example.org/docs/", "https://example.org/docs/"),
        ("HTTP://Example.org", "https://Example.org"),
        (" http://example.org:8080/a ", "https://example.org:8080/a"),
    ],
)
def test_an_http_site_url_names_the_https_address(site_url: str, secure: str) -> None:
    message = http_site_url_warning(site_url)

    assert message is not None
    assert message.startswith(f"pictify: the site URL {site_url.strip()} is http")
    assert "social platforms want https images" in message
    assert message.endswith(
        f"change site_url in mkdocs.yml (SITEURL in pelicanconf.py) to {secure}"
    )


def test_an_http_site_url_option_names_the_option() -> None:
    message = http_site_url_warning("http://example.org/", from_option=True)

    assert message is not None
    assert message.endswith(
        "change the site_url option (PICTIFY_SITE_URL in pelicanconf.py) to https://example.org/"
    )


@pytest.mark.parametrize(
    "site_url",
    [
        None,
        "",
        "https://example.org/",
        # Local previews are never shared with a platform.
        "http://localhost:8000/",
        "http://docs.localhost/",
        "http://127.0.0.1:8000/",
        "http://127.1.2.3/",
        "http://[::1]:8000/",
    ],
)
def test_no_warning_for_https_local_or_missing_site_urls(site_url: str | None) -> None:
    assert http_site_url_warning(site_url) is None


def _page(key: str, url: str) -> PageRecord:
    return PageRecord.create(key=key, url=url, title=key)


def test_pages_sharing_a_url_are_named_together() -> None:
    pages = [
        _page("a.md", "same/"),
        _page("b.md", "other/"),
        _page("c.md", "/same/index.html"),
        _page("home.md", ""),
        _page("d.md", "same/"),
        _page("start.md", "index.html"),
    ]

    warnings = duplicate_url_warnings(pages)

    assert warnings == [
        "pictify: pages 'a.md', 'c.md' and 'd.md' share the URL /same/: a link to it shows only "
        "one of them, with that page's card; give each page its own URL (MkDocs: rename or move "
        "the file; Pelican: change its Slug, URL or Save_as metadata)",
        "pictify: pages 'home.md' and 'start.md' share the URL /: a link to it shows only one of "
        "them, with that page's card; give each page its own URL (MkDocs: rename or move the "
        "file; Pelican: change its Slug, URL or Save_as metadata)",
    ]


def test_unique_urls_give_no_warning() -> None:
    pages = [_page("a.md", "a/"), _page("b.md", "a/b/"), _page("c.md", "a.html"), _page("d", "")]

    assert duplicate_url_warnings(pages) == []
    assert duplicate_url_warnings([]) == []


def test_site_warnings_take_the_option_over_the_site_url(tmp_path: Path) -> None:
    site = SiteInfo(name="S", url="http://example.org/", config_dir=tmp_path)
    pages = [_page("a.md", "x/"), _page("b.md", "x/index.html")]

    from_site = site_warnings(Settings.from_mapping({}), site, pages)
    from_option = site_warnings(
        Settings.from_mapping({"site_url": "http://docs.example.org/"}), site, pages
    )
    secure = site_warnings(Settings.from_mapping({"site_url": "https://example.org/"}), site, [])

    assert from_site == [
        http_site_url_warning("http://example.org/"),
        *duplicate_url_warnings(pages),
    ]
    assert len(from_site) == 2
    assert from_option[0] == http_site_url_warning("http://docs.example.org/", from_option=True)
    assert secure == []


def test_a_build_reports_and_logs_each_site_warning_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    site = SiteInfo(
        name="S", url="http://example.org/", config_dir=tmp_path, output_dir=tmp_path / "site"
    )
    pages = [_page("a.md", "x/"), _page("b.md", "x/"), _page("c.md", "c/")]
    # No rendering (backend: skip): the checks do not depend on a service.
    settings = Settings.from_mapping({"backend": "skip", "cache_dir": str(tmp_path / "cache")})
    expected = site_warnings(settings, site, pages)
    assert len(expected) == 2

    with caplog.at_level("WARNING", logger="pictify_ssg"):
        report = build(pages, settings, site)

    assert [w for w in report.warnings if w in expected] == expected
    logged = [r.getMessage() for r in caplog.records if r.getMessage() in expected]
    assert logged == expected
