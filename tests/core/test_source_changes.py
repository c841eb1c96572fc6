"""Starting the local renderer early when the site's sources changed (``Pipeline.prepare``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pictify_ssg.core import PageRecord, Pipeline, Settings, SiteInfo
from pictify_ssg.core.source_changes import look
from pictify_ssg.core.store import Store


def _write(path: Path, text: str, mtime_ns: int) -> Path:
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(mtime_ns, mtime_ns))
    return path


@pytest.fixture
def files(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "docs"
    folder.mkdir()
    return [_write(folder / f"p{i}.md", f"# Page {i}\n", 10**18 + i) for i in range(3)]


def test_a_first_look_counts_everything_and_a_second_nothing(
    tmp_path: Path, files: list[Path]
) -> None:
    with Store(tmp_path / "cache") as store:
        first = look(store, "sources:x:", files, [])
        assert (first.first, first.pages, first.any) == (True, 3, True)
        written: list[str] = []
        store.set_json = lambda key, value: written.append(key)  # type: ignore[method-assign]
        again = look(store, "sources:x:", files, [])
        assert (again.first, again.pages, again.design, again.any) == (False, 0, False, False)
        assert written == []  # nothing changed: nothing written


def test_changed_new_and_gone_pages_are_counted(tmp_path: Path, files: list[Path]) -> None:
    with Store(tmp_path / "cache") as store:
        look(store, "k", files, [])
        _write(files[0], "# Page 0, renamed\n", 2 * 10**18)
        new = _write(files[0].parent / "new.md", "# New\n", 10**18)
        files[2].unlink()
        changes = look(store, "k", [files[0], files[1], new], [])
        assert (changes.pages, changes.design, changes.first) == (3, False, False)


def test_a_changed_template_counts_as_a_design_change(tmp_path: Path, files: list[Path]) -> None:
    template = _write(tmp_path / "card.html", "<h1>{{title}}</h1>", 10**18)
    with Store(tmp_path / "cache") as store:
        look(store, "k", files, [template])
        _write(template, "<h2>{{title}}</h2>", 2 * 10**18)
        changes = look(store, "k", files, [template])
        assert (changes.pages, changes.design, changes.any) == (0, True, True)


def _site(tmp_path: Path) -> SiteInfo:
    return SiteInfo(
        name="Docs",
        url="https://example.org/docs/",
        config_dir=tmp_path,
        output_dir=tmp_path / "site",
    )


def _pages(files: list[Path]) -> list[PageRecord]:
    return [
        PageRecord.create(
            key=f.name, url=f"{f.stem}/", title=f"Title of {f.stem}", source_path=f.name
        )
        for f in files
    ]


def test_prepare_starts_the_local_renderer_only_when_sources_changed(
    tmp_path: Path, files: list[Path]
) -> None:
    from pictify_ssg.local.server import _RUNNING

    running_before = set(_RUNNING)  # servers of other tests' fixtures
    settings = Settings.from_mapping({"backend": "local", "cache_dir": str(tmp_path / "cache")})
    site = _site(tmp_path)
    with Pipeline(settings, config_dir=tmp_path) as pipeline:
        assert pipeline.prepare(files, site)  # the first build: everything is new
        report = pipeline.build(_pages(files), site)
        assert report.counts["rendered"] == 3
        assert report.api_calls["templates.render"] == 3
    with Pipeline(settings, config_dir=tmp_path) as pipeline:
        assert not pipeline.prepare(files, site)  # nothing changed: no renderer
        assert pipeline.build(_pages(files), site).counts["cached"] == 3
    _write(files[1], "# Page 1, edited\n", 3 * 10**18)
    with Pipeline(settings, config_dir=tmp_path) as pipeline:
        assert pipeline.prepare(files, site)
    # Closed while the renderer may still be starting: no server of its is left running.
    assert set(_RUNNING) <= running_before


@pytest.mark.parametrize("backend", ["skip", "hosted"])
def test_prepare_starts_nothing_without_a_local_renderer(
    tmp_path: Path, files: list[Path], backend: str
) -> None:
    raw = {"backend": backend, "cache_dir": str(tmp_path / "cache")}
    if backend == "hosted":
        raw["api_key"] = "pk_test"
    with Pipeline(Settings.from_mapping(raw), config_dir=tmp_path) as pipeline:
        assert not pipeline.prepare(files, _site(tmp_path))
