"""Compile once, render many times: :class:`CompiledTemplate` and the compile cache."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from functools import _CacheInfo, lru_cache
from typing import Any, Final

from .analysis import find_variables
from .evaluator import DEFAULT_ITERATION_LIMIT, DEFAULT_OUTPUT_LIMIT, render_program
from .lexer import Locator, tokenize
from .nodes import Program
from .parser import parse
from .template_error import RAW_HTML_NOT_ALLOWED
from .whitespace import apply_whitespace_control

__all__ = [
    "CACHE_SIZE",
    "CompiledTemplate",
    "clear_template_cache",
    "compile_template",
    "discover_variables",
    "render_template",
    "template_cache_info",
]

CACHE_SIZE: Final = 128
"""How many compiled templates are kept (least recently used are dropped first).

A build renders a few templates hundreds of times each, so a small cache hits almost always; the
bound keeps a server that sees many distinct templates (each up to 500 KB) from growing forever."""


class CompiledTemplate:
    """A parsed, checked template, ready to render any number of times (thread-safe).

    Attributes:
        source: The template text it was compiled from.
        program: The syntax tree.
        variables: Root variable names the template reads, in first-use order.
        raw_variables: Root variables printed without escaping (``{{{x}}}`` / ``{{& x}}``).
    """

    __slots__ = ("_locator", "_raw_uses", "program", "raw_variables", "source", "variables")

    def __init__(self, source: str) -> None:
        """Compile ``source``.

        Raises:
            TemplateError: ``HANDLEBARS_COMPILE_ERROR`` or ``HELPER_NOT_ALLOWED``, with position.
        """
        self.source = source
        self._locator = Locator(source)
        items = tokenize(source, self._locator)
        apply_whitespace_control(items)
        self.program: Program = parse(items, self._locator)
        uses = find_variables(self.program)
        self.variables: tuple[str, ...] = uses.names
        self._raw_uses = uses.raw
        self.raw_variables: tuple[str, ...] = tuple(name for name, _ in uses.raw)

    def render(
        self,
        variables: Mapping[str, Any],
        strict: bool = False,
        *,
        allow_raw: Collection[str] | None = None,
        iteration_limit: int = DEFAULT_ITERATION_LIMIT,
        output_limit: int = DEFAULT_OUTPUT_LIMIT,
    ) -> str:
        """Render with ``variables`` as the root context.

        Args:
            variables: Template variables (JSON-like values: str, int, float, bool, None, lists,
                mappings; dates are accepted by the date helpers).
            strict: Pictify's ``strictVariables``: a missing variable raises
                ``UNDEFINED_VARIABLE`` instead of printing nothing.
            allow_raw: When given, only these root variables may be printed unescaped; any
                other raw use raises ``RAW_HTML_NOT_ALLOWED`` (Pictify's ``allowRawHtml``).
                None allows all.
            iteration_limit: Total loop iterations allowed before ``ITERATION_LIMIT_EXCEEDED``.
            output_limit: Largest result in UTF-8 bytes; past it the render stops with
                ``RENDERED_HTML_TOO_LARGE``.

        Returns:
            The rendered HTML.

        Raises:
            TemplateError: With one of the codes above.
            TypeError: When ``variables`` is not a mapping.
        """
        if not isinstance(variables, Mapping):
            raise TypeError(f"variables must be a mapping, not {type(variables).__name__}")
        if allow_raw is not None:
            for name, offset in self._raw_uses:
                if name not in allow_raw:
                    raise self._locator.error(
                        f"variable '{name}' is printed as raw HTML but does not allow it",
                        offset,
                        RAW_HTML_NOT_ALLOWED,
                    )
        return render_program(
            self.program,
            variables,
            strict=strict,
            locate=self._locator.position,
            iteration_limit=iteration_limit,
            output_limit=output_limit,
        )

    def __repr__(self) -> str:
        preview = self.source if len(self.source) <= 40 else self.source[:37] + "..."
        return f"CompiledTemplate({preview!r})"


@lru_cache(maxsize=CACHE_SIZE)
def _compile_cached(source: str) -> CompiledTemplate:
    return CompiledTemplate(source)


def compile_template(source: str) -> CompiledTemplate:
    """Compile a template, reusing the cached result for a source seen recently.

    Args:
        source: Template text with Handlebars syntax.

    Returns:
        The compiled template (the same object for the same source while it stays cached).

    Raises:
        TemplateError: ``HANDLEBARS_COMPILE_ERROR`` or ``HELPER_NOT_ALLOWED``, with position.
        TypeError: When ``source`` is not a string.
    """
    if not isinstance(source, str):
        raise TypeError(f"template source must be str, not {type(source).__name__}")
    return _compile_cached(source)


def render_template(source: str, variables: Mapping[str, Any], *, strict: bool = False) -> str:
    """Compile (cached) and render a template in one call.

    Args:
        source: Template text with Handlebars syntax.
        variables: The root context.
        strict: Raise ``UNDEFINED_VARIABLE`` for missing variables (Pictify ``strictVariables``).

    Returns:
        The rendered HTML.

    Raises:
        TemplateError: Any of the engine's error codes, with position where it has one.
    """
    return compile_template(source).render(variables, strict)


def discover_variables(source: str) -> list[str]:
    """Root variable names a template uses, in first-use order.

    Helpers, keywords, ``@data`` (except ``@root.name``, which is ``name``), ``this``, block
    parameters and names read from inner contexts (inside ``#each``/``#with``) are not included;
    for ``page.title`` only ``page`` is.

    Raises:
        TemplateError: When the template does not compile.
    """
    return list(compile_template(source).variables)


def template_cache_info() -> _CacheInfo:
    """Hits, misses and size of the compile cache."""
    return _compile_cached.cache_info()


def clear_template_cache() -> None:
    """Forget every cached compiled template."""
    _compile_cached.cache_clear()
