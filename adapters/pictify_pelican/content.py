"""Pelican content objects -> core page snapshots, and cards -> content objects.

Per-article metadata (Markdown ``Key: value`` or reST ``:key: value``)::

    Pictify: false                    # no card for this article
    Pictify_Template: other-card.html # another template (a file or a template uid)
    Pictify_Layout: accent            # another built-in layout
    Pictify_Title: A shorter title    # card text instead of the article's title
    Pictify_Description: ...          # card text instead of the summary
    Pictify_Variables: {"accent": "#e4572e"}   # extra template variables (JSON)
    Og_Image: /images/own.png         # the article's own image: used as is, no card rendered

A value that cannot be understood (``Pictify: maybe``, ``Pictify_Variables`` that is not a
JSON object, or, from a metadata plugin reading YAML, an ``Og_Image: 42`` or a list as title)
does not stop the build: the article keeps its previous card, else gets the fallback image,
and the build warns once naming the article and the metadata key.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from pictify_ssg.core import CardResult, PageRecord
from pictify_ssg.core.text import drop_code_listings

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


def _label(key: str) -> str:
    """A metadata key as authors write it: ``pictify_variables`` -> ``Pictify_Variables``.

    Pelican lower-cases the keys it reads; messages name them the way the docs spell them.
    """
    return "_".join(part.capitalize() for part in key.split("_"))


def _is_text(value: Any) -> bool:
    """Text, or a number that reads as text (a YAML ``Title: 2026``); never a bool or a list."""
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def _kind(value: Any) -> str:
    return type(value).__name__


def content_options(metadata: Mapping[str, Any]) -> tuple[dict[str, Any] | None, tuple[str, ...]]:
    """The ``Pictify*`` metadata as the core's per-page options, and what is wrong with it.

    Returns:
        The options (None when the content opted out with ``Pictify: false``) and one message
        per value that cannot be understood, naming the metadata key, without the article's
        name (the core adds it). Bad values are left out of the options.
    """
    problems: list[str] = []
    switch = metadata.get("pictify", True)
    if switch is False or (isinstance(switch, str) and switch.strip().lower() in _FALSE):
        return None, ()
    if not (switch is None or switch is True or isinstance(switch, str)):
        problems.append(f"metadata 'Pictify' must be true or false, got {_kind(switch)} {switch!r}")
    elif isinstance(switch, str) and switch.strip().lower() not in _TRUE:
        problems.append(f"metadata 'Pictify' must be true or false, not {switch!r}")
    options: dict[str, Any] = {}
    for field in ("template", "layout", "title", "description"):
        key = f"pictify_{field}"
        value = metadata.get(key)
        if value is None or value == "":
            continue
        if _is_text(value):
            options[field] = str(value).strip()
        else:
            problems.append(f"metadata '{_label(key)}' must be text, got {_kind(value)}")
    variables = metadata.get("pictify_variables")
    if variables is not None and variables != "":
        parsed, problem = _variables(variables)
        if problem:
            problems.append(problem)
        else:
            options["variables"] = parsed
    return options, tuple(problems)


_VARIABLES_EXAMPLE = '{"accent": "#e4572e"}'


def _variables(value: Any) -> tuple[dict[str, Any], str | None]:
    """``Pictify_Variables`` as a mapping (a YAML-reading plugin may already give one)."""
    if isinstance(value, Mapping):
        return dict(value), None
    if not isinstance(value, str):
        return {}, (
            f"metadata 'Pictify_Variables' must be a JSON object such as {_VARIABLES_EXAMPLE}, "
            f"got {_kind(value)}"
        )
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as error:
        return {}, (
            f"metadata 'Pictify_Variables' is not valid JSON ({error}); write an object such as "
            f"{_VARIABLES_EXAMPLE}"
        )
    if not isinstance(parsed, dict):
        return {}, (
            f"metadata 'Pictify_Variables' must be a JSON object such as {_VARIABLES_EXAMPLE}, "
            f"got {_kind(parsed)}"
        )
    return parsed, None


def own_image(metadata: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The image the content declares itself (``og_image``, else ``image``), or the problem.

    Only the key that would be used is checked: an ``image`` shadowed by an ``og_image`` may
    hold whatever another plugin keeps there. A number or a list is never an image: it would
    otherwise become the URL ``.../42``.
    """
    for key in IMAGE_KEYS:
        value = metadata.get(key)
        if value is None or value == "":
            continue
        if isinstance(value, str):
            return value, None
        return None, (
            f"metadata '{_label(key)}' must be an image path or URL (text), got {_kind(value)} "
            f"{value!r}"
        )
    return None, None


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


def record(content: Any) -> PageRecord:
    """Snapshot one content object for the core.

    The ``Pictify*`` options (see :func:`content_options`) go to the core as
    ``meta["pictify"]`` (false, or a mapping), the shape it reads from MkDocs front matter
    too, so both SSGs follow one set of rules; the content's own ``og_image``/``image``
    becomes the ``image`` override, used as is instead of a card. Metadata of the wrong type
    goes to the core as ``problems``: the article then keeps its previous card, or gets the
    fallback image, and the core warns once naming the article and the metadata key.
    """
    metadata = dict(content.metadata)
    options, problems = content_options(metadata)
    image, image_problem = own_image(metadata)
    found = list(problems) + ([image_problem] if image_problem else [])
    if options is None:
        metadata["pictify"] = False
    else:
        metadata["pictify"] = {"image": image, **options} if image else dict(options)
    title = getattr(content, "title", None)
    if title is not None and not _is_text(title):
        found.append(f"metadata 'Title' must be text, got {_kind(title)}")
        title = None
    description = metadata.get("description")
    if description is not None and not _is_text(description):
        found.append(f"metadata 'Description' must be text, got {_kind(description)}")
        description = None
    return PageRecord.create(
        key=content_key(content),
        url=str(content.url),
        source_path=content_key(content),
        title=str(title or ""),
        description=str(description or drop_code_listings(getattr(content, "summary", "") or "")),
        meta=metadata,
        lang=getattr(content, "lang", None),
        date=getattr(content, "date", None),
        section=_name(getattr(content, "category", None)),
        author=_authors(content),
        tags=tuple(_tags(content)),
        existing_image=image,
        # Opted out (``Pictify: false``): no card is made, so nothing read for one is wrong.
        problems=found if options is not None else (),
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
