"""Per-page overrides read from the page's front matter under the ``pictify`` key.

Accepted shapes::

    pictify: false                  # no card for this page
    pictify:
      template: ABCDEF1234          # another Pictify template (a value ending in .html
                                    # or containing "/" is taken as template_file)
      template_file: cards/blog.html
      layout: accent                # another built-in layout (see pictify_ssg.core.layouts)
      variables: {badge: "New"}     # extra/overriding variables (Jinja2 text)
      title: "Short card title"     # card text instead of the page title
      description: "..."
      image: /img/cover.png         # use this image as is, render nothing
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pictify_ssg.core.errors import PageError
from pictify_ssg.core.layouts import UnknownLayoutError, check_layout_name
from pictify_ssg.core.text import clean_text
from pictify_ssg.core.variables import check_expression

META_KEY = "pictify"
_FILE_SUFFIXES = (".html", ".htm", ".hbs", ".handlebars")


def looks_like_file(value: str) -> bool:
    """Whether a template value is a file path rather than a Pictify uid."""
    return value.lower().endswith(_FILE_SUFFIXES) or "/" in value or "\\" in value


_KEYS = (
    *("enabled", "template", "template_file", "layout", "variables", "title", "description"),
    "image",
)


@dataclass(frozen=True)
class PageOverrides:
    """What one page changes about its card."""

    enabled: bool = True
    template: str | None = None
    template_file: str | None = None
    layout: str | None = None
    variables: Mapping[str, str | None] = field(default_factory=dict)
    title: str | None = None
    description: str | None = None
    image: str | None = None


def _optional_text(page_key: str, name: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise PageError(f"'pictify.{name}' must be text", page=page_key)
    return str(value).strip() or None


def _image(page_key: str, value: Any) -> str | None:
    # A number is never an image: "image: 42" would become the URL ".../42".
    if value is not None and not isinstance(value, str):
        raise PageError("'pictify.image' must be an image path or URL (text)", page=page_key)
    return _optional_text(page_key, "image", value)


def _layout(page_key: str, value: Any) -> str | None:
    if value is None:
        return None
    try:
        return check_layout_name(value)
    except UnknownLayoutError as exc:
        raise PageError(f"'pictify.layout': {exc}", page=page_key) from None


def _variables(page_key: str, value: Any) -> dict[str, str | None]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise PageError("'pictify.variables' must be a mapping name -> text", page=page_key)
    result: dict[str, str | None] = {}
    for name, expr in value.items():
        if expr is not None and not isinstance(expr, str):
            expr = str(expr)
        if expr is not None and "{%" in expr:
            # Page content is untrusted: statements (nested loops) could keep the build busy
            # for hours; a card variable needs only {{ }} expressions over page and site.
            raise PageError(
                f"'pictify.variables.{name}' may only use {{{{ }}}} "
                "expressions, not {% %} statements",
                page=page_key,
            )
        if expr is not None and (problem := check_expression(expr)):
            raise PageError(f"'pictify.variables.{name}': {problem}", page=page_key)
        result[str(name)] = expr
    return result


def read_overrides(page_key: str, meta: Mapping[str, Any]) -> PageOverrides:
    """Read the ``pictify`` front-matter entry of one page.

    Raises:
        PageError: Naming the page and the bad entry.
    """
    raw = meta.get(META_KEY)
    if raw is None or raw is True:
        return PageOverrides()
    if raw is False:
        return PageOverrides(enabled=False)
    if not isinstance(raw, Mapping):
        raise PageError(
            f"'pictify' must be false or a mapping with {', '.join(_KEYS)}", page=page_key
        )
    for key in raw:
        if key not in _KEYS:
            guess = difflib.get_close_matches(str(key), _KEYS, n=1)
            hint = f" (did you mean '{guess[0]}'?)" if guess else f"; use one of {', '.join(_KEYS)}"
            raise PageError(f"unknown entry 'pictify.{key}'{hint}", page=page_key)
    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        raise PageError("'pictify.enabled' must be true or false", page=page_key)
    title = _optional_text(page_key, "title", raw.get("title"))
    description = _optional_text(page_key, "description", raw.get("description"))
    template = _optional_text(page_key, "template", raw.get("template"))
    template_file = _optional_text(page_key, "template_file", raw.get("template_file"))
    if template and not template_file and looks_like_file(template):
        # Pelican has one "Pictify_Template" field for both kinds; a uid never looks like this.
        template, template_file = None, template
    return PageOverrides(
        enabled=enabled,
        template=template,
        template_file=template_file,
        layout=_layout(page_key, raw.get("layout")),
        variables=_variables(page_key, raw.get("variables")),
        title=clean_text(title, keep_code=True) if title else None,
        description=clean_text(description) if description else None,
        image=_image(page_key, raw.get("image")),
    )
