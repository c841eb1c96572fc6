"""Pelican content objects -> core page snapshots, and cards -> content objects.

Per-article metadata (Markdown ``Key: value`` or reST ``:key: value``)::

    Pictify: false                    # no card for this article
    Pictify_Template: other-card.html # another template (a file or a template uid)
    Pictify_Title: A shorter title    # card text instead of the article's title
    Pictify_Description: ...          # card text instead of the summary
    Pictify_Variables: {"accent": "#e4572e"}   # extra template variables (JSON)
    Og_Image: /images/own.png         # the article's own image: used as is, no card rendered
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from pictify_ssg.core import CardResult, PageRecord

#: Generator attributes holding content objects; drafts only on request.
PUBLISHED_LISTS = ("articles", "translations", "pages", "hidden_pages", "hidden_translations")
DRAFT_LISTS = ("drafts", "drafts_translations", "draft_pages", "draft_translations")

_FALSE = {"false", "no", "off", "0", "disable", "disabled"}
_TRUE = {"true", "yes", "on", "1", ""}
#: Metadata keys (lower-case, as Pelican stores them) naming the content's own image.
IMAGE_KEYS = ("og_image", "image")
ORIGINAL_SUFFIX = "_original"


def collect(generators: Iterable[Any], *, include_drafts: bool) -> list[Any]:
    """Every article, page and translation of the site (drafts too when asked), each once."""
    names = PUBLISHED_LISTS + (DRAFT_LISTS if include_drafts else ())
    seen: set[str] = set()
    found: list[Any] = []
    for generator in generators:
        for name in names:
            for content in getattr(generator, name, None) or ():
                key = content_key(content)
                if key not in seen:
                    seen.add(key)
                    found.append(content)
    return found


def content_key(content: Any) -> str:
    """Stable key of a content object: its source path relative to the content folder."""
    return str(content.relative_source_path).replace("\\", "/")


def content_options(metadata: Mapping[str, Any]) -> dict[str, Any] | None:
    """The ``Pictify*`` metadata as the core's per-page options, or None when opted out.

    Raises:
        ValueError: a value cannot be understood (the message names the metadata key).
    """
    switch = metadata.get("pictify", True)
    if isinstance(switch, str):
        lowered = switch.strip().lower()
        if lowered in _FALSE:
            return None
        if lowered not in _TRUE:
            raise ValueError(f"metadata 'Pictify' must be true or false, not {switch!r}")
    elif switch is False:
        return None
    options: dict[str, Any] = {}
    for field in ("template", "title", "description"):
        value = metadata.get(f"pictify_{field}")
        if value:
            options[field] = str(value).strip()
    variables = metadata.get("pictify_variables")
    if variables:
        options["variables"] = _variables(variables)
    return options


def _variables(value: Any) -> dict[str, Any]:
    if isinstance(value, Mapping):
        return dict(value)
    try:
        parsed = json.loads(str(value))
    except json.JSONDecodeError as error:
        raise ValueError(f"metadata 'Pictify_Variables' is not a JSON object: {error}") from None
    if not isinstance(parsed, dict):
        raise ValueError("metadata 'Pictify_Variables' must be a JSON object such as {\"a\": 1}")
    return parsed


def own_image(metadata: Mapping[str, Any]) -> str | None:
    """The image the content declares itself (``og_image``, else ``image``)."""
    for key in IMAGE_KEYS:
        value = metadata.get(key)
        if value:
            return str(value)
    return None


def _name(value: Any) -> str | None:
    """Name of a Pelican URLWrapper (category, author) or plain value."""
    if value is None:
        return None
    return str(getattr(value, "name", value)) or None


def _authors(content: Any) -> str | None:
    authors = getattr(content, "authors", None)
    if authors:
        return ", ".join(str(_name(author)) for author in authors)
    return _name(getattr(content, "author", None))


def _tags(content: Any) -> Iterator[str]:
    for tag in getattr(content, "tags", None) or ():
        name = _name(tag)
        if name:
            yield name


def record(content: Any, options: Mapping[str, Any] | None) -> PageRecord:
    """Snapshot one content object for the core (``options``: see :func:`content_options`).

    The options go to the core as ``meta["pictify"]`` (false, or a mapping), the shape it reads
    from MkDocs front matter too, so both SSGs follow one set of rules; the content's own
    ``og_image``/``image`` becomes the ``image`` override, used as is instead of a card.
    """
    metadata = dict(content.metadata)
    image = own_image(metadata)
    if options is None:
        metadata["pictify"] = False
    else:
        metadata["pictify"] = {"image": image, **options} if image else dict(options)
    return PageRecord.create(
        key=content_key(content),
        url=str(content.url),
        source_path=content_key(content),
        title=str(getattr(content, "title", "") or ""),
        description=str(metadata.get("description") or getattr(content, "summary", "") or ""),
        meta=metadata,
        lang=getattr(content, "lang", None),
        date=getattr(content, "date", None),
        section=_name(getattr(content, "category", None)),
        author=_authors(content),
        tags=tuple(_tags(content)),
        existing_image=image,
    )


def apply_card(content: Any, card: CardResult) -> None:
    """Give the content its card: ``og_image`` in metadata and as an attribute.

    Pelican copies metadata into attributes when it builds a content object, so both are
    updated; an ``og_image`` the author wrote is kept as ``og_image_original``.
    """
    original = content.metadata.get("og_image")
    if original is not None and original != card.url:
        content.metadata["og_image" + ORIGINAL_SUFFIX] = original
        content.og_image_original = original
    content.metadata["og_image"] = card.url
    content.og_image = card.url
    content.pictify_card = card
