"""What a warm build costs: cards streamed one at a time, no needless writes, light imports.

Also the build's summary record (its own logger) and the size of a local server started for
a few cards.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pictify_ssg.core import PageRecord, Settings, SiteInfo, build
from pictify_ssg.core import cards as cards_module
from pictify_ssg.core.backend import ServiceOpener, choose_backend
from pictify_ssg.core.cards import save_card
from pictify_ssg.core.phases.publish import VANISHED
from pictify_ssg.core.service import Rendered
from pictify_ssg.core.store import Store

if TYPE_CHECKING:
    from pictify_ssg.local import LocalServer

SettingsFactory = Callable[..., Settings]
PagesFactory = Callable[..., list[PageRecord]]
MIB = 1024 * 1024


def _store(site: SiteInfo) -> Store:
    return Store(site.config_dir / ".cache" / "pictify")


def _card_files(site: SiteInfo) -> dict[str, bytes]:
    folder = site.output_dir / "assets" / "social"
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.png"))}


@pytest.fixture
def set_json_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Keys the store writes JSON values under (the real method still runs)."""
    written: list[str] = []
    real = Store.set_json

    def spy(self: Store, key: str, value: object) -> None:
        written.append(key)
        real(self, key, value)

    monkeypatch.setattr(Store, "set_json", spy)
    return written


def test_warm_build_never_holds_the_cards(
    server: LocalServer, settings_for: SettingsFactory, pages: PagesFactory, site: SiteInfo
) -> None:
    settings = settings_for(server)
    build(pages(6), settings, site)
    # Make every cached card large (2 MiB, distinct) so holding them all would show.
    with _store(site) as store:
        names = sorted(p.name for p in store.files.directory.iterdir())
        assert len(names) == 6
        # The real card with 2 MiB appended, saved like a render (save_card records the
        # length, time and CRC of the file).
        big = {
            name: (store.files.read(name) or b"") + bytes([i]) * (2 * MIB)
            for i, name in enumerate(names)
        }
        for name, data in big.items():
            fingerprint = name.removesuffix(".png")
            save_card(
                store, fingerprint, Rendered(None, 0, 0, data), format="png", optimized="palette"
            )
    for path in (site.output_dir / "assets" / "social").glob("*.png"):
        path.unlink()  # a clean site folder, as `mkdocs build` starts from

    tracemalloc.start()
    try:
        report = build(pages(6), settings, site)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert report.counts["cached"] == 6
    assert sorted(_card_files(site).values()) == sorted(big.values())
    # 12 MiB of cards went into the site; reading them (as before) would peak above that.
    assert peak < 2 * MIB, f"peak {peak / MIB:.1f} MiB"


def test_unchanged_page_records_are_not_rewritten(
    server: LocalServer,
    settings_for: SettingsFactory,
    pages: PagesFactory,
    site: SiteInfo,
    set_json_calls: list[str],
) -> None:
    settings = settings_for(server)
    build(pages(4), settings, site)
    assert len([k for k in set_json_calls if k.startswith("page:")]) == 4

    set_json_calls.clear()
    report = build(pages(4), settings, site)
    assert report.counts["cached"] == 4
    assert set_json_calls == []  # a warm build writes no JSON at all

    changed = pages(4)
    changed[2] = PageRecord.create(key="p2.md", url="p2/", title="A new title")
    build(changed, settings, site)
    assert [k for k in set_json_calls if k.startswith("page:")] == [
        k for k in set_json_calls if k.endswith(":p2.md")
    ]
    assert len([k for k in set_json_calls if k.startswith("page:")]) == 1


def test_cached_bytes_gone_before_publishing_fail_the_page_not_the_build(
    server: LocalServer,
    settings_for: SettingsFactory,
    pages: PagesFactory,
    site: SiteInfo,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = settings_for(server)
    build(pages(2), settings, site)

    # The files vanish between lookup and publishing, as with a concurrent prune.
    def vanished(source: Path, target: Path) -> bool:
        raise FileNotFoundError(source)

    with monkeypatch.context() as patch:
        patch.setattr(cards_module, "place_file", vanished)
        report = build(pages(2), settings, site)
    assert report.cards == {}
    assert sorted(report.failed) == [("p0.md", VANISHED), ("p1.md", VANISHED)]
    # Nothing was lost: the next build publishes them from the cache again.
    report = build(pages(2), settings, site)
    assert report.counts["cached"] == 2
    assert len(_card_files(site)) == 2


def test_summary_record_has_its_own_logger(
    server: LocalServer,
    settings_for: SettingsFactory,
    pages: PagesFactory,
    site: SiteInfo,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="pictify_ssg"):
        report = build(pages(1), settings_for(server), site)
    summaries = [r for r in caplog.records if r.name == "pictify_ssg.summary"]
    assert len(summaries) == 1
    assert summaries[0].getMessage() == report.summary_line
    assert summaries[0].msg == report.summary_line
    assert not summaries[0].args
    assert summaries[0].levelno == logging.INFO
    # propagating through `pictify_ssg`, the logger adapters forward
    assert logging.getLogger("pictify_ssg.summary").parent is logging.getLogger("pictify_ssg")


@pytest.mark.parametrize(("renders", "pages"), [(1, 1), (4, 1), (5, 2), (200, 2), (None, 2)])
def test_a_few_misses_start_one_page_many_start_two(
    tmp_path: Path, renders: int | None, pages: int
) -> None:
    settings = Settings.from_mapping({"backend": "local", "direct_threshold": 4})
    opener = ServiceOpener(settings, choose_backend(settings), tmp_path)
    options = opener.local_options(renders)
    assert (options.browsers, options.pages_per_browser) == (1, pages)


def _modules_after(code: str) -> set[str]:
    watched = ("httpx", "rich", "pictify_ssg.client", "pictify_ssg.local.server")
    script = f"import sys\n{code}\nprint(' '.join(m for m in {watched!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    return set(result.stdout.split())


def test_the_core_does_not_import_http_until_a_service_opens() -> None:
    assert _modules_after("import pictify_ssg.core.pipeline, pictify_ssg.core.phases.run") == set()


def test_a_warm_build_imports_no_http_stack(
    server: LocalServer, settings_for: SettingsFactory, pages: PagesFactory, site: SiteInfo
) -> None:
    settings = settings_for(server)
    build(pages(2), settings, site)
    code = _warm_build_code(settings, site)
    assert _modules_after(code) == set()


def _warm_build_code(settings: Settings, site: SiteInfo) -> str:
    raw: dict[str, Any] = {
        "backend": "hosted",
        "base_url": settings.base_url,
        "api_key": settings.api_key.get_secret_value() if settings.api_key else None,
        "template_file": str(settings.template_file),
        "cache_dir": str(settings.cache_dir),
    }
    return (
        "from pathlib import Path\n"
        "from pictify_ssg.core import PageRecord, Settings, SiteInfo, build\n"
        f"settings = Settings.from_mapping({raw!r})\n"
        f"site = SiteInfo(name={site.name!r}, url={site.url!r}, "
        f"config_dir=Path({str(site.config_dir)!r}), output_dir=Path({str(site.output_dir)!r}))\n"
        "pages = [PageRecord.create(key=f'p{i}.md', url=f'p{i}/', title=f'Page {i}', "
        "description='A page') for i in range(2)]\n"
        "report = build(pages, settings, site)\n"
        "assert report.counts['cached'] == 2, report.summary_line\n"
    )
