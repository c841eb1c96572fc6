"""A Handlebars 4.7 template engine for Pictify's HTML templates, limited to Pictify's subset.

Pictify renders ``engine: "html"`` templates with Handlebars and a safelist of 45 helpers; this
package reproduces that for the local server: escaped and raw output, paths (``a.b``, ``this``,
``../``, ``@index``/``@first``/``@last``/``@key``/``@root``), comments, whitespace control,
``#if``/``#unless``/``#each``/``#with`` with ``else`` and ``else if`` chains, subexpressions,
literals and ``key=value`` options, strict variables, an iteration limit and an output budget.
Errors carry Pictify's codes (see :mod:`.template_error`).

Example:
    >>> render_template("<h1>{{uppercase title}}</h1>", {"title": "a & b"})
    '<h1>A &amp; B</h1>'
"""

from __future__ import annotations

from .compiled import (
    CACHE_SIZE,
    CompiledTemplate,
    clear_template_cache,
    compile_template,
    discover_variables,
    render_template,
    template_cache_info,
)
from .evaluator import DEFAULT_ITERATION_LIMIT, DEFAULT_OUTPUT_LIMIT
from .helpers import HELPERS
from .template_error import (
    HANDLEBARS_COMPILE_ERROR,
    HELPER_ERROR,
    HELPER_NOT_ALLOWED,
    ITERATION_LIMIT_EXCEEDED,
    RAW_HTML_NOT_ALLOWED,
    RENDERED_HTML_TOO_LARGE,
    UNDEFINED_VARIABLE,
    VARIABLE_REQUIRED,
    TemplateError,
)

__all__ = [
    "CACHE_SIZE",
    "DEFAULT_ITERATION_LIMIT",
    "DEFAULT_OUTPUT_LIMIT",
    "HANDLEBARS_COMPILE_ERROR",
    "HELPERS",
    "HELPER_ERROR",
    "HELPER_NOT_ALLOWED",
    "ITERATION_LIMIT_EXCEEDED",
    "RAW_HTML_NOT_ALLOWED",
    "RENDERED_HTML_TOO_LARGE",
    "UNDEFINED_VARIABLE",
    "VARIABLE_REQUIRED",
    "CompiledTemplate",
    "TemplateError",
    "clear_template_cache",
    "compile_template",
    "discover_variables",
    "render_template",
    "template_cache_info",
]
