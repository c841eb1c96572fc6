"""Warm builds replayed from the last build's snapshot: the same site, and every change seen.

A replayed build must write exactly the pages and card files the full build writes, and any
input that could change a card (a page, an option, the template, a picture it inlines, a card
file in the cache, time) must send the build down the full path again.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from mkdocs.exceptions import Abort
from PIL import Image

from pictify_ssg.core import BuildReport, warm_replay

from .helpers import MkDocsBuild, build_mkdocs, html_pages, meta_values, soup

pytestmark = pytest.mark.slow

PAGES = {
    "index.md": "# Replay home\n\nHello.\n",
    "guide/one.md": "---\ndescription: The first guide page.\n---\n\n# Guide one\n",
    "guide/two.md": "# Guide two: café ☕ 日本語\n",
}
TEMPLATE = (
    "<html><head><style>body{margin:0;width:1200px;height:630px}</style></head><body>"
    '<img src="logo.png" alt=""><h1>{{title}}</h1><p>{{description}}</p></body></html>'
)


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One render cache for the module: each distinct card renders once."""
    return tmp_path_factory.mktemp("replay-cache")


def write_picture(path: Path, colour: str) -> None:
    Image.new("RGB", (64, 64), colour).save(path)


def make_site(
    root: Path,
    cache: Path,
    *,
    site_url: str | None = "https://example.org/replay/",
    extra: str = "",
) -> Path:
    for name, text in PAGES.items():
        path = root / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "card.html").write_text(TEMPLATE, encoding="utf-8")
    write_picture(root / "logo.png", "navy")
    config = root / "mkdocs.yml"
    url = f"site_url: {site_url}\n" if site_url else ""
    config.write_text(
        f"site_name: Replay site\n{url}plugins:\n  - pictify:\n"
        f"      template_file: card.html\n      cache_dir: {cache}\n{extra}",
        encoding="utf-8",
    )
    return config


class PipelineCount:
    """Tells the builds replayed from the last build's snapshot from the full ones."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.outcomes: list[bool] = []
        original = warm_replay.replay

        def recording(*args: Any) -> BuildReport | None:
            report = original(*args)
            self.outcomes.append(report is not None)
            return report

        monkeypatch.setattr(warm_replay, "replay", recording)

    def build(self, config: Path, **options: Any) -> tuple[MkDocsBuild, bool]:
        """Build; also say whether the build was replayed."""
        before = len(self.outcomes)
        result = build_mkdocs(config, **options)
        assert len(self.outcomes) == before + 1
        return result, self.outcomes[-1]


def site_files(site_dir: Path) -> dict[str, bytes]:
    """Every file of the built site that pictify writes or edits, minus MkDocs' own varying
    parts (the sitemap's dates, the build date in the home page's comment)."""
    files = {}
    for path in html_pages(site_dir):
        text = path.read_text("utf-8")
        kept = [line for line in text.splitlines() if not line.startswith("Build Date UTC")]
        files[str(path.relative_to(site_dir))] = "\n".join(kept).encode()
    for path in sorted((site_dir / "assets" / "social").glob("*")):
        files[str(path.relative_to(site_dir))] = path.read_bytes()
    return files


def test_a_warm_build_is_replayed_and_writes_the_same_site(
    tmp_path: Path, shared_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counter = PipelineCount(monkeypatch)
    config = make_site(tmp_path, shared_cache)
    build_mkdocs(config)  # cold, or warm from the shared cache: it leaves a snapshot
    shutil.rmtree(shared_cache / "snapshots")
    full, replayed = counter.build(config)
    assert not replayed
    full_files = site_files(full.site_dir)
    again, replayed = counter.build(config, strict=True)
    assert replayed
    assert site_files(again.site_dir) == full_files
    assert full.report is not None
    assert again.report is not None
    assert again.report.cards == full.report.cards
    assert again.report.outcomes == full.report.outcomes
    assert again.report.warnings == full.report.warnings == []
    page = soup(again.site_dir / "guide" / "one" / "index.html")
    assert meta_values(page, "property", "og:image") == [again.report.cards["guide/one.md"].url]


def test_the_build_after_a_render_is_replayed_as_a_warm_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counter = PipelineCount(monkeypatch)
    config = make_site(tmp_path, tmp_path / "own-cache")
    cold, replayed = counter.build(config)
    assert not replayed
    assert cold.report is not None
    assert cold.report.rendered == 3
    warm, replayed = counter.build(config)
    assert replayed
    assert warm.report is not None
    assert warm.report.counts["cached"] == 3
    assert {card.origin for card in warm.report.cards.values()} == {"cached"}
    assert {key: card.url for key, card in warm.report.cards.items()} == {
        key: card.url for key, card in cold.report.cards.items()
    }


def test_a_replayed_build_loads_no_pipeline(tmp_path: Path, shared_cache: Path) -> None:
    config = make_site(tmp_path, shared_cache)
    build_mkdocs(config)
    build_mkdocs(config)
    code = (
        "import sys\n"
        "from mkdocs.commands.build import build\n"
        "from mkdocs.config import load_config\n"
        f"config = load_config({str(config)!r})\n"
        "config.plugins.on_startup(command='build', dirty=False)\n"
        "build(config)\n"
        "config.plugins.on_shutdown()\n"
        "report = config.plugins['pictify'].last_report\n"
        "assert report is not None and len(report.cards) == 3, report\n"
        "heavy = ('pictify_ssg.core.pipeline', 'pydantic_core._pydantic_core', 'diskcache', "
        "'asyncio')\n"
        "print(' '.join(m for m in heavy[:1] + heavy[2:] if m in sys.modules))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PICTIFY_")}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == []


@pytest.mark.parametrize(
    "change",
    ["page title", "page body only", "option", "template", "inlined picture", "new picture"],
)
def test_every_change_that_could_change_a_card_is_a_full_build(
    tmp_path: Path, shared_cache: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    counter = PipelineCount(monkeypatch)
    config = make_site(tmp_path, shared_cache)
    build_mkdocs(config)
    build_mkdocs(config)
    _, replayed = counter.build(config)
    assert replayed
    if change == "page title":
        page = tmp_path / "docs" / "guide" / "two.md"
        page.write_text("# Guide two, renamed\n", encoding="utf-8")
    elif change == "page body only":
        page = tmp_path / "docs" / "index.md"
        page.write_text("# Replay home\n\nOther words.\n", encoding="utf-8")
    elif change == "option":
        text = config.read_text("utf-8") + "      title_max_length: 12\n"
        config.write_text(text, encoding="utf-8")
    elif change == "template":
        card = tmp_path / "card.html"
        card.write_text(TEMPLATE.replace("<h1>", "<h1 style='color:red'>"), encoding="utf-8")
    elif change == "inlined picture":
        write_picture(tmp_path / "logo.png", "orange")
    else:  # a picture appears where the template looks first (next to it), so it wins
        (tmp_path / "card.html").write_text(TEMPLATE.replace("logo.png", "img/logo.png"), "utf-8")
        build_mkdocs(config)  # the template changed: full
        build_mkdocs(config)  # leaves a snapshot that looked for img/logo.png and found none
        _, replayed = counter.build(config)
        assert replayed
        (tmp_path / "img").mkdir()
        write_picture(tmp_path / "img" / "logo.png", "green")
    result, replayed = counter.build(config)
    # A body edit changes no card: it is the one change that may still be replayed.
    assert replayed is (change == "page body only")
    assert result.report is not None
    assert len(result.report.cards) == 3


def test_a_changed_or_missing_card_file_is_a_full_build(
    tmp_path: Path, shared_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counter = PipelineCount(monkeypatch)
    cache = tmp_path / "own-cache"
    config = make_site(tmp_path, cache)
    build_mkdocs(config)
    build_mkdocs(config)
    cards = sorted((cache / "cards").glob("*.png"))
    assert len(cards) == 3
    os.utime(cards[0], ns=(1, 1))  # as a copy of the cache without its times would be
    result, replayed = counter.build(config)
    assert not replayed
    assert result.report is not None
    assert result.report.rendered == 0  # the full build checked the file and kept it
    cards[1].unlink()
    result, replayed = counter.build(config)
    assert not replayed
    assert result.report is not None
    assert result.report.rendered == 1
    for path in result.site_dir.joinpath("assets", "social").glob("*.png"):
        assert path.stat().st_size > 0


def test_an_old_snapshot_is_not_trusted(
    tmp_path: Path, shared_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counter = PipelineCount(monkeypatch)
    config = make_site(tmp_path, shared_cache)
    build_mkdocs(config)
    build_mkdocs(config)
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + warm_replay.LIFETIME_S + 1)
    _, replayed = counter.build(config)
    assert not replayed


@pytest.mark.parametrize(
    ("site_url", "warning"),
    [(None, "site_url is not set"), ("http://example.org/replay/", "http")],
)
def test_warnings_are_given_again_and_strict_still_fails(
    tmp_path: Path,
    shared_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    site_url: str | None,
    warning: str,
) -> None:
    counter = PipelineCount(monkeypatch)
    config = make_site(tmp_path, shared_cache, site_url=site_url)
    full = build_mkdocs(config)
    assert full.report is not None
    assert any(warning in w for w in full.report.warnings)
    caplog.set_level(logging.WARNING)
    result, replayed = counter.build(config)
    assert replayed
    assert result.report is not None
    assert result.report.warnings == full.report.warnings
    assert any(warning in r.getMessage() for r in caplog.records)
    with pytest.raises(Abort):
        counter.build(config, strict=True)


def test_a_build_with_a_failed_page_leaves_no_snapshot(tmp_path: Path) -> None:
    cache = tmp_path / "fresh-cache"
    config = make_site(tmp_path, cache)
    build_mkdocs(config)
    snapshots = cache / "snapshots"
    assert len(list(snapshots.glob("*.snapshot"))) == 1
    (tmp_path / "docs" / "bad.md").write_text(
        "---\npictify:\n  template_file: ../../etc/passwd\n---\n# Bad\n", encoding="utf-8"
    )
    build_mkdocs(config)
    assert not list(snapshots.glob("*.snapshot"))  # the next build is a full one, and warns


def test_clearing_the_cache_removes_the_snapshots(tmp_path: Path) -> None:
    from pictify_ssg.core.store import Store

    cache = tmp_path / "clear-cache"
    config = make_site(tmp_path, cache)
    build_mkdocs(config)
    build_mkdocs(config)
    assert list((cache / "snapshots").glob("*.snapshot"))
    with Store(cache) as store:
        store.clear()
    assert not (cache / "snapshots").exists()


def test_files_outside_the_site_are_never_noted(tmp_path: Path) -> None:
    """A page's own template that points at files outside the site (a hostile page): the
    snapshot notes nothing about them, not even whether they exist."""
    cache = tmp_path / "own-cache"
    site_root = tmp_path / "site"
    config = make_site(site_root, cache)
    outside = tmp_path / "outside.png"
    write_picture(outside, "red")
    (site_root / "hostile.html").write_text(
        TEMPLATE.replace("logo.png", "../../outside.png").replace(
            "<h1>", '<img src="/etc/hostname"><img src="../../../../../etc/passwd"><h1>'
        ),
        encoding="utf-8",
    )
    (site_root / "docs" / "hostile.md").write_text(
        "---\npictify:\n  template_file: hostile.html\n---\n# Hostile\n", encoding="utf-8"
    )
    result = build_mkdocs(config)
    assert result.report is not None
    assert "hostile.md" in result.report.cards  # rendered without the outside pictures
    [snapshot] = (cache / "snapshots").glob("*.snapshot")
    noted = json.loads(snapshot.read_text("utf-8"))["looked_at"]
    assert noted, "the designs' own files are noted"
    for name in noted:
        assert Path(name).resolve().is_relative_to(site_root.resolve()), name
