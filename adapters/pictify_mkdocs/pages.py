"""Snapshots of MkDocs pages for the core: only the fields a card needs, never the page object."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

from pictify_ssg.core import PageRecord
from pictify_ssg.core.text import drop_code_marks

#: Front-matter key holding the per-page card options (``false`` or a mapping); the core reads it.
FRONT_MATTER_KEY = "pictify"
#: Front-matter key of a page's own social image, which then replaces the card.
IMAGE_KEY = "image"


def front_matter_problems(meta: Mapping[str, Any]) -> tuple[str, ...]:
    """Front-matter values of the wrong type that the card would read.

    ``image: 42`` would otherwise become the URL ``.../42``, and ``description: {a: 1}`` (or
    such a ``title``) the card text ``{'a': 1}``. The core gives such a page its previous card
    or the fallback image and names the field in its warning.
    """
    problems = []
    image = meta.get(IMAGE_KEY)
    if image is not None and not isinstance(image, str):
        problems.append(
            f"'{IMAGE_KEY}' must be an image path or URL (text), got {type(image).__name__} "
            f"{image!r}"
        )
    for name in ("title", "description"):
        value = meta.get(name)
        if value is not None and not isinstance(value, (str, int, float)):
            problems.append(f"'{name}' must be text, got {type(value).__name__}")
    return tuple(problems)


def card_meta(meta: Mapping[str, Any]) -> dict[str, Any]:
    """The page's front matter for the core, with an explicit ``image:`` turned into the
    core's ``pictify: {image: ...}`` override so the page keeps its own picture.

    Anything else in ``pictify:`` (opt-out, template, variables, title...) is left for the core
    to validate, so MkDocs and Pelican pages follow one set of rules.
    """
    result = dict(meta)
    image = meta.get(IMAGE_KEY)
    if not isinstance(image, str):
        image = None  # reported by front_matter_problems()
    options = meta.get(FRONT_MATTER_KEY)
    if image and (options is None or options is True):
        result[FRONT_MATTER_KEY] = {"image": image}
    elif image and isinstance(options, Mapping) and "image" not in options:
        result[FRONT_MATTER_KEY] = {**options, "image": image}
    return result


#: Between nested section titles (a single right-pointing angle quotation mark).
SECTION_SEPARATOR = " \u203a "


def _section(page: Page) -> str | None:
    """The nav sections holding the page, outermost first: ``Guides \u203a Advanced``."""
    titles = []
    parent = page.parent
    while parent is not None:
        if parent.title:
            titles.append(str(parent.title))
        parent = parent.parent
    return SECTION_SEPARATOR.join(reversed(titles)) or None


def _date(meta: Mapping[str, Any]) -> datetime | date | str | None:
    value = meta.get("date")
    if isinstance(value, (datetime, date, str)):
        return value
    return None


def _tags(meta: Mapping[str, Any]) -> tuple[str, ...]:
    value = meta.get("tags")
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (list, tuple)):
        return tuple(str(tag) for tag in value)
    return ()


def _author(meta: Mapping[str, Any]) -> str | None:
    value = meta.get("author") or meta.get("authors")
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value) or None
    return str(value) if value else None


def page_record(page: Page, config: MkDocsConfig, *, lang: str | None) -> PageRecord:
    """Snapshot one page as the core sees it.

    Call it from ``on_page_markdown`` (late), when front matter is parsed, other plugins have
    changed the meta, and ``page.title`` already falls back to the Markdown's first heading.
    """
    meta = page.meta
    problems = front_matter_problems(meta)
    image = meta.get(IMAGE_KEY) if isinstance(meta.get(IMAGE_KEY), str) else None
    description = meta.get("description")
    if not isinstance(description, (str, int, float)):
        description = None
    return PageRecord.create(
        key=page.file.src_uri,
        url=page.url,
        source_path=page.file.src_uri,
        # A title MkDocs took from the first heading is Markdown: "The `Client` class".
        title=drop_code_marks(str(page.title)) if isinstance(page.title, (str, int, float)) else "",
        description=description or config.site_description or "",
        meta=card_meta(meta),
        lang=lang,
        date=_date(meta),
        section=_section(page),
        author=_author(meta),
        tags=_tags(meta),
        existing_image=image or None,
        problems=problems,
    )
