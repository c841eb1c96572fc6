"""Static questions about a compiled template: which root variables does it use, and where raw."""

from __future__ import annotations

from dataclasses import dataclass, field

from .nodes import Block, BlockKind, Call, Expr, Literal, Output, PathExpr, Program, Text

__all__ = ["VariableUse", "find_variables"]

# Blocks whose main branch runs with a new context, so plain names there are not root variables.
_CONTEXT_BLOCKS = frozenset({BlockKind.EACH, BlockKind.WITH, BlockKind.SECTION})


@dataclass(frozen=True, slots=True)
class VariableUse:
    """Root variables a template reads.

    Attributes:
        names: Every root variable name, in order of first use.
        raw: ``(name, offset)`` for each root variable printed without escaping, first use only.
    """

    names: tuple[str, ...]
    raw: tuple[tuple[str, int], ...]


@dataclass(slots=True)
class _Collector:
    names: dict[str, None] = field(default_factory=dict)
    raw: dict[str, int] = field(default_factory=dict)

    def program(self, program: Program, level: int, params: frozenset[str]) -> None:
        for node in program.body:
            if isinstance(node, Text):
                continue
            if isinstance(node, Output):
                self.expr(node.expr, level, params, raw_at=None if node.escape else node.offset)
            else:
                self.block(node, level, params)

    def block(self, block: Block, level: int, params: frozenset[str]) -> None:
        self.expr(block.subject, level, params, raw_at=None)
        for _, value in block.hash:
            self.expr(value, level, params, raw_at=None)
        if block.kind in _CONTEXT_BLOCKS:
            inner = params | frozenset(block.program.block_params)
            self.program(block.program, level + 1, inner)
        else:
            self.program(block.program, level, params)
        if block.inverse is not None:
            self.program(block.inverse, level, params)

    def expr(self, expr: Expr, level: int, params: frozenset[str], raw_at: int | None) -> None:
        if isinstance(expr, Literal):
            return
        if isinstance(expr, Call):
            for arg in expr.args:
                self.expr(arg, level, params, raw_at)
            for _, value in expr.hash:
                self.expr(value, level, params, raw_at)
            return
        name = _root_name(expr, level, params)
        if name is not None:
            self.names.setdefault(name, None)
            if raw_at is not None:
                self.raw.setdefault(name, raw_at)


def _root_name(path: PathExpr, level: int, params: frozenset[str]) -> str | None:
    if path.data:
        # @root.title is the root variable `title`; other @data (@index, @key) are not variables.
        if len(path.parts) > 1 and path.parts[0] == "root":
            return path.parts[1]
        return None
    if not path.parts:
        return None  # `this` alone
    if not path.scoped and path.parts[0] in params:
        return None  # a block parameter such as `item` in `as |item|`
    if level - path.depth != 0:
        return None  # a property of an inner context (or a `../` past the root)
    return path.parts[0]


def find_variables(program: Program) -> VariableUse:
    """Collect the root variables of a template.

    Args:
        program: The compiled tree.

    Returns:
        The names in first-use order, and where raw output uses them.
    """
    collector = _Collector()
    collector.program(program, 0, frozenset())
    return VariableUse(tuple(collector.names), tuple(collector.raw.items()))
