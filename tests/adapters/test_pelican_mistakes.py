"""User mistakes in real ``pelican`` runs: one clear message each, no traceback, no lost card.

Configuration mistakes stop the build at start-up; an article's bad metadata gives that
article its previous card or the fallback image, with one warning naming it and the key.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from pictify_pelican import summary
from pictify_pelican.content import content_options, own_image
from pictify_pelican.settings import PictifySettingsError

from .helpers import (
    EXAMPLE_SITE,
    make_pelican_site,
    meta_values,
    pelican_class,
    pelican_log,
    run_pelican_cli,
    soup,
)

pytestmark = pytest.mark.slow

SITE_URL = "https://example.org/small"
FALLBACK = "https://example.org/fallback.png"
GOOD = {"one.md": "Title: First article\nDate: 2026-02-01\n\nBody one.\n"}
SUMMARY = re.compile(r"^pictify: \d+ pages?, \d+ cached, ")


@pytest.fixture(autouse=True)
def _no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PICTIFY_API_KEY", raising=False)


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for the module: the good article and the listings are rendered once."""
    return tmp_path_factory.mktemp("pelican-mistakes-cache")


def site(root: Path, settings: str, articles: dict[str, str] | None = None) -> Path:
    return make_pelican_site(
        root, 'PLUGINS = ["pictify"]\n' + settings, {**GOOD, **(articles or {})}, site_url=SITE_URL
    )


def card_settings(cache: Path) -> str:
    return (
        f'PICTIFY_TEMPLATE_FILE = "{EXAMPLE_SITE / "card.html"}"\n'
        f'PICTIFY_CACHE_DIR = "{cache}"\nPICTIFY_FALLBACK_IMAGE = "{FALLBACK}"\n'
    )


def summary_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if SUMMARY.match(line)]


# -- configuration: stop at start-up -------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (
            'PICTIFY_TEMPLATE_FILE = "nope.html"\n',
            "option 'PICTIFY_TEMPLATE_FILE': file {root}/nope.html does not exist "
            "(relative paths start at {root})",
        ),
        (
            'PICTIFY_TEMPLATE_FILE = "cards"\n',
            "option 'PICTIFY_TEMPLATE_FILE': {root}/cards is a folder; name a file in it",
        ),
        (
            'PICTIFY_FALLBACK_IMAGE = "missing.png"\n',
            "option 'PICTIFY_FALLBACK_IMAGE': file {root}/missing.png does not exist",
        ),
    ],
    ids=["missing-template", "template-is-a-folder", "missing-fallback"],
)
def test_a_missing_file_stops_the_build_with_one_message(
    tmp_path: Path, settings: str, expected: str
) -> None:
    (tmp_path / "cards").mkdir()
    result = run_pelican_cli(site(tmp_path, settings))
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert pelican_log(output, "CRITICAL") == [
        "PictifySettingsError: invalid pictify settings in pelicanconf.py:"
    ], output
    assert expected.format(root=tmp_path) in output
    assert "Traceback" not in output
    assert pelican_log(output, "WARNING") == []
    assert summary_lines(output) == []
    assert not (tmp_path / "output").exists()


def test_a_missing_file_is_reported_before_anything_is_read(tmp_path: Path) -> None:
    from pelican.settings import read_settings

    config = site(tmp_path, 'PICTIFY_FALLBACK_IMAGE = "gone.png"\n')
    with pytest.raises(PictifySettingsError, match="option 'PICTIFY_FALLBACK_IMAGE': file "):
        pelican_class()(read_settings(str(config)))


def test_files_are_not_checked_when_cards_are_off(tmp_path: Path) -> None:
    from pelican.settings import read_settings

    settings = 'PICTIFY_TEMPLATE_FILE = "nope.html"\nPICTIFY_ENABLED = False\n'
    pelican_class()(read_settings(str(site(tmp_path, settings))))


def test_a_remote_fallback_image_is_not_a_file(tmp_path: Path) -> None:
    from pelican.settings import read_settings

    pelican_class()(read_settings(str(site(tmp_path, card_settings(tmp_path / "c")))))


# -- an article's metadata: fall back, warn once --------------------------------------------

#: Markdown metadata is always text; a metadata plugin reading YAML gives numbers, lists and
#: mappings. ``EXTRA_PATH_METADATA`` hands the article such values in a plain Pelican build.
CASES = [
    pytest.param(
        "Pictify: maybe\n", {}, "metadata 'Pictify' must be true or false, not 'maybe'", id="switch"
    ),
    pytest.param(
        "Pictify_Variables: {accent: red}\n",
        {},
        "metadata 'Pictify_Variables' is not valid JSON (",
        id="variables-not-json",
    ),
    pytest.param(
        'Pictify_Variables: ["red"]\n',
        {},
        "metadata 'Pictify_Variables' must be a JSON object such as "
        '{"accent": "#e4572e"}, got list',
        id="variables-not-an-object",
    ),
    pytest.param(
        "",
        {"og_image": 42},
        "metadata 'Og_Image' must be an image path or URL (text), got int 42",
        id="og-image-number",
    ),
    pytest.param(
        "",
        {"image": ["a.png", "b.png"]},
        "metadata 'Image' must be an image path or URL (text), got list",
        id="image-list",
    ),
    pytest.param(
        "", {"description": {"a": 1}}, "metadata 'Description' must be text, got dict", id="desc"
    ),
    pytest.param(
        "", {"pictify_title": ["a"]}, "metadata 'Pictify_Title' must be text, got list", id="ctitle"
    ),
    pytest.param(
        "", {"title": ["a", "b"]}, "metadata 'Title' must be text, got list", id="title-list"
    ),
]


def bad_article(metadata: str, extra: dict[str, object]) -> tuple[dict[str, str], str]:
    """The bad article, and the settings giving it ``extra`` metadata of the wrong type."""
    # Metadata in the file wins over EXTRA_PATH_METADATA; the slug names bad.html either way.
    title = "" if "title" in extra else "Title: Bad article\n"
    text = f"{title}Slug: bad\nDate: 2026-02-02\n{metadata}\nBody.\n"
    settings = f"EXTRA_PATH_METADATA = {{'bad.md': {extra!r}}}\n" if extra else ""
    return {"bad.md": text}, settings


@pytest.mark.parametrize(("metadata", "extra", "message"), CASES)
def test_bad_metadata_falls_back_with_one_warning(
    tmp_path: Path, shared_cache: Path, metadata: str, extra: dict[str, object], message: str
) -> None:
    articles, settings = bad_article(metadata, extra)
    result = run_pelican_cli(site(tmp_path, card_settings(shared_cache) + settings, articles))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Traceback" not in output
    [warning] = pelican_log(output, "WARNING")
    assert warning.startswith(f"pictify: no new card for page 'bad.md': {message}"), warning
    bad = soup(tmp_path / "output" / "bad.html")
    assert meta_values(bad, "property", "og:image") == [FALLBACK]
    assert meta_values(bad, "name", "twitter:image") == [FALLBACK]
    # The good article and the listings are untouched; the summary is printed once.
    good = soup(tmp_path / "output" / "first-article.html")
    [image] = meta_values(good, "property", "og:image")
    assert image.startswith(f"{SITE_URL}/assets/social/")
    [line] = summary_lines(result.stdout)
    assert ", 1 failed, " in line
    assert ", 1 fallback, " in line


def test_fatal_warnings_stops_on_bad_metadata(tmp_path: Path, shared_cache: Path) -> None:
    articles, _ = bad_article("Pictify: maybe\n", {})
    config = site(tmp_path, card_settings(shared_cache), articles)
    result = run_pelican_cli(config, "--fatal", "warnings")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert pelican_log(output, "WARNING")[0].startswith("pictify: no new card for page 'bad.md'")


@pytest.mark.parametrize("flags", [(), ("-v",)], ids=["default", "verbose"])
def test_on_error_fail_stops_with_the_grouped_message(
    tmp_path: Path, shared_cache: Path, flags: tuple[str, ...]
) -> None:
    articles, _ = bad_article("Pictify: maybe\n", {})
    settings = card_settings(shared_cache) + 'PICTIFY_ON_ERROR = "fail"\n'
    result = run_pelican_cli(site(tmp_path, settings, articles), *flags)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output
    assert pelican_log(output, "CRITICAL") == [
        "BuildError: pictify: 1 card(s) could not be made (on_error: fail):"
    ]
    assert "  - page 'bad.md': metadata 'Pictify' must be true or false, not 'maybe'" in output
    # Exactly once, at every verbosity, although the build failed.
    assert len(summary_lines(output)) == 1


def test_bad_metadata_keeps_the_previous_card(tmp_path: Path) -> None:
    # Its own cache: the previous card must be this site's.
    articles = {"bad.md": "Title: Bad\nSlug: bad\nDate: 2026-02-02\n\nx\n"}
    config = site(tmp_path, card_settings(tmp_path / "cache"), articles)
    assert run_pelican_cli(config).returncode == 0
    page = tmp_path / "output" / "bad.html"
    [card] = meta_values(soup(page), "property", "og:image")
    assert card.startswith(f"{SITE_URL}/assets/social/")
    (tmp_path / "content" / "bad.md").write_text(
        "Title: Bad\nSlug: bad\nDate: 2026-02-02\nPictify: maybe\n\nx\n", "utf-8"
    )
    result = run_pelican_cli(config)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    [warning] = pelican_log(output, "WARNING")
    assert "page 'bad.md': metadata 'Pictify' must be true or false" in warning
    assert meta_values(soup(page), "property", "og:image") == [card]
    assert (tmp_path / "output" / card[len(SITE_URL) + 1 :]).is_file()
    [line] = summary_lines(result.stdout)
    assert ", 1 failed, " in line
    assert ", 1 previous, " in line


def test_an_opted_out_article_is_not_checked(tmp_path: Path, shared_cache: Path) -> None:
    articles, settings = bad_article("Pictify: false\n", {"og_image": 42})
    result = run_pelican_cli(site(tmp_path, card_settings(shared_cache) + settings, articles))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert pelican_log(output, "WARNING") == []
    assert meta_values(soup(tmp_path / "output" / "bad.html"), "property", "og:image") == []


# -- reading metadata (values a YAML-reading metadata plugin gives) -------------------------


@pytest.mark.parametrize(
    ("metadata", "options"),
    [
        ({}, {}),
        ({"pictify": True}, {}),
        ({"pictify": "Yes"}, {}),
        ({"pictify_title": 2026}, {"title": "2026"}),
        ({"pictify_variables": {"accent": "red"}}, {"variables": {"accent": "red"}}),
        ({"pictify_variables": '{"accent": "red"}'}, {"variables": {"accent": "red"}}),
    ],
)
def test_metadata_that_is_understood(
    metadata: dict[str, object], options: dict[str, object]
) -> None:
    assert content_options(metadata) == (options, ())


@pytest.mark.parametrize("switch", [False, "false", " Off "])
def test_opting_out(switch: object) -> None:
    assert content_options({"pictify": switch, "pictify_variables": "not json"}) == (None, ())


def test_bad_values_are_left_out_and_each_is_named() -> None:
    options, problems = content_options(
        {"pictify": 1, "pictify_title": "Kept", "pictify_description": [1], "pictify_variables": 3}
    )
    assert options == {"title": "Kept"}
    assert problems == (
        "metadata 'Pictify' must be true or false, got int 1",
        "metadata 'Pictify_Description' must be text, got list",
        "metadata 'Pictify_Variables' must be a JSON object such as "
        '{"accent": "#e4572e"}, got int',
    )


def test_only_the_image_that_would_be_used_is_checked() -> None:
    assert own_image({"og_image": "/a.png", "image": {"src": "hero.png"}}) == ("/a.png", None)
    assert own_image({"image": "/b.png"}) == ("/b.png", None)
    assert own_image({"og_image": True}) == (
        None,
        "metadata 'Og_Image' must be an image path or URL (text), got bool True",
    )


# -- the summary line ------------------------------------------------------------------------


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    lines: list[str] = []
    monkeypatch.setattr(summary, "show", lines.append)
    return lines


def test_the_summary_record_is_held_back_and_shown_once(
    caplog: pytest.LogCaptureFixture, shown: list[str]
) -> None:
    logger = summary.SUMMARY_LOGGER
    line = "pictify: 3 pages, 1 cached, 2 rendered in 1 batch, 0 failed, 0.4 s"
    other = "pictify: card gallery: site/assets/social/index.html"
    caplog.set_level(logging.INFO, logger="pictify_ssg")
    with summary.SummaryLine() as held:
        logging.getLogger(logger).info("%s", line)
        logging.getLogger("pictify_ssg").info("%s", other)
        held.fallback = "pictify: the report's line"
    assert shown == [line]
    assert [r.getMessage() for r in caplog.records] == [other]
    # Outside a build nothing is held back.
    after = line.replace("0.4 s", "0.5 s")
    logging.getLogger(logger).info("%s", after)
    assert caplog.records[-1].getMessage() == after


def test_the_reports_line_is_shown_when_the_core_logged_none(shown: list[str]) -> None:
    with summary.SummaryLine() as held:
        held.fallback = "pictify: 1 page, 1 cached, 0 rendered, 0 failed, 0.0 s"
    assert shown == ["pictify: 1 page, 1 cached, 0 rendered, 0 failed, 0.0 s"]


def test_the_summary_is_caught_at_any_verbosity_even_when_the_build_fails(
    shown: list[str],
) -> None:
    # Pelican without -v: nothing below WARNING is made into a record.
    summary_logger = logging.getLogger(summary.SUMMARY_LOGGER)
    summary_logger.setLevel(logging.WARNING)
    line = "pictify: 2 pages, 0 cached, 1 rendered in 1 direct call, 1 failed, 0.1 s"

    def failing_build() -> None:
        with summary.SummaryLine():
            summary_logger.info("%s", line)
            raise RuntimeError("on_error: fail")

    try:
        with pytest.raises(RuntimeError):
            failing_build()
        assert summary_logger.level == logging.WARNING
    finally:
        summary_logger.setLevel(logging.NOTSET)
    assert shown == [line]
