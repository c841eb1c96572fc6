"""Edges a busy CI meets: control characters, odd API keys, large cards, silent long builds."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from pictify_ssg.core import PageRecord, Settings, SiteInfo, build
from pictify_ssg.core.build_report import Progress
from pictify_ssg.core.errors import SettingsError
from pictify_ssg.core.results import MetaTag
from pictify_ssg.core.text import clean_text

if TYPE_CHECKING:
    from pictify_ssg.local import LocalServer

SettingsFactory = Callable[..., Settings]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Title\x00with NUL", "Titlewith NUL"),
        ("Esc\x1b[31m red", "Esc[31m red"),
        ("Bell\x07 and DEL\x7f", "Bell and DEL"),
        ("C1\x9b control", "C1 control"),
        ("Tab\tand\nnewline", "Tab and newline"),
        ("Next\x85line", "Next line"),
        ("\u05e9\u05dc\u05d5\u05dd \u200fmixed", "\u05e9\u05dc\u05d5\u05dd \u200fmixed"),
    ],
)
def test_control_characters_leave_card_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_meta_tags_never_carry_control_characters() -> None:
    tag = MetaTag("property", "og:title", 'A\x00B "quoted"\x1b')
    assert tag.to_html() == '<meta property="og:title" content="AB &quot;quoted&quot;">'


def test_page_title_with_controls_gives_clean_tags(
    server: LocalServer, settings_for: SettingsFactory, site: SiteInfo
) -> None:
    page = PageRecord.create(key="c.md", url="c/", title="Release\x00 notes\x1b")
    report = build([page], settings_for(server), site)
    tags = {tag.key: tag.content for tag in report.cards["c.md"].tags}
    assert tags["og:title"] == "Release notes"
    assert tags["og:image:alt"] == "Release notes \u2013 Docs"


@pytest.mark.parametrize("key", ["sk-abc\u2019def", "sk-\u00fcber", "sk-a\u00a0b", "sk a b"])
def test_a_key_no_header_can_carry_is_a_settings_error(
    key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(SettingsError) as info:
        Settings.from_mapping({"api_key": key})
    message = str(info.value)
    assert "option 'api_key'" in message
    assert "copy the key again" in message
    assert key not in message
    monkeypatch.setenv("PICTIFY_API_KEY", key)
    with pytest.raises(SettingsError, match="option 'api_key'"):
        Settings.from_mapping({})


def test_surrounding_spaces_of_a_key_are_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PICTIFY_API_KEY", "  sk-live-123\n")
    settings = Settings.from_mapping({})
    assert settings.api_key is not None
    assert settings.api_key.get_secret_value() == "sk-live-123"


def test_size_warning_names_the_pages_on_cold_and_warm_builds(
    server: LocalServer,
    settings_for: SettingsFactory,
    site: SiteInfo,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = settings_for(server, size_warning_kb=1)
    pages = [PageRecord.create(key=f"s{i}.md", url=f"s{i}/", title=f"Big {i}") for i in range(7)]
    for expected in ("rendered", "cached"):
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="pictify_ssg"):
            report = build(pages, settings, site)
        assert set(report.outcomes.values()) == {expected}
        [warning] = [r.getMessage() for r in caplog.records if "KB:" in r.getMessage()]
        assert warning.startswith("pictify: 7 card(s) are over 1 KB: '")
        assert "and 2 more" in warning
        assert "'s0.md' (" in warning or "'s6.md' (" in warning


def test_no_size_warning_under_the_limit(
    server: LocalServer, settings_for: SettingsFactory, site: SiteInfo
) -> None:
    page = PageRecord.create(key="small.md", url="small/", title="Small")
    report = build([page], settings_for(server), site)
    assert not [w for w in report.warnings if "KB:" in w]


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_logs_periodically_outside_a_terminal() -> None:
    clock, lines = _Clock(), list[str]()
    progress = Progress(100, stream=io.StringIO(), log=lines.append, clock=clock, interval_s=10)
    for _ in range(50):
        clock.now += 0.5  # two cards a second
        progress.advance()
    progress.close()
    assert lines == [
        "pictify: rendering 20/100 cards (10 s)",
        "pictify: rendering 40/100 cards (20 s)",
    ]


def test_progress_is_quiet_for_short_builds_and_on_terminals() -> None:
    clock, lines = _Clock(), list[str]()
    quick = Progress(10, stream=io.StringIO(), log=lines.append, clock=clock)
    for _ in range(10):
        clock.now += 0.1
        quick.advance()
    assert lines == []

    class _Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = _Terminal()
    bar = Progress(10, stream=terminal, log=lines.append, clock=clock)
    for _ in range(10):
        clock.now += 5
        bar.advance()
    assert lines == []
    assert "10/10" in terminal.getvalue()


def test_progress_lines_reach_the_pictify_logger(caplog: pytest.LogCaptureFixture) -> None:
    clock = _Clock()
    progress = Progress(3, stream=io.StringIO(), clock=clock, interval_s=1)
    with caplog.at_level(logging.INFO, logger="pictify_ssg"):
        clock.now += 2
        progress.advance()
    assert [r.getMessage() for r in caplog.records] == ["pictify: rendering 1/3 cards (2 s)"]
