"""Helpers shared by the adapter tests: copy sites, run real builds, read the written HTML."""

from __future__ import annotations

import importlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from PIL import Image

from pictify_mkdocs.plugin import PictifyPlugin
from pictify_ssg.core import BuildReport

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_SITE = REPO / "example_site"

#: Tags every carded page must carry exactly once.
CARD_TAGS = (
    ("property", "og:image"),
    ("property", "og:image:width"),
    ("property", "og:image:height"),
    ("property", "og:image:alt"),
    ("name", "twitter:card"),
    ("name", "twitter:image"),
)


def copy_example_site(destination: Path) -> Path:
    """Copy example_site/ (both sites and the shared card) without build output or caches."""
    ignore = shutil.ignore_patterns("site", "output", ".cache", "__pycache__")
    shutil.copytree(EXAMPLE_SITE, destination, ignore=ignore)
    return destination


@dataclass
class MkDocsBuild:
    """One finished ``mkdocs build``: its config, the plugin's report and the output folder."""

    config: MkDocsConfig
    report: BuildReport | None
    site_dir: Path


def mkdocs_plugin(config: MkDocsConfig) -> PictifyPlugin:
    """The pictify plugin instance loaded by ``config``."""
    plugin = config.plugins["pictify"]
    assert isinstance(plugin, PictifyPlugin)
    return plugin


def build_mkdocs(config_file: Path, *, strict: bool = False, **overrides: Any) -> MkDocsBuild:
    """Run a real ``mkdocs build`` (with the startup and shutdown events) of ``config_file``."""
    config = load_config(str(config_file), strict=strict, **overrides)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        mkdocs_build(config)
    finally:
        config.plugins.on_shutdown()
    return MkDocsBuild(config, mkdocs_plugin(config).last_report, Path(config.site_dir))


def soup(path: Path) -> BeautifulSoup:
    """Parsed HTML of a built page."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def meta_values(page: BeautifulSoup, attr: str, key: str) -> list[str]:
    """Every ``content`` of ``<meta {attr}="{key}">`` in the page's head."""
    head = page.head
    assert head is not None
    return [str(tag.get("content", "")) for tag in head.find_all("meta", attrs={attr: key})]


def html_pages(root: Path, names: Iterator[str] | list[str] | None = None) -> list[Path]:
    """Built HTML pages under ``root`` (all of them, or the given relative paths)."""
    if names is not None:
        return [root / name for name in names]
    return sorted(root.rglob("*.html"))


def image_size(path: Path) -> tuple[int, int]:
    """Pixel size of an image file."""
    with Image.open(path) as image:
        width, height = image.size
        return int(width), int(height)


def local_file(site_dir: Path, site_url: str, url: str) -> Path:
    """The file in the built site that an absolute URL under ``site_url`` points at."""
    assert url.startswith(site_url), f"{url} is not under {site_url}"
    return site_dir / url[len(site_url) :]


def render_calls(report: BuildReport) -> int:
    """Calls that made images in a build (direct renders plus batch jobs)."""
    return report.direct_renders + report.batches


def pelican_class() -> Any:
    """``pelican.Pelican``, looked up at run time.

    mypy resolves ``pelican`` to our ``adapters/pelican`` namespace folder (``mypy_path``), which
    has no ``Pelican``; the real class lives in the installed package.
    """
    return importlib.import_module("pelican").Pelican


@dataclass
class PelicanBuild:
    """One finished Pelican run: its settings, the plugin's report and the output folder."""

    settings: dict[str, Any]
    report: BuildReport | None
    output: Path
    contents: list[Any]


def build_pelican(config_file: Path, **overrides: Any) -> PelicanBuild:
    """Run Pelican in-process on ``config_file`` and keep every written article and page."""
    import pelican.plugins.signals as signals
    from pelican.settings import read_settings

    from pictify_pelican.plugin import STATE_KEY

    contents: list[Any] = []

    def keep(generator: Any, writer: Any) -> None:
        for name in ("articles", "translations", "pages", "hidden_pages", "hidden_translations"):
            contents.extend(getattr(generator, name, None) or ())

    signals.article_writer_finalized.connect(keep)
    signals.page_writer_finalized.connect(keep)
    try:
        settings = read_settings(str(config_file), override=overrides)
        pelican = pelican_class()(settings)
        pelican.run()
    finally:
        signals.article_writer_finalized.disconnect(keep)
        signals.page_writer_finalized.disconnect(keep)
    state = pelican.settings.get(STATE_KEY)
    report = state.report if state is not None else None
    return PelicanBuild(pelican.settings, report, Path(pelican.settings["OUTPUT_PATH"]), contents)


def make_pelican_site(
    root: Path, settings: str, articles: dict[str, str], *, site_url: str
) -> Path:
    """Write a small Pelican site: ``articles`` under ``content/`` and a minimal pelicanconf.py
    (no feeds) ending with ``settings``; returns the config file."""
    content = root / "content"
    content.mkdir(parents=True, exist_ok=True)
    for name, text in articles.items():
        (content / name).write_text(text, encoding="utf-8")
    config = root / "pelicanconf.py"
    config.write_text(
        f'SITENAME = "Small blog"\nSITEURL = "{site_url}"\nPATH = "content"\n'
        'OUTPUT_PATH = "output"\nTIMEZONE = "UTC"\nDEFAULT_LANG = "en"\n'
        "FEED_ALL_ATOM = None\nCATEGORY_FEED_ATOM = None\nAUTHOR_FEED_ATOM = None\n"
        "AUTHOR_FEED_RSS = None\nTRANSLATION_FEED_ATOM = None\n" + settings,
        encoding="utf-8",
    )
    return config


_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def run_pelican_cli(config_file: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the installed ``pelican`` command on ``config_file`` as a user would, from its folder.

    No API key is passed on; stdout and stderr are captured as text, without colour codes.
    The console is wide, so each log record is one line (see :func:`pelican_log`).
    """
    pelican = Path(sys.executable).with_name("pelican")
    env = {k: v for k, v in os.environ.items() if k not in ("PICTIFY_API_KEY", "FORCE_COLOR")}
    env["COLUMNS"] = "400"
    result = subprocess.run(
        [str(pelican), "content", "-s", str(config_file), *args],
        cwd=config_file.parent,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env=env,
    )
    result.stdout = _ANSI.sub("", result.stdout)
    result.stderr = _ANSI.sub("", result.stderr)
    return result


#: A record on Pelican's console: ``[12:00:00] WARNING  message   file.py:12`` (the time is
#: left blank when it repeats).
_RECORD = re.compile(r"^(?:\[[\d:]+\])?\s*(DEBUG|INFO|WARNING|ERROR|CRITICAL)\s+(.*?)\s+\S+:\d+$")


def pelican_log(output: str, level: str) -> list[str]:
    """The first line of each record at ``level`` that Pelican printed (run through
    :func:`run_pelican_cli`), without the time and source columns."""
    records = []
    for line in output.splitlines():
        found = _RECORD.match(line.rstrip())
        if found and found[1] == level:
            records.append(found[2])
    return records


#: Chromium flags for tests: no sandbox (root in CI), no GPU, no background network calls.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def gallery_images(gallery: Path) -> list[tuple[str, int, int]]:
    """Open a card gallery in headless Chromium; (src, natural width, natural height) per image.

    Only the site's own card files are loaded: requests leaving ``file://`` are aborted, so
    an explicit image on a remote host shows up with size 0 instead of reaching the network.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True
        )
        try:
            page = browser.new_page()
            page.route("http*://**", lambda route: route.abort())
            page.goto(gallery.as_uri(), wait_until="load")
            # The gallery lazy-loads its cards (as it should for hundreds); a reviewer scrolls,
            # the test asks for every image now and waits until each has loaded or failed.
            page.evaluate("for (const i of document.images) i.loading = 'eager'")
            page.wait_for_function("[...document.images].every(i => i.complete)")
            rows: list[tuple[str, int, int]] = page.eval_on_selector_all(
                "img",
                "imgs => imgs.map(i => [i.getAttribute('src'), i.naturalWidth, i.naturalHeight])",
            )
        finally:
            browser.close()
    return [(str(src), int(w), int(h)) for src, w, h in rows]
