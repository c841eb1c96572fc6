"""Fixtures for core tests: real local Pictify servers over HTTP, sites and pages."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pictify_ssg.core import PageRecord, Settings, SiteInfo
from pictify_ssg.core.rendering import RenderOptions

if TYPE_CHECKING:
    from pictify_ssg.local import LocalServer

RENDER = "POST /templates/{uid}/render"
BATCH = "POST /templates/{uid}/batch-render"

CARD_HTML = """<!doctype html><html><body style="margin:0;background:#123;color:#fff;
font:60px sans-serif;padding:60px">{{title}}<p style="font-size:30px">{{site_name}}</p>
</body></html>"""


def render_options(**overrides: Any) -> RenderOptions:
    """What `CardRenderer` is given: PNG cards of 1200x630, one request at a time."""
    fields: dict[str, Any] = {
        "format": "png",
        "quality": 0.9,
        "width": 1200,
        "height": 630,
        "mode": "direct",
        "direct_threshold": 10,
        "batch_size": 100,
        "concurrency": 1,
        "timeout": 30,
        "download": True,
    }
    return RenderOptions(**(fields | overrides))


SettingsFactory = Callable[..., Settings]
SiteFactory = Callable[..., SiteInfo]


ServerFactory = Callable[..., "LocalServer"]


@pytest.fixture(scope="module")
def server_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerFactory]:
    """Start real local servers (one Chromium each: the test machine has two cores)."""
    from pictify_ssg.local import LocalServer, ServerOptions

    started: list[LocalServer] = []

    def start(**options: Any) -> LocalServer:
        srv = LocalServer(
            data_dir=tmp_path_factory.mktemp("server"),
            options=ServerOptions(browsers=1, **options),
        )
        srv.start()
        started.append(srv)
        return srv

    yield start
    for srv in started:
        srv.stop()


@pytest.fixture(scope="module")
def server(server_factory: ServerFactory) -> LocalServer:
    """One plain server per test module."""
    return server_factory()


@pytest.fixture(autouse=True)
def _fresh_stats(request: pytest.FixtureRequest) -> None:
    if "server" in request.fixturenames:
        request.getfixturevalue("server").stats.reset()


PagesFactory = Callable[..., list[PageRecord]]


@pytest.fixture
def pages() -> PagesFactory:
    """Factory of page lists (see :func:`_make_pages`)."""
    return _make_pages


def _make_pages(
    count: int, *, prefix: str = "Page", distinct: int | None = None
) -> list[PageRecord]:
    """``count`` pages; with ``distinct``, titles repeat so only that many cards differ."""
    return [
        PageRecord.create(
            key=f"p{i}.md",
            url=f"p{i}/",
            title=f"{prefix} {i % distinct if distinct else i}",
            description="A page",
        )
        for i in range(count)
    ]


@pytest.fixture
def card_file(tmp_path: Path) -> Path:
    """A template file in the site config folder."""
    path = tmp_path / "card.html"
    path.write_text(CARD_HTML, encoding="utf-8")
    return path


@pytest.fixture
def site(tmp_path: Path) -> SiteInfo:
    """A site with a URL, its config in ``tmp_path`` and output in ``tmp_path/site``."""
    return SiteInfo(
        name="Docs",
        url="https://example.org/docs/",
        config_dir=tmp_path,
        output_dir=tmp_path / "site",
    )


@pytest.fixture
def settings_for(tmp_path: Path, card_file: Path) -> SettingsFactory:
    """Settings pointing the hosted backend at a local server, cache in ``tmp_path``."""

    def make(server: LocalServer, **overrides: Any) -> Settings:
        raw: dict[str, Any] = {
            "backend": "hosted",
            "base_url": server.base_url,
            "api_key": server.api_key,
            "template_file": "card.html",
            "cache_dir": ".cache/pictify",
        }
        raw.update(overrides)
        return Settings.from_mapping(raw)

    return make


@pytest.fixture
def card_files(site: SiteInfo) -> Callable[[], list[str]]:
    """Lists the card files written into the site."""

    def list_files() -> list[str]:
        folder = site.output_dir / "assets" / "social"
        return sorted(p.name for p in folder.iterdir()) if folder.exists() else []

    return list_files
