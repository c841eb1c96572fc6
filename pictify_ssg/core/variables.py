"""Card variables: Jinja2 text over ``page`` and ``site``, rendered in a sandbox."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from pictify_ssg.core.errors import PageError
from pictify_ssg.core.records import PageRecord, SiteInfo

#: What every card gets unless the settings or the page say otherwise.
DEFAULT_VARIABLES: Mapping[str, str] = {
    "title": "{{ page.title }}",
    "description": "{{ page.description or site.description }}",
    "site_name": "{{ site.name }}",
    "url": "{{ page.url }}",
    "section": "{{ page.section }}",
    "date": "{{ page.date }}",
    "author": "{{ page.author }}",
    "tags": "{{ page.tags | join(', ') }}",
    "lang": "{{ page.lang or site.lang }}",
}


#: Largest number a variable expression may pass to a call, filter or operator that sizes
#: its result (``'x' * n``, ``'x'.ljust(n)``, ``'x' | center(n)``, ``'%{n}d' % 1``). Front
#: matter is written by page authors: without a bound, one line makes the build allocate
#: gigabytes.
MAX_EXPRESSION_NUMBER = 10_000

#: Longest text one card variable may render to; a card shows a few hundred characters.
MAX_VARIABLE_CHARS = 10_000

_WIDE_FORMAT = re.compile(r"\d{5,}")
#: ``{{ page.title }}``-like expressions: most variables are exactly this, and looking the
#: value up directly gives what Jinja would, at a fraction of a template render's cost.
_PLAIN_LOOKUP = re.compile(
    r"^\{\{\s*(page|site)\.([A-Za-z_]\w*)(?:\s+or\s+(page|site)\.([A-Za-z_]\w*))?\s*\}\}$"
)


def _check_size(value: Any) -> None:
    if (
        isinstance(value, int)
        and not isinstance(value, bool)
        and abs(value) > MAX_EXPRESSION_NUMBER
    ):
        raise SecurityError(
            f"the number {value} is too large here (at most {MAX_EXPRESSION_NUMBER})"
        )
    if isinstance(value, str) and _WIDE_FORMAT.search(value) and ("%" in value or "{" in value):
        raise SecurityError("format widths of more than four digits are not allowed")


def _guarded(function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter whose numeric and format arguments are bounded (see `_check_size`)."""

    def guarded(*args: Any, **kwargs: Any) -> Any:
        for value in (*args, *kwargs.values()):
            _check_size(value)
        return function(*args, **kwargs)

    return guarded


class _BoundedSandbox(ImmutableSandboxedEnvironment):
    """The sandbox with bounds on everything that sizes its result by a number."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        for name in ("center", "indent", "format", "wordwrap", "truncate", "slice", "batch"):
            self.filters[name] = _guarded(self.filters[name])
        self.globals["range"] = _guarded(range)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        for value in (left, right):
            _check_size(value)
        if operator == "*":
            sized = [len(v) for v in (left, right) if isinstance(v, (str, list, tuple))]
            counts = [v for v in (left, right) if isinstance(v, int)]
            if sized and counts and sized[0] * counts[0] > MAX_VARIABLE_CHARS:
                raise SecurityError(
                    f"repeating that makes more than {MAX_VARIABLE_CHARS} items or characters"
                )
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(getattr(__obj, "__self__", None), str):
            _check_size(__obj.__self__)  # "{:>99999}".format(...)
        for value in (*args, *kwargs.values()):
            _check_size(value)
        return super().call(__context, __obj, *args, **kwargs)


def _finalize(value: Any) -> Any:
    # A page without an author should give an empty variable, not the text "None".
    return "" if value is None else value


@lru_cache(maxsize=1)
def _environment() -> ImmutableSandboxedEnvironment:
    # Sandboxed: expressions come from config files and front matter written by many authors.
    # StrictUndefined: a typo like page.titel must be an error naming the page, not an empty card.
    return _BoundedSandbox(
        undefined=StrictUndefined, finalize=_finalize, autoescape=False, keep_trailing_newline=False
    )


@lru_cache(maxsize=512)
def _compile(expression: str) -> Template:
    return _environment().from_string(expression)


def check_expression(expression: str) -> str | None:
    """Return a syntax error message for a variable expression, or ``None`` when it is valid."""
    try:
        _compile(expression)
    except TemplateError as exc:
        return f"invalid Jinja2 text {expression!r}: {exc}"
    return None


def merge_expressions(*layers: Mapping[str, str | None]) -> dict[str, str]:
    """Merge variable layers left to right; a ``None`` value removes the variable."""
    merged: dict[str, str | None] = {}
    for layer in layers:
        merged.update(layer)
    return {name: expr for name, expr in merged.items() if expr is not None}


def render_variables(
    expressions: Mapping[str, str],
    *,
    page: Mapping[str, Any],
    site: Mapping[str, Any],
    page_key: str,
) -> dict[str, str]:
    """Render every variable expression for one page.

    Raises:
        PageError: Naming the page and the variable when an expression fails.
    """
    return {
        name: _render_one(name, expression, page=page, site=site, page_key=page_key)
        for name, expression in expressions.items()
    }


def _plain_value(expression: str, page: Mapping[str, Any], site: Mapping[str, Any]) -> str | None:
    """The value of a plain ``{{ page.x }}`` / ``{{ page.x or site.y }}`` expression, when
    the values are text (or nothing) and Jinja would look them up as keys; ``None``: render
    with Jinja."""
    match = _PLAIN_LOOKUP.match(expression)
    if match is None:
        return None
    first = _lookup(page, site, match.group(1), match.group(2))
    if first is None or match.group(3) is None:
        return first
    if first:  # `a or b` is a when a is truthy
        return first
    return _lookup(page, site, match.group(3), match.group(4))


def _lookup(page: Mapping[str, Any], site: Mapping[str, Any], scope: str, key: str) -> str | None:
    values = page if scope == "page" else site
    if key not in values or hasattr(dict, key):  # Jinja tries attributes (dict.items) first
        return None
    value = values[key]
    if value is None:
        return ""
    return value if isinstance(value, str) else None


def _render_one(
    name: str, expression: str, *, page: Mapping[str, Any], site: Mapping[str, Any], page_key: str
) -> str:
    try:
        plain = _plain_value(expression, page, site)
        text = plain if plain is not None else _compile(expression).render(page=page, site=site)
        text = text.strip()
    except (TemplateError, TypeError, ValueError, ArithmeticError, LookupError) as exc:
        hint = ""
        if isinstance(exc, UndefinedError):
            # The usual cause: front matter that only some pages have.
            hint = "; for values some pages lack, add a default: {{ page.meta.x | default('') }}"
        raise PageError(
            f"card variable '{name}' ({expression!r}) failed: {exc}{hint}", page=page_key
        ) from None
    if len(text) > MAX_VARIABLE_CHARS:
        raise PageError(
            f"card variable '{name}' is {len(text)} characters long; a card "
            f"variable may have at most {MAX_VARIABLE_CHARS}",
            page=page_key,
        )
    return text


def card_context(
    page: PageRecord, title: str, description: str, site: SiteInfo, site_url: str | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """What variable expressions see as ``page`` and ``site``.

    ``page.title``/``page.description`` are the card texts (overrides applied, cut to length);
    ``page.url`` is absolute when the site URL is known, ``page.path`` always site-relative.
    """
    base = site_url.rstrip("/") + "/" if site_url else None
    page_ctx = {
        "key": page.key,
        "title": title,
        "description": description,
        "url": base + page.url if base else page.url,
        "path": page.url,
        "source_path": page.source_path,
        "lang": page.lang or site.lang,
        "date": page.date,
        "section": page.section,
        "author": page.author,
        "tags": list(page.tags),
        "meta": dict(page.meta),
    }
    site_ctx = {
        "name": site.name,
        "url": site_url,
        "description": site.description or "",
        "lang": site.lang,
        "variant": site.variant,
    }
    return page_ctx, site_ctx
