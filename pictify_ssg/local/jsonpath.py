"""The JSONPath subset binding mappings use: one value per path, no filters or wildcards.

Grammar: ``$`` followed by steps, each ``.name`` (letters, digits, ``_``, ``-``, ``$``),
``['quoted name']`` / ``["quoted name"]`` (backslash escapes the quote and itself) or ``[n]``
(an array index, negative from the end). Examples: ``$.a.b``, ``$.items[0].name``,
``$['odd key'].x``, ``$.items[-1]``. That is everything the dashboard's mapping editor and the
SDK's dot paths produce (wire notes §6.16); filters, slices, wildcards and recursive descent
select several values, which a single template variable cannot hold, so they are refused with
a message rather than half-supported.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Union

Step = Union[str, int]  # noqa: UP007 - py3.10 alias
_NAME = re.compile(r"[A-Za-z0-9_$-]+")
_INDEX = re.compile(r"-?\d+")
_MISSING = object()


class JsonPathError(ValueError):
    """A path outside the supported subset; the message says where and why."""


def parse(path: str) -> tuple[Step, ...]:
    """The steps of ``path`` (names as ``str``, indexes as ``int``).

    Raises:
        JsonPathError: The path is not in the subset.
    """
    if not path.startswith("$"):
        raise JsonPathError(f"{path!r} must start with '$' (e.g. '$.user.name')")
    steps: list[Step] = []
    position = 1
    while position < len(path):
        char = path[position]
        if char == ".":
            match = _NAME.match(path, position + 1)
            if match is None:
                raise _unsupported(path, position + 1)
            steps.append(match.group())
            position = match.end()
        elif char == "[":
            step, position = _bracket(path, position + 1)
            steps.append(step)
        else:
            raise _unsupported(path, position)
    return tuple(steps)


def _bracket(path: str, position: int) -> tuple[Step, int]:
    """One ``[...]`` step starting after the ``[``; returns it and the position after ``]``."""
    quote = path[position : position + 1]
    if quote in ("'", '"'):
        chars: list[str] = []
        position += 1
        while position < len(path) and path[position] != quote:
            if path[position] == "\\" and position + 1 < len(path):
                position += 1
            chars.append(path[position])
            position += 1
        if path[position + 1 : position + 2] != "]":
            raise JsonPathError(f"{path!r}: unterminated quoted name")
        return "".join(chars), position + 2
    match = _INDEX.match(path, position)
    if match is None or path[match.end() : match.end() + 1] != "]":
        raise _unsupported(path, position)
    return int(match.group()), match.end() + 1


def _unsupported(path: str, position: int) -> JsonPathError:
    return JsonPathError(
        f"{path!r}: unsupported syntax at position {position}; use $.name, ['quoted name'] "
        "or [index] steps (no wildcards, filters or slices)"
    )


def find(data: Any, steps: Sequence[Step]) -> tuple[bool, Any]:
    """Follow ``steps`` into ``data``: ``(True, value)``, or ``(False, None)`` when absent."""
    current = data
    for step in steps:
        current = _child(current, step)
        if current is _MISSING:
            return False, None
    return True, current


def _child(value: Any, step: Step) -> Any:
    if isinstance(step, int):
        if isinstance(value, list) and -len(value) <= step < len(value):
            return value[step]
        return _MISSING
    if isinstance(value, Mapping):
        return value.get(step, _MISSING)
    return _MISSING
