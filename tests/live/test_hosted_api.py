"""Opt-in checks against the hosted Pictify API (costs renders from your plan).

Run with: PICTIFY_LIVE=1 PICTIFY_API_KEY=... .venv/bin/python -m pytest tests/live
They never run in CI: without both variables every test here is skipped.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pictify_ssg.client import Pictify
from pictify_ssg.client.exceptions import NotFoundError
from pictify_ssg.core import PageRecord, Settings, SiteInfo, build

pytestmark = pytest.mark.live


def test_render_html_returns_a_url() -> None:
    with Pictify() as pictify:
        image = pictify.images.create(html="<h1>pictify-ssg live check</h1>", width=600, height=315)
    assert image.url.startswith(("https://", "http://"))
    assert image.id


def test_unknown_template_is_not_found() -> None:
    with Pictify() as pictify, pytest.raises(NotFoundError):
        pictify.templates.get("definitely-not-a-real-template-id-xyz")


def test_one_page_build_on_the_hosted_backend(tmp_path: Path) -> None:
    settings = Settings.from_mapping({"backend": "hosted", "cache_dir": str(tmp_path / "cache")})
    site = SiteInfo(
        name="pictify-ssg live",
        url="https://example.org/",
        config_dir=tmp_path,
        output_dir=tmp_path / "site",
    )
    page = PageRecord.create(key="index.md", url="", title="Live check", description="One card")
    report = build([page], settings, site)
    card = report.cards["index.md"]
    assert card.url.startswith("https://example.org/")
    assert (tmp_path / "site" / card.url.removeprefix("https://example.org/")).is_file()
