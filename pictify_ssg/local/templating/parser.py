"""Turn the token stream into a syntax tree, checking blocks and helper calls as it goes.

Everything that can be known before rendering is checked here, so a bad template fails at compile
time with a position: unbalanced or mismatched blocks, a stray ``{{else}}``, helpers outside the
safelist (``HELPER_NOT_ALLOWED``), a helper called with the wrong number of arguments, unknown
``key=value`` options.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from .helpers import HELPERS
from .lexer import Content, ExprToken, Locator, Tag, TagKind, TokKind
from .nodes import Block, BlockKind, Call, Expr, Literal, Node, Output, PathExpr, Program, Text
from .template_error import HELPER_NOT_ALLOWED
from .values import UNDEFINED

__all__ = ["MAX_NESTING", "parse"]

MAX_NESTING: Final = 64
"""Deepest allowed nesting of blocks, and separately of subexpressions; deeper is a compile error.

Real card templates nest a handful of levels; the limit keeps a hostile template from exhausting
Python's recursion limit while rendering."""

_BUILTIN_BLOCKS: Final = {
    "if": BlockKind.IF,
    "unless": BlockKind.UNLESS,
    "each": BlockKind.EACH,
    "with": BlockKind.WITH,
}
_BLOCK_OPTIONS: Final = {
    BlockKind.IF: frozenset({"includeZero"}),
    BlockKind.UNLESS: frozenset({"includeZero"}),
}
_MAX_BLOCK_PARAMS: Final = {BlockKind.EACH: 2, BlockKind.WITH: 1}
_KEYWORD_KINDS: Final = frozenset({TokKind.BOOLEAN, TokKind.NULL, TokKind.UNDEFINED})
_KEYWORD_VALUES: Final[dict[str, object]] = {
    "true": True,
    "false": False,
    "null": None,
    "undefined": UNDEFINED,
}


@dataclass(frozen=True, slots=True)
class _Header:
    """A parsed tag: ``head params... key=value... as |names|``."""

    head: Expr
    params: tuple[Expr, ...]
    hash: tuple[tuple[str, Expr], ...]
    block_params: tuple[str, ...]
    offset: int


@dataclass(slots=True)
class _Branch:
    header: _Header | None  # None for a plain {{else}}
    inverted: bool
    body: list[Node] = field(default_factory=list)


@dataclass(slots=True)
class _OpenBlock:
    tag: Tag
    name: str
    branches: list[_Branch]


def parse(items: list[Content | Tag], locator: Locator) -> Program:
    """Build the tree for a whole template.

    Args:
        items: Lexer output after whitespace control.
        locator: Positions for error messages.

    Returns:
        The root program.

    Raises:
        TemplateError: ``HANDLEBARS_COMPILE_ERROR`` or ``HELPER_NOT_ALLOWED``, with line and column.
    """
    root: list[Node] = []
    stack: list[_OpenBlock] = []
    for item in items:
        body = stack[-1].branches[-1].body if stack else root
        if isinstance(item, Content):
            if item.text:
                _append_text(body, item.text)
            continue
        kind = item.kind
        if kind is TagKind.COMMENT:
            continue
        if kind is TagKind.OUTPUT or kind is TagKind.RAW_OUTPUT:
            body.append(_output(item, locator))
        elif kind is TagKind.BLOCK or kind is TagKind.INVERSE_BLOCK:
            if len(stack) >= MAX_NESTING:
                raise locator.error(
                    f"blocks are nested deeper than {MAX_NESTING} levels", item.offset
                )
            header = _ExprParser(item, locator).header()
            if not isinstance(header.head, PathExpr):
                raise locator.error("a block must start with a name", item.offset)
            inverted = kind is TagKind.INVERSE_BLOCK
            stack.append(_OpenBlock(item, header.head.original, [_Branch(header, inverted)]))
        elif kind is TagKind.ELSE:
            _else(item, stack, locator)
        else:  # TagKind.CLOSE
            if not stack:
                raise locator.error("closing tag without an opening block", item.offset)
            _close(item, stack[-1], locator)
            block = _build(stack.pop(), locator)
            (stack[-1].branches[-1].body if stack else root).append(block)
    if stack:
        opened = stack[-1]
        raise locator.error(f"{{{{#{opened.name}}}}} is never closed", opened.tag.offset)
    return Program(tuple(root))


def _append_text(body: list[Node], text: str) -> None:
    # Merging neighbouring texts (left after comments) saves work on every render.
    if body and isinstance(body[-1], Text):
        body[-1] = Text(body[-1].text + text)
    else:
        body.append(Text(text))


def _output(tag: Tag, locator: Locator) -> Output:
    header = _ExprParser(tag, locator).header()
    if header.block_params:
        raise locator.error("'as |...|' is only allowed on blocks", tag.offset)
    expr = _call_or_value(header, locator)
    return Output(expr, escape=tag.kind is TagKind.OUTPUT, offset=tag.offset)


def _call_or_value(header: _Header, locator: Locator) -> Expr:
    """The expression of a mustache or subexpression: a helper call or a plain value."""
    head = header.head
    if isinstance(head, Call):  # {{(helper x)}}: the subexpression's value
        if header.params or header.hash:
            raise locator.error("a subexpression cannot be called like a helper", header.offset)
        return head
    name = _helper_name(head)
    if not header.params and not header.hash:
        # A bare name is always a variable, even `{{date}}`: every helper needs an argument,
        # and card data very often has a field called `date`, `number` or `length`.
        return _as_path(head)
    if name is None:
        raise locator.error(
            f"'{_original(head)}' is not a helper and cannot take arguments", header.offset
        )
    return _call(name, header, locator)


def _call(name: str, header: _Header, locator: Locator) -> Call:
    spec = HELPERS.get(name)
    if spec is None:
        if name in _BUILTIN_BLOCKS:
            raise locator.error(
                f"'{name}' is a block helper: use {{{{#{name} ...}}}}", header.offset
            )
        raise locator.error(
            f"helper '{name}' is not allowed (Pictify's safelist has {len(HELPERS)} helpers)",
            header.offset,
            HELPER_NOT_ALLOWED,
        )
    problem = spec.check_call(len(header.params), [key for key, _ in header.hash])
    if problem:
        raise locator.error(problem, header.offset)
    return Call(name, header.params, header.hash, header.offset)


def _helper_name(expr: Expr) -> str | None:
    """The name a path would call as a helper: a plain single identifier."""
    if isinstance(expr, PathExpr) and not expr.data and not expr.scoped and len(expr.parts) == 1:
        return expr.parts[0]
    return None


def _as_path(expr: Expr) -> Expr:
    # Handlebars reads a literal in head position as a property name: {{"my key"}} looks it up.
    if isinstance(expr, Literal):
        text = expr.original
        return PathExpr((text,), 0, data=False, scoped=False, original=text, offset=expr.offset)
    return expr


def _original(expr: Expr) -> str:
    if isinstance(expr, Call):
        return f"({expr.name} ...)"
    return expr.original


def _else(tag: Tag, stack: list[_OpenBlock], locator: Locator) -> None:
    if not stack:
        raise locator.error("{{else}} outside a block", tag.offset)
    branches = stack[-1].branches
    if branches[-1].header is None:
        raise locator.error(
            "a block can have only one plain {{else}}, and it must be last", tag.offset
        )
    if not tag.tokens:
        branches.append(_Branch(None, inverted=False))
        return
    header = _ExprParser(tag, locator).header()
    if not isinstance(header.head, PathExpr):
        raise locator.error("{{else ...}} must name a block helper", tag.offset)
    branches.append(_Branch(header, inverted=False))


def _close(tag: Tag, opened: _OpenBlock, locator: Locator) -> None:
    header = _ExprParser(tag, locator).header()
    name = _original(header.head)
    if header.params or header.hash or header.block_params or name != opened.name:
        raise locator.error(
            f"{{{{/{name}}}}} does not match {{{{#{opened.name}}}}}"
            f" (opened at line {locator.position(opened.tag.offset)[0]})",
            tag.offset,
        )


def _build(opened: _OpenBlock, locator: Locator) -> Block:
    # Fold `{{#if a}}x{{else if b}}y{{else}}z{{/if}}` from the end: each chained branch
    # becomes the only node of the previous branch's inverse program.
    inverse: Program | None = None
    block: Block | None = None
    for branch in reversed(opened.branches):
        if branch.header is None:
            inverse = Program(tuple(branch.body))
            continue
        body = Program(tuple(branch.body), branch.header.block_params)
        block = _block(branch.header, body, inverse, branch.inverted, locator)
        inverse = Program((block,))
    assert block is not None  # the first branch always has the opening header
    return block


def _block(
    header: _Header, body: Program, inverse: Program | None, inverted: bool, locator: Locator
) -> Block:
    name = _helper_name(header.head)
    kind = _BUILTIN_BLOCKS.get(name or "")
    subject: Expr
    if inverted:
        # {{^value}}x{{else}}y{{/value}}: a section with its branches swapped.
        if header.params or header.hash:
            raise locator.error("{{^...}} takes a single value", header.offset)
        kind, subject = BlockKind.SECTION, _as_path(header.head)
        body, inverse = inverse or Program(()), body
    elif kind is not None:
        if len(header.params) != 1:
            raise locator.error(f"{{{{#{name}}}}} takes exactly one argument", header.offset)
        allowed = _BLOCK_OPTIONS.get(kind, frozenset())
        for key, _ in header.hash:
            if key not in allowed:
                raise locator.error(f"{{{{#{name}}}}} has no option '{key}'", header.offset)
        subject = header.params[0]
    elif header.params or header.hash:
        # {{#truncate ...}} and the like: the helper's result decides which branch renders.
        if name is None:
            raise locator.error(
                f"'{_original(header.head)}' is not a helper and cannot take arguments",
                header.offset,
            )
        kind = BlockKind.HELPER
        subject = _call(name, header, locator)
    else:
        kind, subject = BlockKind.SECTION, _as_path(header.head)
    limit = _MAX_BLOCK_PARAMS.get(kind, 0)
    if kind is BlockKind.SECTION:
        limit = 2  # a section over a list iterates like #each
    if len(header.block_params) > limit:
        raise locator.error(f"this block provides {limit} block parameter(s)", header.offset)
    block_hash = header.hash if kind is not BlockKind.HELPER else ()
    return Block(kind, subject, block_hash, body, inverse, header.offset)


class _ExprParser:
    """Recursive-descent parser for the tokens inside one tag."""

    def __init__(self, tag: Tag, locator: Locator) -> None:
        self.tokens = tag.tokens
        self.pos = 0
        self.loc = locator
        self.tag = tag
        self.depth = 0

    def header(self) -> _Header:
        if not self.tokens:
            raise self.loc.error("empty tag", self.tag.offset)
        header = self._call_parts(self.tag.offset, closing=None)
        if self.pos < len(self.tokens):
            raise self._unexpected()
        return header

    def _peek(self, ahead: int = 0) -> ExprToken | None:
        index = self.pos + ahead
        return self.tokens[index] if index < len(self.tokens) else None

    def _unexpected(self) -> Exception:
        token = self._peek()
        if token is None:
            return self.loc.error("tag ends too early", self.tag.offset)
        return self.loc.error(f"unexpected {token.value!r}", token.offset)

    def _call_parts(self, offset: int, closing: TokKind | None) -> _Header:
        head = self._value()
        params: list[Expr] = []
        hash_: list[tuple[str, Expr]] = []
        block_params: tuple[str, ...] = ()
        while (token := self._peek()) is not None and token.kind is not closing:
            if token.kind is TokKind.OPEN_BLOCK_PARAMS and closing is None:
                block_params = self._block_params()
                break
            after = self._peek(1)
            if token.kind is TokKind.ID and after is not None and after.kind is TokKind.EQUALS:
                self.pos += 2
                if any(key == token.value for key, _ in hash_):
                    raise self.loc.error(f"option '{token.value}' given twice", token.offset)
                hash_.append((token.value, self._value()))
                continue
            if hash_:
                raise self.loc.error(
                    "positional arguments must come before key=value", token.offset
                )
            params.append(self._value())
        return _Header(head, tuple(params), tuple(hash_), block_params, offset)

    def _block_params(self) -> tuple[str, ...]:
        self.pos += 1
        names: list[str] = []
        while (token := self._peek()) is not None and token.kind is TokKind.ID:
            names.append(token.value)
            self.pos += 1
        if token is None or token.kind is not TokKind.CLOSE_BLOCK_PARAMS or not names:
            raise self.loc.error(
                "block parameters must look like 'as |item index|'", self.tag.offset
            )
        self.pos += 1
        return tuple(names)

    def _value(self) -> Expr:
        token = self._peek()
        if token is None:
            raise self._unexpected()
        if token.kind is TokKind.OPEN_SEXPR:
            return self._subexpression(token)
        if token.kind is TokKind.STRING:
            self.pos += 1
            return Literal(token.value, token.value, token.offset)
        if token.kind is TokKind.NUMBER:
            self.pos += 1
            number = float(token.value) if "." in token.value else int(token.value)
            return Literal(number, token.value, token.offset)
        if token.kind in _KEYWORD_KINDS:
            self.pos += 1
            return Literal(_KEYWORD_VALUES[token.value], token.value, token.offset)
        if token.kind is TokKind.DATA or token.kind is TokKind.ID:
            return self._path()
        raise self._unexpected()

    def _subexpression(self, opening: ExprToken) -> Call:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self.loc.error(f"subexpressions nested deeper than {MAX_NESTING}", opening.offset)
        self.pos += 1
        header = self._call_parts(opening.offset, closing=TokKind.CLOSE_SEXPR)
        if self._peek() is None:
            raise self.loc.error("subexpression is not closed with )", opening.offset)
        self.pos += 1
        self.depth -= 1
        if header.block_params:  # pragma: no cover - _call_parts never reads them here
            raise self._unexpected()
        name = _helper_name(header.head)
        if name is None:
            raise self.loc.error("a subexpression must call a helper", opening.offset)
        return _call(name, header, self.loc)

    def _path(self) -> PathExpr:
        start = self._peek()
        assert start is not None
        data = start.kind is TokKind.DATA
        if data:
            self.pos += 1
        segments: list[ExprToken] = []
        original = "@" if data else ""
        while True:
            token = self._peek()
            # After a separator a number is an index (`items.0`), though Handlebars' lexer
            # would call `0}}` a number literal and fail; accepting it is friendlier.
            is_index = bool(segments) and token is not None and token.kind is TokKind.NUMBER
            if token is None or not (token.kind is TokKind.ID or is_index):
                raise self.loc.error("expected a name", token.offset if token else start.offset)
            segments.append(token)
            original += f"[{token.value}]" if token.bracketed else token.value
            self.pos += 1
            sep = self._peek()
            if sep is None or sep.kind is not TokKind.SEP:
                break
            original += sep.value
            self.pos += 1
        return self._make_path(segments, data, original, start.offset)

    def _make_path(
        self, segments: list[ExprToken], data: bool, original: str, offset: int
    ) -> PathExpr:
        parts: list[str] = []
        depth = 0
        scoped = False
        for token in segments:
            if not token.bracketed and token.value in ("..", ".", "this"):
                # Like Handlebars: `..`, `.` and `this` may only lead a path (`../../x`).
                if parts:
                    raise self.loc.error(
                        f"invalid path '{original}': '{token.value}' must come first", offset
                    )
                scoped = True
                depth += token.value == ".."
            else:
                parts.append(token.value)
        return PathExpr(tuple(parts), depth, data, scoped, original, offset)
