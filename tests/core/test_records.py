"""PageRecord.create cleans; records and site info are frozen snapshots."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from pictify_ssg.core import PageRecord, SiteInfo


def test_create_cleans_every_text_field() -> None:
    page = PageRecord.create(
        key="guide/install.md",
        url="/guide/install/",
        source_path="guide\\install.md",
        title="Install <em>it</em> &amp; go",
        description="  A  <b>long</b>\n description ",
        meta={"pictify": False},
        lang=" en ",
        date=dt.datetime(2024, 5, 6, 7, 8),
        section="<i>Guide</i>",
        author=" Ann &amp; Bob ",
        tags=["<b>a</b>", "", "b"],
        existing_image="  ",
    )
    assert page.url == "guide/install/"
    assert page.source_path == "guide/install.md"
    assert page.title == "Install it & go"
    assert page.description == "A long description"
    assert page.lang == "en"
    assert page.date == "2024-05-06"
    assert page.section == "Guide"
    assert page.author == "Ann & Bob"
    assert page.tags == ("a", "b")
    assert page.existing_image is None
    assert page.meta["pictify"] is False


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (dt.date(2023, 1, 2), "2023-01-02"),
        ("2023-01-02", "2023-01-02"),
        ("2023-01-02T10:11:12Z", "2023-01-02"),
        ("2023-01-02 10:11", "2023-01-02"),
        ("last spring", "last spring"),
        ("", None),
    ],
)
def test_dates_are_normalised(value: dt.date | str | None, expected: str | None) -> None:
    assert PageRecord.create(key="k", url="", date=value).date == expected


def test_records_are_frozen_and_meta_read_only() -> None:
    meta = {"a": 1}
    page = PageRecord.create(key="k", url="k/", meta=meta)
    meta["a"] = 2
    assert page.meta["a"] == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        page.title = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        page.meta["a"] = 3  # type: ignore[index]


def test_source_path_defaults_to_key() -> None:
    assert PageRecord.create(key="a/b.md", url="a/b/").source_path == "a/b.md"


def test_long_titles_are_kept_whole_for_the_settings_to_cut() -> None:
    # title_max_length / description_max_length decide the cut; 0 must really mean no limit.
    page = PageRecord.create(key="k", url="", title="word " * 100, description="d " * 400)
    assert page.title == ("word " * 100).strip()
    assert len(page.description) == len(("d " * 400).strip())


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),
        ("<b>A</b> &amp; B", "A & B"),
        ("Why <style>a{}</style> matters", "Why <style>a{}</style> matters"),
        ("&lt;script&gt;", "<script>"),
    ],
)
def test_code_in_titles_stays_visible_text(title: str, expected: str) -> None:
    assert PageRecord.create(key="k", url="", title=title).title == expected


def test_scripts_in_descriptions_are_dropped() -> None:
    page = PageRecord.create(key="k", url="", description="Intro <script>track()</script>")
    assert page.description == "Intro"


def test_front_matter_problems_are_kept() -> None:
    page = PageRecord.create(key="k", url="", problems=["'image' must be text"])
    assert page.problems == ("'image' must be text",)


def test_site_info_defaults() -> None:
    site = SiteInfo(name="Docs")
    assert site.variant is None
    assert site.url is None
