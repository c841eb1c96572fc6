"""The one exception the template engine raises, and the Pictify error codes it carries."""

from __future__ import annotations

from typing import Final

__all__ = [
    "HANDLEBARS_COMPILE_ERROR",
    "HELPER_ERROR",
    "HELPER_NOT_ALLOWED",
    "ITERATION_LIMIT_EXCEEDED",
    "RAW_HTML_NOT_ALLOWED",
    "RENDERED_HTML_TOO_LARGE",
    "UNDEFINED_VARIABLE",
    "VARIABLE_REQUIRED",
    "TemplateError",
]

# The codes the hosted Pictify HTML engine answers with (HTTP 422); see pictify-api.md §2.
HANDLEBARS_COMPILE_ERROR: Final = "HANDLEBARS_COMPILE_ERROR"
HELPER_NOT_ALLOWED: Final = "HELPER_NOT_ALLOWED"
UNDEFINED_VARIABLE: Final = "UNDEFINED_VARIABLE"
VARIABLE_REQUIRED: Final = "VARIABLE_REQUIRED"
ITERATION_LIMIT_EXCEEDED: Final = "ITERATION_LIMIT_EXCEEDED"
RAW_HTML_NOT_ALLOWED: Final = "RAW_HTML_NOT_ALLOWED"
# Not a documented Pictify code: the output budget (see .budget) ran out, so the render stopped
# before it could build more text than any card needs.
RENDERED_HTML_TOO_LARGE: Final = "RENDERED_HTML_TOO_LARGE"
# Not a documented Pictify code: a safety net for a helper failing on data it cannot handle.
# Helpers are written to be total, so seeing this means a bug worth reporting.
HELPER_ERROR: Final = "HELPER_ERROR"


class TemplateError(Exception):
    """A template could not be compiled or rendered.

    Attributes:
        code: One of the Pictify error codes above (e.g. ``HANDLEBARS_COMPILE_ERROR``).
        message: What went wrong, in one sentence, without the position.
        line: 1-based line of the offending tag, when the problem has a place in the source.
        column: 1-based column of the offending tag, when known.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.code = code
        self.message = message
        self.line = line
        self.column = column
        super().__init__(code, message)

    @property
    def context(self) -> dict[str, int]:
        """Where the problem is, for an error body's ``context`` field (empty when unknown)."""
        if self.line is None:
            return {}
        where = {"line": self.line}
        if self.column is not None:
            where["column"] = self.column
        return where

    def __str__(self) -> str:
        where = ""
        if self.line is not None:
            where = f" (line {self.line}"
            where += f", column {self.column})" if self.column is not None else ")"
        return f"{self.code}: {self.message}{where}"

    def __repr__(self) -> str:
        return (
            f"TemplateError({self.code!r}, {self.message!r}, "
            f"line={self.line!r}, column={self.column!r})"
        )
