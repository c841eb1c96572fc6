"""Render a syntax tree against variables, with Handlebars 4.7 semantics.

Scoping follows Handlebars, not Mustache: a name is looked up on the *current* context only
(``{{title}}`` inside ``{{#each items}}`` reads ``item.title``); reach outer contexts with ``../``
or ``@root``. ``#each``/``#with`` and sections push a new context; ``#if``/``#unless`` do not, so
``../`` skips them, as in Handlebars.

Only mapping keys, list/string indexes and ``length`` are reachable from a path: attributes of
Python objects never are, so variables cannot leak interpreter internals.

Two budgets bound the work of one render: loop iterations (``iteration_limit``) and the size of
the output (``output_limit``, counted as each piece is emitted, so a template that would expand
to 20 MB stops at the budget instead of building the 20 MB first).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

from .budget import MAX_OUTPUT_BYTES, too_large, utf8_size
from .escaping import escape_html
from .helpers import HELPERS
from .nodes import Block, BlockKind, Call, Expr, Literal, Output, PathExpr, Program, Text
from .template_error import (
    HELPER_ERROR,
    ITERATION_LIMIT_EXCEEDED,
    UNDEFINED_VARIABLE,
    TemplateError,
)
from .values import UNDEFINED, is_list, is_truthy, to_js_string

__all__ = ["DEFAULT_ITERATION_LIMIT", "DEFAULT_OUTPUT_LIMIT", "render_program"]

DEFAULT_ITERATION_LIMIT: Final = 10_000
"""Total loop iterations allowed in one render (all ``#each`` loops and list sections together)."""

DEFAULT_OUTPUT_LIMIT: Final = MAX_OUTPUT_BYTES
"""Largest output of one render in UTF-8 bytes (2 MiB, see `.budget.MAX_OUTPUT_BYTES`)."""

Locate = Callable[[int], tuple[int, int]]


class _Data:
    """One frame of ``@`` variables; each loop level gets a copy with its own ``@index`` etc."""

    __slots__ = ("parent", "values")

    def __init__(self, values: dict[str, Any], parent: _Data | None) -> None:
        self.values = values
        self.parent = parent


class _Params:
    """Block parameters (``as |item i|``) of one block, chained to the enclosing ones."""

    __slots__ = ("parent", "values")

    def __init__(self, values: dict[str, Any], parent: _Params | None) -> None:
        self.values = values
        self.parent = parent

    def find(self, name: str) -> tuple[bool, Any]:
        scope: _Params | None = self
        while scope is not None:
            if name in scope.values:
                return True, scope.values[name]
            scope = scope.parent
        return False, UNDEFINED


class _Scope:
    """Where paths resolve: the context stack, the ``@data`` frame and the block parameters."""

    __slots__ = ("contexts", "data", "params")

    def __init__(self, contexts: tuple[Any, ...], data: _Data, params: _Params | None) -> None:
        self.contexts = contexts
        self.data = data
        self.params = params


def render_program(
    program: Program,
    variables: Mapping[str, Any],
    *,
    strict: bool,
    locate: Locate,
    iteration_limit: int = DEFAULT_ITERATION_LIMIT,
    output_limit: int = DEFAULT_OUTPUT_LIMIT,
) -> str:
    """Render a compiled template.

    Args:
        program: The root of the syntax tree.
        variables: The root context (``@root``).
        strict: Raise ``UNDEFINED_VARIABLE`` for missing variables instead of printing nothing.
        locate: Maps a source offset to ``(line, column)`` for error messages.
        iteration_limit: Maximum total loop iterations.
        output_limit: Maximum size of the result in UTF-8 bytes; the render stops as soon as
            the text emitted so far passes it.

    Returns:
        The rendered text.

    Raises:
        TemplateError: ``UNDEFINED_VARIABLE``, ``ITERATION_LIMIT_EXCEEDED``,
            ``RENDERED_HTML_TOO_LARGE`` or ``HELPER_ERROR``.
    """
    renderer = _Renderer(strict, locate, iteration_limit, output_limit)
    scope = _Scope((variables,), _Data({"root": variables}, None), None)
    out: list[str] = []
    renderer.program(program, scope, out)
    return "".join(out)


def _lookup(value: Any, part: str) -> Any:
    """One step of a path: a mapping key, a list/string index, or ``length``."""
    if type(value) is dict:  # the common case; skips the slower ABC check below
        return value.get(part, UNDEFINED)
    if isinstance(value, Mapping):
        try:
            return value.get(part, UNDEFINED)
        except TypeError:  # a mapping with unhashable-key quirks: treat as absent
            return UNDEFINED
    if isinstance(value, str) or is_list(value):
        if part == "length":
            return len(value)
        if part.isascii() and part.isdigit():
            index = int(part)
            return value[index] if index < len(value) else UNDEFINED
    return UNDEFINED


class _Renderer:
    __slots__ = ("iterations", "limit", "locate", "output_limit", "size", "strict")

    def __init__(self, strict: bool, locate: Locate, limit: int, output_limit: int) -> None:
        self.strict = strict
        self.locate = locate
        self.limit = limit
        self.iterations = 0
        self.output_limit = output_limit
        self.size = 0

    # -- nodes -------------------------------------------------------------------------------

    def program(self, program: Program, scope: _Scope, out: list[str]) -> None:
        for node in program.body:
            if type(node) is Text:
                self.emit(node.text, None, out)
            elif type(node) is Output:
                value = self.expr(node.expr, scope, required=True)
                text = value if type(value) is str else self.stringify(value, node.offset)
                self.emit(escape_html(text) if node.escape else text, node.offset, out)
            else:
                assert type(node) is Block
                self.block(node, scope, out)

    def emit(self, text: str, offset: int | None, out: list[str]) -> None:
        """Append ``text`` to the output, or stop the render when it would pass the budget.

        ``offset`` places the error in the source; literal text nodes carry none.
        """
        self.size += utf8_size(text)
        if self.size > self.output_limit:
            where = self._where(offset) if offset is not None else {}
            raise too_large(self.output_limit, **where)
        out.append(text)

    def stringify(self, value: Any, offset: int) -> str:
        """``value`` as printed text; a list too long to print fails at ``offset``."""
        try:
            return to_js_string(value)
        except TemplateError as exc:
            raise self._placed(exc, offset) from None

    def block(self, block: Block, scope: _Scope, out: list[str]) -> None:
        kind = block.kind
        # As in Handlebars' strict mode, a section's value must exist, while a helper argument
        # (`#if subtitle`) may be missing so that optional variables can be tested.
        value = self.expr(block.subject, scope, required=kind is BlockKind.SECTION)
        if kind is BlockKind.EACH:
            self.each(block, value, scope, out)
        elif kind is BlockKind.WITH:
            # Handlebars' `with` skips only "empty" values; 0 counts as a value.
            if is_truthy(value, include_zero=True):
                self.program(block.program, self.enter(scope, value, block.program, (value,)), out)
            elif block.inverse is not None:
                self.program(block.inverse, scope, out)
        elif kind is BlockKind.SECTION:
            self.section(block, value, scope, out)
        else:  # IF, UNLESS, HELPER: pick a branch, keep the context
            include_zero = False
            for key, option in block.hash:
                if key == "includeZero":
                    include_zero = is_truthy(self.expr(option, scope, required=False))
            truth = is_truthy(value, include_zero=include_zero)
            if kind is BlockKind.UNLESS:
                truth = not truth
            branch = block.program if truth else block.inverse
            if branch is not None:
                self.program(branch, scope, out)

    def section(self, block: Block, value: Any, scope: _Scope, out: list[str]) -> None:
        # Handlebars' blockHelperMissing: true keeps the context, false/null skips, lists loop,
        # anything else (also 0 and "", as in Handlebars) becomes the new context.
        if value is True:
            self.program(block.program, scope, out)
        elif value is False or value is None or value is UNDEFINED:
            if block.inverse is not None:
                self.program(block.inverse, scope, out)
        elif is_list(value):
            self.each(block, value, scope, out)
        else:
            self.program(block.program, self.enter(scope, value, block.program, (value,)), out)

    def each(self, block: Block, value: Any, scope: _Scope, out: list[str]) -> None:
        items: Iterable[tuple[Any, Any]]
        if isinstance(value, Mapping):
            items = list(value.items())
            keyed = True
        elif is_list(value):
            items = list(enumerate(value))
            keyed = False
        elif isinstance(value, Iterable) and not isinstance(value, (str, bytes, bytearray)):
            items = list(enumerate(value))  # sets, generators: like JavaScript iterables
            keyed = False
        else:
            items = []
            keyed = False
        if not items:
            if block.inverse is not None:
                self.program(block.inverse, scope, out)
            return
        last = len(items) - 1
        parent = scope.data
        for index, (key, item) in enumerate(items):
            self.iterations += 1
            if self.iterations > self.limit:
                raise TemplateError(
                    ITERATION_LIMIT_EXCEEDED,
                    f"more than {self.limit} loop iterations in one render",
                    **self._where(block.offset),
                )
            frame = dict(parent.values)
            frame["index"] = index
            frame["first"] = index == 0
            frame["last"] = index == last
            if keyed:
                frame["key"] = key
            data = _Data(frame, parent)
            inner = self.enter(scope, item, block.program, (item, key), data)
            self.program(block.program, inner, out)

    def enter(
        self,
        scope: _Scope,
        context: Any,
        program: Program,
        param_values: tuple[Any, ...],
        data: _Data | None = None,
    ) -> _Scope:
        """The scope inside a block that changes the context."""
        # Like Handlebars, the stack only grows when the context really changes, so
        # `{{#with this}}` does not add a `../` level.
        contexts = scope.contexts
        if context is not contexts[-1]:
            contexts = (*contexts, context)
        params = scope.params
        if program.block_params:
            values = dict(zip(program.block_params, param_values, strict=False))
            params = _Params(values, params)
        return _Scope(contexts, data or scope.data, params)

    # -- expressions -------------------------------------------------------------------------

    def expr(self, expr: Expr, scope: _Scope, *, required: bool) -> Any:
        if type(expr) is PathExpr:
            return self.path(expr, scope, required)
        if type(expr) is Literal:
            return expr.value
        assert type(expr) is Call
        return self.call(expr, scope)

    def path(self, path: PathExpr, scope: _Scope, required: bool) -> Any:
        parts = path.parts
        value: Any
        if path.data:
            frame: _Data | None = scope.data
            for _ in range(path.depth):
                frame = frame.parent if frame is not None else None
            value = frame.values.get(parts[0], UNDEFINED) if frame is not None else UNDEFINED
            if value is UNDEFINED and self.strict and (required or len(parts) > 1):
                self._undefined(path)
            parts = parts[1:]
        elif not path.scoped and scope.params is not None and parts:
            found, value = scope.params.find(parts[0])
            if found:
                parts = parts[1:]
            else:
                value = scope.contexts[-1]
        else:
            contexts = scope.contexts
            index = len(contexts) - 1 - path.depth
            value = contexts[index] if index >= 0 else UNDEFINED
        last = len(parts) - 1
        for position, part in enumerate(parts):
            value = _lookup(value, part)
            # Strict mode follows Handlebars: a missing name in printed output or in the middle
            # of a path is an error; a missing last name in a helper argument (`#if subtitle`,
            # `default subtitle "x"`) is not, so optional variables can still be tested.
            if value is UNDEFINED and self.strict and (required or position < last):
                self._undefined(path)
        return value

    def call(self, call: Call, scope: _Scope) -> Any:
        args = [self.expr(arg, scope, required=False) for arg in call.args]
        options = {key: self.expr(value, scope, required=False) for key, value in call.hash}
        try:
            return HELPERS[call.name].func(*args, **options)
        except TemplateError as exc:
            # A helper's own refusal (its result would pass the output budget).
            raise self._placed(exc, call.offset) from None
        except (TypeError, ValueError, ArithmeticError, LookupError, RecursionError) as exc:
            # Helpers are written to accept any value; this only turns a bug into a clean error.
            raise TemplateError(
                HELPER_ERROR,
                f"helper '{call.name}' failed: {type(exc).__name__}",
                **self._where(call.offset),
            ) from exc

    def _undefined(self, path: PathExpr) -> None:
        raise TemplateError(
            UNDEFINED_VARIABLE,
            f"'{path.original}' is not defined (strict variables)",
            **self._where(path.offset),
        )

    def _placed(self, exc: TemplateError, offset: int) -> TemplateError:
        """``exc`` with the source position of ``offset`` when it has none yet."""
        if exc.line is None:
            exc.line, exc.column = self.locate(offset)
        return exc

    def _where(self, offset: int) -> dict[str, int]:
        line, column = self.locate(offset)
        return {"line": line, "column": column}
