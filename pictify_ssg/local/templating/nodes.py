"""The syntax tree of a compiled template: frozen dataclasses, safe to share between threads."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeAlias

__all__ = [
    "Block",
    "BlockKind",
    "Call",
    "Expr",
    "Literal",
    "Node",
    "Output",
    "PathExpr",
    "Program",
    "Text",
]


@dataclass(frozen=True, slots=True)
class PathExpr:
    """A variable reference such as ``title``, ``page.author.name``, ``../title`` or ``@index``.

    Attributes:
        parts: Property names after the head (``("page", "title")``); empty for ``this``.
        depth: How many ``../`` steps up the context stack (or data frames for ``@``).
        data: True for ``@`` variables (``@index``, ``@root.title``).
        scoped: True when written with ``this``/``.``/``..``: never a helper or block param.
        original: The text as written, for error messages.
        offset: Source offset, for error positions.
    """

    parts: tuple[str, ...]
    depth: int
    data: bool
    scoped: bool
    original: str
    offset: int


@dataclass(frozen=True, slots=True)
class Literal:
    """A string, number, boolean, ``null`` or ``undefined`` written in the template."""

    value: Any
    original: str
    offset: int


@dataclass(frozen=True, slots=True)
class Call:
    """A call of a safelisted helper, e.g. ``truncate title 60`` or ``(uppercase name)``.

    Attributes:
        name: The helper name (already checked against the safelist and its arity).
        args: Positional arguments.
        hash: ``key=value`` arguments, in source order.
        offset: Source offset, for error positions.
    """

    name: str
    args: tuple[Expr, ...]
    hash: tuple[tuple[str, Expr], ...]
    offset: int


Expr: TypeAlias = "PathExpr | Literal | Call"


@dataclass(frozen=True, slots=True)
class Text:
    """Literal template text, printed as is."""

    text: str


@dataclass(frozen=True, slots=True)
class Output:
    """``{{expr}}`` (escaped) or ``{{{expr}}}`` / ``{{& expr}}`` (raw)."""

    expr: Expr
    escape: bool
    offset: int


class BlockKind(Enum):
    """The block constructs the engine knows."""

    IF = "if"
    UNLESS = "unless"
    EACH = "each"
    WITH = "with"
    SECTION = "section"  # {{#name}} without arguments: Mustache-style section over a value
    HELPER = "helper"  # {{#truncate ...}}: a value helper used as a condition


@dataclass(frozen=True, slots=True)
class Program:
    """A sequence of nodes, with the block parameter names (``as |item i|``) it introduces."""

    body: tuple[Node, ...]
    block_params: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Block:
    """A block such as ``{{#each items}}...{{else}}...{{/each}}``.

    Attributes:
        kind: Which construct.
        subject: The argument the construct works on (the condition, list, context or a call).
        hash: ``key=value`` options (only ``includeZero`` for if/unless).
        program: The main branch.
        inverse: The ``{{else}}`` branch, if any (``else if`` chains nest here).
        offset: Source offset of the opening tag.
    """

    kind: BlockKind
    subject: Expr
    hash: tuple[tuple[str, Expr], ...]
    program: Program
    inverse: Program | None
    offset: int


Node: TypeAlias = "Text | Output | Block"
