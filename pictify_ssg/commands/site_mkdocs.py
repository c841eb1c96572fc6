"""Reading a MkDocs site for the CLI through the MkDocs adapter's own translation."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pictify_ssg.commands.common import CommandError
from pictify_ssg.commands.sites import SiteSource

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File

    from pictify_ssg.core import PageRecord


class _Collect(logging.Handler):
    """Keeps MkDocs' configuration errors, to report them in one message."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _config(path: Path) -> MkDocsConfig:
    try:
        from mkdocs.config import load_config
        from mkdocs.exceptions import MkDocsException
    except ImportError:
        raise CommandError(
            f"reading {path} needs MkDocs: pip install 'pictify-ssg[mkdocs]'"
        ) from None
    collect = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collect)
    try:
        return load_config(config_file=str(path))
    except (MkDocsException, OSError) as exc:
        # MkDocs logs each bad value and then aborts with a count; the values are the news.
        details = "; ".join(collect.messages) or str(exc)
        raise CommandError(f"{path}: {details}") from None
    finally:
        logger.removeHandler(collect)


class MkDocsSite(SiteSource):
    """A MkDocs site: ``mkdocs.yml`` loaded as MkDocs would, plugins included, no build."""

    def __init__(self, path: Path, config: MkDocsConfig) -> None:
        from pictify_mkdocs.plugin import PictifyPlugin
        from pictify_mkdocs.site import config_dir, site_info

        self.config = config
        self.config_path = path
        self.config_dir = config_dir(config)
        plugin = next(
            (p for p in config.plugins.values() if isinstance(p, PictifyPlugin)),
            None,
        )
        self.configured = plugin is not None
        self.options: dict[str, Any] = dict(plugin.options) if plugin is not None else {}
        self.site = site_info(config)
        self._docs_dir = Path(config.docs_dir)

    @property
    def source(self) -> str:
        return f"{self.config_path}: plugins.pictify"

    @classmethod
    def load(cls, path: Path) -> MkDocsSite:
        """Load ``mkdocs.yml``.

        Raises:
            CommandError: MkDocs is missing or the config is invalid.
        """
        return cls(path, _config(path))

    def _file(self, relative: str) -> File:
        from mkdocs.structure.files import File

        config = self.config
        return File(relative, config.docs_dir, config.site_dir, config.use_directory_urls)

    def _record(self, file: File) -> PageRecord:
        from mkdocs.structure.pages import Page

        from pictify_mkdocs.pages import page_record

        page = Page(None, file, self.config)
        try:
            page.read_source(self.config)
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read page {file.src_uri}: {exc}") from None
        return page_record(page, self.config, lang=self.site.lang)

    def page(self, path: Path) -> PageRecord:
        relative = self.inside(path, self._docs_dir, "docs_dir")
        if relative.suffix.lower() not in {".md", ".markdown"}:
            raise CommandError(f"page {path} is not a Markdown page (.md)")
        return self._record(self._file(relative.as_posix()))

    def pages(self) -> Iterator[PageRecord]:
        from mkdocs.structure.files import get_files

        for file in get_files(self.config).documentation_pages():
            yield self._record(file)
