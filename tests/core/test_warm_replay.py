"""The build snapshot of `warm_replay`: written compactly, read back exactly, damage refused.

The MkDocs replay tests (`tests/adapters/test_mkdocs_replay.py`) run real builds; these pin the
snapshot's own round trip on the shapes a real site rarely has all at once: explicit and
fallback cards (no fingerprint), pages with an outcome but no card, tags shared by many pages,
texts with quotes, control characters and non-BMP characters.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pictify_ssg.core import BuildReport, CardResult, MetaTag, Settings, SiteInfo, warm_replay
from pictify_ssg.core.build_report import Outcome
from pictify_ssg.core.site_files import file_state


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_mapping({"cache_dir": str(tmp_path / "cache")}, source="test")


@pytest.fixture
def site(tmp_path: Path) -> SiteInfo:
    return SiteInfo(name="Site", url="https://example.org/", output_dir=tmp_path / "out")


def _card(n: int, origin: str = "cached", fingerprint: str | None = "f") -> CardResult:
    url = f"https://example.org/assets/social/{n:016x}.png"
    shared = (
        MetaTag("name", "twitter:card", "summary_large_image"),
        MetaTag("property", "og:site_name", 'Site "quoted" \u2013 \U0001f600'),
    )
    own = (
        MetaTag("property", "og:image", url),
        MetaTag("name", "twitter:image", url),
        MetaTag("property", "og:title", f"Page {n} <b>&amp;\x01"),
    )
    return CardResult(
        url=url,
        width=1200,
        height=630,
        type="image/png",
        alt=f"Page {n}",
        origin=origin,  # type: ignore[arg-type]
        tags=own + shared,
        fingerprint=None if fingerprint is None else f"{fingerprint}{n:063x}",
    )


def _leave(
    tmp_path: Path, settings: Settings, site: SiteInfo, report: BuildReport, pages: int
) -> Path:
    cache = warm_replay.cache_folder(settings, tmp_path)
    cache.mkdir(parents=True, exist_ok=True)
    (cache / warm_replay.DATABASE_FILE).write_bytes(b"SQLite format 3\x00" + b"\0" * 84)
    placed = []
    sources = {}
    for n in range(pages):
        source = cache / "cards" / f"{n}.png"
        source.parent.mkdir(exist_ok=True)
        source.write_bytes(b"png %d" % n)
        target = site.output_dir / "assets" / "social" / f"{n}.png"
        placed.append((str(source), str(target), file_state(source)))
        page = tmp_path / "docs" / f"page-{n}.md"
        page.parent.mkdir(exist_ok=True)
        page.write_text(f"# {n}\n", encoding="utf-8")
        sources[str(page)] = file_state(page)
    path = warm_replay.snapshot_path(settings, site, tmp_path)
    warm_replay.Snapshot(
        digest=warm_replay.inputs_digest(settings, site, [], tmp_path),
        report=report,
        looked_at={str(tmp_path / "card.html"): None},
        placed=placed,
        sources=sources,
        lifetime_s=60.0,
    ).write(path)
    warm_replay._read.clear()
    return path


def test_a_snapshot_gives_back_the_same_report_and_files(
    tmp_path: Path, settings: Settings, site: SiteInfo
) -> None:
    cards = {f"p{n}.md": _card(n) for n in range(30)}
    cards["explicit.md"] = _card(98, origin="explicit", fingerprint=None)
    cards["fallback.md"] = _card(99, origin="fallback", fingerprint=None)
    outcomes: dict[str, Outcome] = {key: card.origin for key, card in cards.items()}
    outcomes["skipped.md"] = "skipped"  # an outcome without a card
    report = BuildReport(cards=cards, outcomes=outcomes, warnings=["a warning"], backend="local")
    _leave(tmp_path, settings, site, report, pages=30)
    sources = [tmp_path / "docs" / f"page-{n}.md" for n in range(30)]
    assert warm_replay.sources_unchanged(settings, site, tmp_path, sources)

    replayed = warm_replay.replay(settings, site, [], tmp_path)

    assert replayed is not None
    assert replayed.cards == cards
    assert list(replayed.cards) == list(cards)
    assert replayed.outcomes == outcomes
    assert replayed.warnings == ["a warning"]
    assert replayed.backend == "local"
    # Tags many pages share are one object each, not one per page.
    twitter = {id(card.tags[3]) for card in replayed.cards.values()}
    assert len(twitter) == 1
    for n in range(30):
        placed = site.output_dir / "assets" / "social" / f"{n}.png"
        assert placed.read_bytes() == b"png %d" % n


def test_a_snapshot_writes_each_text_once(
    tmp_path: Path, settings: Settings, site: SiteInfo
) -> None:
    cards = {f"p{n}.md": _card(n) for n in range(50)}
    report = BuildReport(cards=cards, outcomes=dict.fromkeys(cards, "cached"), backend="local")
    path = _leave(tmp_path, settings, site, report, pages=50)
    text = path.read_text("utf-8")
    assert text.count("summary_large_image") == 1
    assert text.count("https://example.org/assets/social/0000000000000007.png") == 1
    assert text.count(str(site.output_dir / "assets" / "social")) == 1


def test_a_changed_page_file_is_seen(tmp_path: Path, settings: Settings, site: SiteInfo) -> None:
    report = BuildReport(cards={"p0.md": _card(0)}, outcomes={"p0.md": "cached"})
    _leave(tmp_path, settings, site, report, pages=3)
    page = tmp_path / "docs" / "page-1.md"
    page.write_text("# changed, longer\n", encoding="utf-8")
    sources = [tmp_path / "docs" / f"page-{n}.md" for n in range(3)]
    assert not warm_replay.sources_unchanged(settings, site, tmp_path, sources)


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data["texts"].clear(),  # places pointing nowhere
        lambda data: data["pages"][0].__setitem__(2, [0, 1]),  # a card cut short
        lambda data: data.__setitem__("kinds", 7),
        lambda data: data["placed"][0].__setitem__(0, 10**6),
        lambda data: data.__setitem__("format", 1),  # written by an older pictify
    ],
)
def test_a_damaged_snapshot_means_the_full_build(
    tmp_path: Path, settings: Settings, site: SiteInfo, damage: object
) -> None:
    report = BuildReport(cards={"p0.md": _card(0)}, outcomes={"p0.md": "cached"})
    path = _leave(tmp_path, settings, site, report, pages=1)
    data = json.loads(path.read_text("utf-8"))
    damage(data)  # type: ignore[operator]
    path.write_text(json.dumps(data), encoding="utf-8")
    os.utime(path, ns=(1, 1))  # a new state, so the parsed copy in memory is not used
    assert warm_replay.replay(settings, site, [], tmp_path) is None
