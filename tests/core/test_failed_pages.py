"""Pages that cannot get a new card, whatever the cause, all end the same way.

Bad front matter, a broken template or a variable failing at render time: the page keeps
its previous card, else gets the fallback image, and one warning per distinct problem names
the pages and the field.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pictify_ssg.core import BuildError, PageRecord, Settings, SiteInfo, build

if TYPE_CHECKING:
    from pictify_ssg.local import LocalServer

SettingsFactory = Callable[..., Settings]
FALLBACK = "https://example.org/fallback.png"

BAD_FRONT_MATTER: list[tuple[dict[str, Any], tuple[str, ...], str]] = [
    ({"pictify": "yes"}, (), "'pictify' must be false or a mapping"),
    ({"pictify": {"titel": "x"}}, (), "unknown entry 'pictify.titel' (did you mean 'title'?)"),
    (
        {"pictify": {"template_file": "nope.html"}},
        (),
        "'pictify.template_file': the template file 'nope.html' does not exist",
    ),
    ({"pictify": {"image": 42}}, (), "'pictify.image' must be an image path or URL"),
    ({"pictify": {"title": ["a"]}}, (), "'pictify.title' must be text"),
    ({"pictify": {"enabled": "no"}}, (), "'pictify.enabled' must be true or false"),
    ({"pictify": {"variables": {"t": "{{ x"}}}, (), "'pictify.variables.t': invalid Jinja2"),
    ({"pictify": {"variables": {"title": "{{ 1/0 }}"}}}, (), "failed: division by zero"),
    ({}, ("'image' must be an image path or URL (text), got int 42",), "'image' must be"),
]


def _bad_page(meta: dict[str, Any], problems: tuple[str, ...]) -> PageRecord:
    return PageRecord.create(key="bad.md", url="bad/", title="Bad", meta=meta, problems=problems)


@pytest.mark.parametrize(("meta", "problems", "reason"), BAD_FRONT_MATTER)
def test_bad_front_matter_gets_the_fallback_and_one_warning(
    server: LocalServer,
    settings_for: SettingsFactory,
    site: SiteInfo,
    meta: dict[str, Any],
    problems: tuple[str, ...],
    reason: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = settings_for(server, fallback_image=FALLBACK)
    good = PageRecord.create(key="good.md", url="good/", title="Good")
    with caplog.at_level(logging.WARNING, logger="pictify_ssg"):
        report = build([good, _bad_page(meta, problems)], settings, site)
    assert report.outcomes["bad.md"] == "fallback"
    assert report.cards["bad.md"].url == FALLBACK
    assert any(t.key == "og:image" and t.content == FALLBACK for t in report.cards["bad.md"].tags)
    assert report.outcomes["good.md"] in {"rendered", "cached"}
    [(key, message)] = report.failed
    assert key == "bad.md"
    assert reason in message
    assert not message.startswith("page '")  # the warning names the page, once
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [f"pictify: no new card for page 'bad.md': {message}"]


def test_bad_front_matter_keeps_the_previous_card(
    server: LocalServer, settings_for: SettingsFactory, site: SiteInfo
) -> None:
    settings = settings_for(server)
    first = build([PageRecord.create(key="p.md", url="p/", title="P")], settings, site)
    broken = PageRecord.create(key="p.md", url="p/", title="P", meta={"pictify": {"titel": "x"}})
    report = build([broken], settings, site)
    assert report.outcomes["p.md"] == "previous"
    assert report.cards["p.md"].url == first.cards["p.md"].url
    assert (site.output_dir / first.cards["p.md"].url.split("/docs/", 1)[1]).exists()


def test_bad_front_matter_fails_the_build_with_on_error_fail(
    server: LocalServer, settings_for: SettingsFactory, site: SiteInfo
) -> None:
    with pytest.raises(BuildError, match=r"page 'bad.md': unknown entry 'pictify.titel'"):
        build(
            [_bad_page({"pictify": {"titel": "x"}}, ())],
            settings_for(server, on_error="fail"),
            site,
        )


def test_a_failing_variable_is_one_warning_for_every_page(
    server: LocalServer,
    settings_for: SettingsFactory,
    site: SiteInfo,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = settings_for(
        server, variables={"title": "{{ page.meta.nope.deeper }}"}, fallback_image=FALLBACK
    )
    pages = [PageRecord.create(key=f"p{i}.md", url=f"p{i}/", title=f"P{i}") for i in range(5)]
    with caplog.at_level(logging.WARNING, logger="pictify_ssg"):
        report = build(pages, settings, site)
    assert set(report.outcomes.values()) == {"fallback"}
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert warnings[0].startswith(
        "pictify: no new card for 5 pages ('p0.md', 'p1.md', 'p2.md', ...)"
    )
    assert "card variable 'title'" in warnings[0]
    assert "default('')" in warnings[0]  # says what to do


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "is empty; write the card's HTML in it"),
        (b"<h1>Caf\xe9 {{title}}</h1>", "is not UTF-8 text (byte 7); save it as UTF-8"),
        (b"<h1>{{#if title}}{{title}}</h1>", "broken.html was refused: [422]"),
        (b"<h1>{{shout title}}</h1>", "helper 'shout' is not allowed"),
    ],
)
def test_a_broken_template_file_is_named_and_pages_fall_back(
    server: LocalServer,
    settings_for: SettingsFactory,
    site: SiteInfo,
    tmp_path: Path,
    content: bytes,
    expected: str,
) -> None:
    (tmp_path / "broken.html").write_bytes(content)
    settings = settings_for(server, template_file="broken.html", fallback_image=FALLBACK)
    pages = [PageRecord.create(key=f"p{i}.md", url=f"p{i}/", title=f"P{i}") for i in range(3)]
    report = build(pages, settings, site)
    assert set(report.outcomes.values()) == {"fallback"}
    assert len({message for _, message in report.failed}) == 1
    message = report.failed[0][1]
    assert expected in message
    assert str(tmp_path / "broken.html") in message


def test_on_error_fail_groups_pages_by_problem(
    server: LocalServer, settings_for: SettingsFactory, site: SiteInfo
) -> None:
    pages = [PageRecord.create(key=f"p{i}.md", url=f"p{i}/", title=f"P{i}") for i in range(6)]
    settings = settings_for(server, api_key="wrong-key-123", on_error="fail")
    with pytest.raises(BuildError) as info:
        build(pages, settings, site)
    lines = str(info.value).splitlines()
    assert lines[0] == "pictify: 6 card(s) could not be made (on_error: fail):"
    assert len(lines) == 2  # one line for the one problem, not one per page
    assert "6 pages ('p0.md', 'p1.md', 'p2.md', ...)" in lines[1]
    assert "the service refused the API key ([401] Invalid Request)" in lines[1]
    assert "check PICTIFY_API_KEY" in lines[1]
    assert "wrong-key-123" not in str(info.value)
    assert len(info.value.failed) == 6


def test_a_reused_pipeline_warns_again_on_every_build(
    server: LocalServer,
    settings_for: SettingsFactory,
    site: SiteInfo,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # mkdocs serve --strict: every rebuild that still has the problem must see its warning.
    from pictify_ssg.core import Pipeline

    bad = _bad_page({"pictify": {"titel": "x"}}, ())
    with Pipeline(settings_for(server)) as pipeline, caplog.at_level(logging.WARNING):
        pipeline.build([bad], site)
        pipeline.build([bad], site)
    warnings = [r.getMessage() for r in caplog.records if r.name == "pictify_ssg"]
    assert len(warnings) == 2
    assert warnings[0] == warnings[1]
