"""The output budget: how much text one render may build before it is stopped.

A 2 KB template can ask for far more than it contains: nested ``#each`` loops multiply,
``replace``/``join`` multiply their inputs. The evaluator counts what it emits and helpers
check the size of a result before building it, so a render fails with
``RENDERED_HTML_TOO_LARGE`` at the budget instead of after allocating the whole result.
"""

from __future__ import annotations

from typing import Final

from .template_error import RENDERED_HTML_TOO_LARGE, TemplateError

__all__ = ["MAX_OUTPUT_BYTES", "check_result_size", "too_large", "utf8_size"]

MAX_OUTPUT_BYTES: Final = 2 * 1024 * 1024
"""Largest rendered HTML one render may produce, in UTF-8 bytes (2 MiB).

A social card's HTML is a few KB; even with inlined images (data URLs) 2 MiB is generous, and
it is four times the 500 KB a template's own source may have.
"""


def utf8_size(text: str) -> int:
    """The UTF-8 length of ``text`` (lone surrogates, which JSON allows, count 3 bytes)."""
    # isascii() is O(1) in CPython (a flag of the string object), so ASCII text costs nothing.
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def too_large(limit: int, line: int | None = None, column: int | None = None) -> TemplateError:
    """The error for a render that would pass ``limit`` bytes."""
    return TemplateError(
        RENDERED_HTML_TOO_LARGE,
        f"the rendered HTML would exceed {limit} bytes ({limit / 1024 / 1024:g} MiB)",
        line=line,
        column=column,
    )


def check_result_size(characters: int, limit: int = MAX_OUTPUT_BYTES) -> None:
    """Refuse a helper result of ``characters`` characters before it is built.

    Characters, not bytes: a helper knows the length cheaply, and a result over the budget in
    characters is over it in bytes too; a result just under it is measured exactly when the
    evaluator emits it.

    Raises:
        TemplateError: ``RENDERED_HTML_TOO_LARGE``.
    """
    if characters > limit:
        raise too_large(limit)
