"""A site's configuration as the CLI needs it: the pictify options, the site, its pages.

The MkDocs and Pelican readers (:mod:`~pictify_ssg.commands.site_mkdocs`,
:mod:`~pictify_ssg.commands.site_pelican`) translate through the adapters' own functions, so
a preview sees a page exactly as a build would, without building the site.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pictify_ssg.commands.common import CommandError

if TYPE_CHECKING:
    from pictify_ssg.core import PageRecord, Settings, SiteInfo


class SiteSource(ABC):
    """One site's configuration, read without building the site.

    Attributes:
        config_path: ``mkdocs.yml`` or ``pelicanconf.py``.
        config_dir: Its folder, where relative option paths start.
        options: The pictify options as written (core field names), before validation.
        site: What the core needs to know about the site.
        configured: Whether the site turns pictify on (else the defaults are used).
    """

    config_path: Path
    config_dir: Path
    options: dict[str, Any]
    site: SiteInfo
    configured: bool

    @property
    def source(self) -> str:
        """Where the options come from, for messages."""
        return str(self.config_path)

    def settings(self, overrides: Mapping[str, Any] | None = None) -> Settings:
        """The site's settings with ``overrides`` on top, validated, files checked.

        Raises:
            SettingsError: Naming each bad option as the site spells it.
        """
        from pictify_ssg.core import Settings

        settings = Settings.from_mapping({**self.options, **(overrides or {})}, source=self.source)
        settings.check_files(self.config_dir, source=self.source)
        return settings

    @abstractmethod
    def page(self, path: Path) -> PageRecord:
        """The record of one source file of the site, as a build would make it.

        Raises:
            CommandError: The file is not a page of the site, or cannot be read.
        """

    @abstractmethod
    def pages(self) -> Iterator[PageRecord]:
        """Every page of the site (read from source, one at a time)."""

    def inside(self, path: Path, folder: Path, what: str) -> Path:
        """``path`` relative to ``folder``, or an error naming ``what`` the folder is."""
        if not path.is_file():
            raise CommandError(f"page {path} does not exist or is not a file")
        try:
            return path.resolve().relative_to(folder.resolve())
        except ValueError:
            raise CommandError(
                f"page {path} is not inside the site's {what} ({folder}); name a source file "
                "of the site"
            ) from None


def load_site(path: Path) -> SiteSource:
    """Read ``mkdocs.yml`` (``.yml``/``.yaml``) or ``pelicanconf.py`` (``.py``).

    Raises:
        CommandError: The file is of neither kind, its SSG is not installed, or it is invalid.
    """
    suffix = path.suffix.lower()
    if suffix in {".yml", ".yaml"}:
        from pictify_ssg.commands.site_mkdocs import MkDocsSite

        return MkDocsSite.load(path)
    if suffix == ".py":
        from pictify_ssg.commands.site_pelican import PelicanSite

        return PelicanSite.load(path)
    raise CommandError(
        f"--config-file: {path} is neither a MkDocs config (.yml) nor Pelican settings (.py)",
        code=2,
    )


def longest_title(pages: Iterator[PageRecord]) -> PageRecord | None:
    """The page with the longest title (the one most likely to overflow a card)."""
    return max(pages, key=lambda page: len(page.title), default=None)
