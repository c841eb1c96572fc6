"""The two snapshots that cross from an adapter into the core: one per page, one per site."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pictify_ssg.core.text import clean_text

#: No cut while cleaning: the card text limits come from the settings alone, so
#: ``title_max_length: 0`` ("no limit") means what the documentation says.
TITLE_LIMIT = 0
DESCRIPTION_LIMIT = 0

_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _iso_date(value: dt.datetime | dt.date | str | None) -> str | None:
    """Normalise a page date to ``YYYY-MM-DD`` (strings that do not parse are kept, cleaned)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = clean_text(value)
    if not text:
        return None
    try:
        # fromisoformat of 3.10 does not take a trailing "Z"; front matter often has one.
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        return text


def _clean_url(url: str) -> str:
    """A site-relative page URL without a leading slash (``""`` is the home page)."""
    return url.strip().lstrip("/")


@dataclass(frozen=True)
class PageRecord:
    """A frozen snapshot of one page: only what the core needs, never the SSG's own object.

    Build it with :meth:`create`, which does the cleaning.

    Attributes:
        key: A unique, stable id for the page within one build (usually the source path).
        url: Site-relative URL of the page, without a leading slash (``""`` for the home page).
        source_path: Path of the source file relative to the content folder, ``/``-separated.
        title: Clean page title.
        description: Clean page description.
        meta: The page's front matter / metadata (read-only view).
        lang: Language code of the page, if known.
        date: Publication date as ``YYYY-MM-DD`` (or the cleaned original text).
        section: Name of the section/category the page belongs to.
        author: Author name(s), cleaned.
        tags: Clean tag names.
        existing_image: An image the page already declares (front matter ``image``...): it is
            used as the card as is, and nothing is rendered for the page.
        problems: Front-matter mistakes the adapter found (``"'image' must be ..."``, without
            the page name). The page then gets no new card: it keeps its previous card or the
            fallback image, and the first problem is reported as the reason.
    """

    key: str
    url: str
    source_path: str
    title: str = ""
    description: str = ""
    meta: Mapping[str, Any] = field(default_factory=lambda: _EMPTY, compare=False)
    lang: str | None = None
    date: str | None = None
    section: str | None = None
    author: str | None = None
    tags: tuple[str, ...] = ()
    existing_image: str | None = None
    problems: tuple[str, ...] = ()

    @classmethod
    def create(
        cls,
        *,
        key: str,
        url: str,
        source_path: str | None = None,
        title: object = "",
        description: object = "",
        meta: Mapping[str, Any] | None = None,
        lang: str | None = None,
        date: dt.datetime | dt.date | str | None = None,
        section: object = None,
        author: object = None,
        tags: Iterable[object] = (),
        existing_image: str | None = None,
        problems: Iterable[str] = (),
    ) -> PageRecord:
        """Build a record from raw SSG values, cleaning every text field.

        HTML tags and entities are removed, whitespace folded, and very long text cut at a word
        with an ellipsis. Dates become ``YYYY-MM-DD``.
        """
        clean_tags = tuple(t for t in (clean_text(tag) for tag in tags) if t)
        return cls(
            key=key,
            url=_clean_url(url),
            source_path=(source_path if source_path is not None else key).replace("\\", "/"),
            title=clean_text(title, TITLE_LIMIT, keep_code=True),
            description=clean_text(description, DESCRIPTION_LIMIT),
            meta=MappingProxyType(dict(meta or {})),
            lang=clean_text(lang) or None,
            date=_iso_date(date),
            section=clean_text(section) or None,
            author=clean_text(author) or None,
            tags=clean_tags,
            existing_image=(existing_image or "").strip() or None,
            problems=tuple(problems),
        )


@dataclass(frozen=True)
class SiteInfo:
    """What the core needs to know about the site being built.

    Attributes:
        name: Site name (``og:site_name`` and the ``site_name`` card variable).
        url: Absolute base URL of the published site; ``settings.site_url`` wins over it.
        description: Site description, the fallback for pages without one.
        lang: Default language of the site.
        config_dir: Folder of the site configuration; relative settings paths start here.
        output_dir: Root folder of the built site (``site/`` or ``output/``).
        variant: A key for language or version builds that share a cache (``"fr"``, ``"v2"``),
            so their card files and page records stay apart.
        source_dirs: The site's source folders (MkDocs: the config folder, ``docs_dir`` and
            the theme's ``custom_dir``; Pelican: the settings folder and ``PATH``). Files a
            page names (its card template) must lie inside one of them or inside a folder of
            the ``allowed_dirs`` setting; empty means ``config_dir`` alone.
        layout_options: The site's own logo, colours and font as the adapter found them in
            the theme's configuration (``logo`` as an absolute file path); the
            ``layout_options`` setting wins over each.
    """

    name: str = ""
    url: str | None = None
    description: str | None = None
    lang: str | None = None
    config_dir: Path = field(default_factory=Path.cwd)
    output_dir: Path = field(default_factory=lambda: Path("site"))
    variant: str | None = None
    source_dirs: tuple[Path, ...] = ()
    layout_options: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
