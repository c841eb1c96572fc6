"""Publishing helpers: file names, URLs, tag sets, stale files."""

from __future__ import annotations

from pathlib import Path

import pytest

from pictify_ssg.core import PageRecord, SiteInfo
from pictify_ssg.core.site_output import (
    card_file_name,
    explicit_image_url,
    meta_tags,
    png_size,
    public_url,
    relative_to_page,
    remove_stale,
    write_atomic,
)

PAGE = PageRecord.create(key="guide/install.md", url="guide/install/", title="Install")


@pytest.mark.parametrize(
    ("fmt", "name"),
    [
        ("png", "0123456789abcdef.png"),
        ("jpeg", "0123456789abcdef.jpg"),
        ("webp", "0123456789abcdef.webp"),
    ],
)
def test_card_file_name(fmt: str, name: str) -> None:
    assert card_file_name("0123456789abcdef" + "f" * 48, fmt) == name


@pytest.mark.parametrize(
    ("page_url", "target", "expected"),
    [
        ("guide/install/", "assets/social/x.png", "../../assets/social/x.png"),
        ("", "assets/social/x.png", "assets/social/x.png"),
        ("about.html", "assets/social/x.png", "assets/social/x.png"),
        ("blog/post.html", "assets/social/x.png", "../assets/social/x.png"),
    ],
)
def test_relative_to_page(page_url: str, target: str, expected: str) -> None:
    assert relative_to_page(page_url, target) == expected


@pytest.mark.parametrize(
    ("site_url", "expected"),
    [
        ("https://ex.org", "https://ex.org/assets/social/x.png"),
        ("https://ex.org/docs", "https://ex.org/docs/assets/social/x.png"),
        ("https://ex.org/docs/", "https://ex.org/docs/assets/social/x.png"),
        (None, "../../assets/social/x.png"),
    ],
)
def test_public_url(site_url: str | None, expected: str) -> None:
    assert public_url(site_url, PAGE, "assets/social/x.png") == expected


@pytest.mark.parametrize(
    ("site_url", "image", "expected"),
    [
        ("https://ex.org/docs/", "https://cdn.ex.org/a.png", "https://cdn.ex.org/a.png"),
        ("https://ex.org/docs/", "/img/a.png", "https://ex.org/docs/img/a.png"),
        ("https://ex.org/docs/", "cover.png", "https://ex.org/docs/guide/install/cover.png"),
        (None, "/img/a.png", "/img/a.png"),
        (None, "cover.png", "cover.png"),
    ],
)
def test_explicit_image_url(site_url: str | None, image: str, expected: str) -> None:
    assert explicit_image_url(site_url, PAGE, image) == expected


def test_tag_set_is_complete() -> None:
    tags = meta_tags(
        image_url="https://ex.org/a.png",
        width=1200,
        height=630,
        type="image/png",
        alt="Install \u2013 Docs",
        page=PAGE,
        site=SiteInfo(name="Docs"),
        site_url="https://ex.org/",
        title="Install",
        description="How to install",
    )
    found = {t.key: (t.attr, t.content) for t in tags}
    assert found == {
        "og:image": ("property", "https://ex.org/a.png"),
        "og:image:secure_url": ("property", "https://ex.org/a.png"),
        "og:image:type": ("property", "image/png"),
        "og:image:width": ("property", "1200"),
        "og:image:height": ("property", "630"),
        "og:image:alt": ("property", "Install \u2013 Docs"),
        "twitter:card": ("name", "summary_large_image"),
        "twitter:image": ("name", "https://ex.org/a.png"),
        "twitter:image:alt": ("name", "Install \u2013 Docs"),
        "og:title": ("property", "Install"),
        "og:description": ("property", "How to install"),
        "og:url": ("property", "https://ex.org/guide/install/"),
        "og:type": ("property", "website"),
        "og:site_name": ("property", "Docs"),
    }


def test_unknown_size_has_no_size_tags() -> None:
    tags = meta_tags(
        image_url="x.png",
        width=0,
        height=0,
        type="image/png",
        alt="",
        page=PAGE,
        site=SiteInfo(),
        site_url=None,
        title="",
        description="",
    )
    keys = {t.key for t in tags}
    assert "og:image:width" not in keys
    assert "og:url" not in keys
    assert "og:image:secure_url" not in keys


def test_remove_stale_only_touches_card_files(tmp_path: Path) -> None:
    for name in ("0123456789abcdef.png", "fedcba9876543210.jpg", "logo.png", "index.html"):
        (tmp_path / name).write_bytes(b"x")
    assert remove_stale(tmp_path, {"0123456789abcdef.png"}) == ["fedcba9876543210.jpg"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "0123456789abcdef.png",
        "index.html",
        "logo.png",
    ]
    assert remove_stale(tmp_path / "missing", set()) == []


def test_write_atomic_skips_identical_content(tmp_path: Path) -> None:
    target = tmp_path / "a" / "x.png"
    assert write_atomic(target, b"one") is True
    assert write_atomic(target, b"one") is False
    assert write_atomic(target, b"two") is True
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["x.png"]


def test_png_size() -> None:
    header = (
        b"\x89PNG\r\n\x1a\n"
        + b"\x00\x00\x00\rIHDR"
        + (1200).to_bytes(4, "big")
        + (630).to_bytes(4, "big")
    )
    assert png_size(header) == (1200, 630)
    assert png_size(b"GIF89a") == (0, 0)
