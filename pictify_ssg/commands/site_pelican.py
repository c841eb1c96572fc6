"""Reading a Pelican site for the CLI through the Pelican adapter's own translation."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pictify_ssg.commands.common import CommandError
from pictify_ssg.commands.sites import SiteSource

if TYPE_CHECKING:
    from pictify_ssg.core import PageRecord, Settings


class PelicanSite(SiteSource):
    """A Pelican site: ``pelicanconf.py`` read as Pelican would, articles read one by one."""

    def __init__(self, path: Path, settings: dict[str, Any]) -> None:
        from pictify_pelican.plugin import site_info
        from pictify_pelican.settings import core_options, is_configured

        self.config_path = path
        self.config_dir = path.resolve().parent
        self.pelican = settings
        self.configured = is_configured(settings)
        self.options = core_options(settings)
        self._content = Path(str(settings["PATH"]))
        # The adapter finds the settings folder from the current folder, as `pelican` is run
        # beside pelicanconf.py; the CLI knows the file itself.
        self.site = dataclasses.replace(
            site_info(settings),
            config_dir=self.config_dir,
            source_dirs=(self.config_dir, self._content.resolve()),
        )

    @classmethod
    def load(cls, path: Path) -> PelicanSite:
        """Read ``pelicanconf.py``.

        Raises:
            CommandError: Pelican is missing or the settings file fails to load.
        """
        try:
            from pelican.settings import read_settings
        except ImportError:
            raise CommandError(
                f"reading {path} needs Pelican: pip install 'pictify-ssg[pelican]'"
            ) from None
        try:
            settings = read_settings(str(path))
        except Exception as exc:  # noqa: BLE001 - a settings file is Python: anything can fail
            raise CommandError(f"{path} failed to load: {type(exc).__name__}: {exc}") from None
        return cls(path, dict(settings))

    def settings(self, overrides: Mapping[str, Any] | None = None) -> Settings:
        from pictify_pelican.settings import settings_error
        from pictify_ssg.core import SettingsError

        try:
            return super().settings(overrides)
        except SettingsError as error:
            # Option names as a Pelican user writes them (PICTIFY_WIDTH, not width).
            raise CommandError(str(settings_error(error))) from None

    def _is_page(self, relative: Path) -> bool:
        folders = self.pelican.get("PAGE_PATHS") or ["pages"]
        return any(relative.parts[: len(Path(f).parts)] == Path(f).parts for f in folders)

    def _record(self, relative: Path) -> PageRecord:
        from pelican.contents import Article, Page
        from pelican.readers import Readers

        from pictify_pelican.content import record

        kind = Page if self._is_page(relative) else Article
        readers = Readers(self.pelican)
        try:
            content = readers.read_file(
                base_path=str(self._content), path=relative.as_posix(), content_class=kind
            )
        except Exception as exc:  # noqa: BLE001 - a reader or its plugins can fail any way
            raise CommandError(f"cannot read {relative}: {type(exc).__name__}: {exc}") from None
        return record(content)

    def _extensions(self) -> set[str]:
        from pelican.readers import Readers

        return {f".{ext}" for ext in Readers(self.pelican).extensions}

    def page(self, path: Path) -> PageRecord:
        relative = self.inside(path, self._content, "content folder (PATH)")
        if relative.suffix.lower() not in self._extensions():
            raise CommandError(f"page {path} is not a content file Pelican reads")
        return self._record(relative)

    def pages(self) -> Iterator[PageRecord]:
        extensions = self._extensions()
        for folder, dirs, names in os.walk(self._content):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(names):
                path = Path(folder) / name
                if path.suffix.lower() in extensions and not name.startswith("."):
                    yield self._record(path.relative_to(self._content))
