"""``pictify-ssg preview --watch``: re-render a sample of cards whenever the design changes.

Changes are found by polling modification times (a few files, twice a second): no file-watch
dependency, and it behaves the same on every platform and in tests.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from pictify_ssg.commands.common import CommandError, Console
from pictify_ssg.commands.contact_sheet import SheetEntry, contact_sheet
from pictify_ssg.commands.preview_cards import PREVIEW_CACHE, Previewer, copy_card
from pictify_ssg.commands.samples import labels, sample_pages

if TYPE_CHECKING:
    from pictify_ssg.commands.preview import PreviewPlan
    from pictify_ssg.core import PageRecord, Settings

#: Folder names beside a template file whose files count as the template's assets.
ASSET_FOLDERS = ("assets",)


def watched_paths(settings: Settings, config_dir: Path, config: Path | None) -> list[Path]:
    """The files whose change means a new design: the template, its assets, the config."""
    paths = [config] if config is not None else []
    if settings.template_file is not None:
        template = settings.template_file
        template = template if template.is_absolute() else config_dir / template
        paths.append(template)
        paths.extend(template.parent / name for name in ASSET_FOLDERS)
    return paths


def signature(paths: list[Path]) -> tuple[tuple[str, int, int], ...]:
    """Size and modification time of every watched file (folders: every file inside)."""
    found = []
    for path in paths:
        for file in _files(path):
            with contextlib.suppress(OSError):
                info = file.stat()
                found.append((str(file), info.st_size, info.st_mtime_ns))
    return tuple(sorted(found))


def _files(path: Path) -> Iterator[Path]:
    if path.is_dir():
        for root, dirs, names in os.walk(path):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            yield from (Path(root) / name for name in names if not name.startswith("."))
    elif path.exists():
        yield path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the preview folder without a log line per request."""

    def log_message(self, format: str, *args: object) -> None:
        return


def serve_folder(folder: Path, port: int) -> http.server.ThreadingHTTPServer:
    """Serve ``folder`` on 127.0.0.1 in a background thread (loopback only)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        raise CommandError(
            f"--port {port}: cannot listen on 127.0.0.1 ({exc.strerror or exc}); choose "
            "another --port (0 picks a free one)"
        ) from None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class LiveSample:
    """One live-preview session: the plan, a pipeline kept open, the output folder."""

    def __init__(self, plan: PreviewPlan, folder: Path, out: Console) -> None:
        self.plan = plan
        self.folder = folder
        self.out = out
        self.rounds = 0
        self._previewer: Previewer | None = None
        self._site_page: PageRecord | None = None

    def close(self) -> None:
        """Close the pipeline (and with it the local renderer)."""
        if self._previewer is not None:
            self._previewer.close()
            self._previewer = None

    def paths(self) -> list[Path]:
        """What to watch, from the settings as they are now."""
        from pictify_ssg.core.errors import PictifySSGError

        source = self.plan.source
        config = source.config_path if source is not None else None
        try:
            settings = self._previewer.settings if self._previewer else self.plan.settings()
        except (CommandError, PictifySSGError):
            return [config] if config is not None else []  # broken config: wait for a fix
        config_dir = source.config_dir if source is not None else Path.cwd()
        return watched_paths(settings, config_dir, config)

    def _pages(self) -> tuple[list[PageRecord], dict[str, str]]:
        from pictify_ssg.commands.sites import longest_title

        pages, names = sample_pages(), labels()
        source = self.plan.source
        if source is not None:
            if self._site_page is None:
                self._site_page = longest_title(source.pages())
            if self._site_page is not None:
                pages.append(self._site_page)
                names[self._site_page.key] = f"Longest title of the site ({self._site_page.key})"
        return pages, names

    def render(self) -> None:
        """Render the sample once and write the PNGs and the contact sheet."""
        from pictify_ssg.core.errors import PictifySSGError

        self.rounds += 1
        try:
            entries = self._render()
        except (CommandError, PictifySSGError) as exc:
            # A half-typed config is normal while designing: say so and keep watching.
            self.close()
            self._write_sheet([], error=str(exc))
            self.out.error(f"render {self.rounds} failed: {exc}")
            return
        self._write_sheet(entries)
        problems = sum(entry.file is None for entry in entries)
        note = f", {problems} without a card" if problems else ""
        self.out.info(f"pictify-ssg preview: render {self.rounds}: {len(entries)} cards{note}")

    def _render(self) -> list[SheetEntry]:
        settings = self.plan.settings()
        if self._previewer is None or self._previewer.settings != settings:
            self.close()
            self._previewer = Previewer(settings, self.plan.site())
        pages, names = self._pages()
        entries = []
        for page, outcome in zip(pages, self._previewer.render(pages), strict=True):
            label = names.get(page.key, page.key)
            if outcome.path is None:
                entries.append(SheetEntry(None, label, outcome.problem))
                continue
            name = page.key.replace("/", "-").replace("\\", "-") + outcome.path.suffix
            copy_card(outcome.path, self.folder / name)
            entries.append(SheetEntry(name, label))
        return entries

    def _write_sheet(self, entries: list[SheetEntry], *, error: str = "") -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        sheet = contact_sheet(entries, round_number=self.rounds, error=error)
        (self.folder / "index.html").write_text(sheet, encoding="utf-8")


def watch(plan: PreviewPlan, args: argparse.Namespace, out: Console) -> int:
    """Render the sample, then again on every change, until Ctrl+C or ``--max-renders``."""
    if args.interval <= 0:
        raise CommandError("--interval must be more than 0 seconds", code=2)
    base = plan.source.config_dir if plan.source is not None else Path.cwd()
    folder = (args.output or base / PREVIEW_CACHE / "live").resolve()
    live = LiveSample(plan, folder, out)
    server = serve_folder(folder, args.port) if args.serve else None
    if server is not None:
        folder.mkdir(parents=True, exist_ok=True)
        out.info(f"pictify-ssg preview: contact sheet at http://127.0.0.1:{server.server_port}/")
    out.info(f"pictify-ssg preview: writing the sample to {folder}/index.html; Ctrl+C stops")
    try:
        last = None
        while True:
            current = signature(live.paths())
            if current != last:
                last = current
                live.render()
                if args.max_renders is not None and live.rounds >= args.max_renders:
                    return 0
            time.sleep(args.interval)
    except KeyboardInterrupt:
        out.info("pictify-ssg preview: stopped")
        return 0
    finally:
        live.close()
        if server is not None:
            server.shutdown()
            server.server_close()
