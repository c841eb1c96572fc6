"""JavaScript-flavoured views of Python values: ``undefined``, stringification and truthiness.

Pictify renders templates with Handlebars in Node, so a value prints the way JavaScript would print
it (``True`` -> ``true``, ``1.0`` -> ``1``, ``[1, 2]`` -> ``1,2``) and ``{{#if}}`` follows
JavaScript truthiness (``0``, ``""``, ``[]`` are false; ``{}`` is true).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Final, TypeGuard

from .budget import check_result_size

__all__ = [
    "UNDEFINED",
    "Undefined",
    "format_js_number",
    "is_blank",
    "is_list",
    "is_missing",
    "is_number",
    "is_truthy",
    "js_equal",
    "to_int",
    "to_js_string",
    "to_number",
]

# Deeper data than this is cut off when printed: it protects the recursion limit against
# self-referencing or absurdly nested variables (JavaScript prints a cycle as "").
_MAX_PRINT_DEPTH: Final = 64


class Undefined:
    """The type of :data:`UNDEFINED`: JavaScript's ``undefined``, distinct from ``None`` (null)."""

    _instance: Undefined | None = None

    def __new__(cls) -> Undefined:
        # A singleton so `is UNDEFINED` works everywhere, also after copy/pickle.
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "UNDEFINED"

    def __reduce__(self) -> str:
        return "UNDEFINED"


UNDEFINED: Final = Undefined()
"""A missing variable, property or argument (JavaScript ``undefined``)."""


def is_missing(value: object) -> bool:
    """True for ``undefined`` and ``None`` (JavaScript ``value == null``)."""
    return value is None or value is UNDEFINED


def is_blank(value: object) -> bool:
    """True for ``undefined``, ``None`` and the empty string: what ``default`` replaces."""
    return value is None or value is UNDEFINED or value == ""


def is_list(value: object) -> TypeGuard[Sequence[Any]]:
    """True for sequences that JavaScript would see as arrays (not strings or bytes)."""
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes, bytearray))


def is_number(value: object) -> TypeGuard[int | float | Decimal]:
    """True for ints, floats and decimals, but not booleans (JavaScript ``typeof`` is distinct)."""
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def is_truthy(value: object, *, include_zero: bool = False) -> bool:
    """Handlebars' ``{{#if}}`` test: JavaScript truthiness, and an empty array is false too.

    Args:
        value: Any template value.
        include_zero: Treat the number zero as true (the ``includeZero=true`` hash option).

    Returns:
        Whether ``{{#if value}}`` renders its main block.
    """
    if value is None or value is UNDEFINED or value is False:
        return False
    if is_number(value):
        if math.isnan(value):
            return False
        return include_zero or value != 0
    if isinstance(value, str):
        return value != ""
    if is_list(value):
        return len(value) > 0
    # Mappings are JavaScript objects: true even when empty.
    return True


def to_number(value: object) -> float | int | None:
    """Read a value as a number the way a helper wants it, or None when it is not one.

    Numbers pass through; numeric strings (after trimming) are parsed; booleans are not numbers
    here (unlike JavaScript's ``Number(true)``), because ``round true`` is a template mistake.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            return int(text)
        except ValueError:
            pass
        try:
            number = float(text)
        except ValueError:
            return None
        # float() also accepts "nan"/"inf"/"infinity", which JavaScript's Number() would not.
        return number if math.isfinite(number) else None
    return None


def to_int(value: object) -> int | None:
    """Read a value as a whole number (truncating towards zero), or None when it is not one."""
    number = to_number(value)
    if number is None or not math.isfinite(number):
        return None
    return int(number)


def js_equal(left: object, right: object) -> bool:
    """JavaScript ``===`` for template values: same kind, same value (``1 == 1.0``, not True)."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if is_number(left) and is_number(right):
        return left == right
    if isinstance(left, str) and isinstance(right, str):
        return left == right
    if is_missing(left) or is_missing(right):
        return left is right
    # Arrays and objects compare by identity in JavaScript.
    return left is right


def format_js_number(value: float | int | Decimal) -> str:
    """Print a number like JavaScript's ``Number.prototype.toString()``.

    Integral floats lose their ``.0``, tiny and huge magnitudes use ``1e-7`` / ``1e+21`` notation,
    and NaN/infinities print as ``NaN`` / ``Infinity``.
    """
    if isinstance(value, int):
        return str(value)
    number = float(value)
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number == 0:
        return "0"  # JavaScript prints -0 as "0" too.
    sign = "-" if number < 0 else ""
    # repr() gives the shortest digits that round-trip, the same digits JavaScript chooses;
    # only the placement of the decimal point and exponent differs.
    _, digit_tuple, exponent = Decimal(repr(abs(number))).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0") or "0"
    assert isinstance(exponent, int)  # finite numbers always have an int exponent
    k = len(digits)
    n = exponent + len(digit_tuple)  # value = 0.<digits> * 10**n
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = f"{digits[:n]}.{digits[n:]}"
    elif -6 < n <= 0:
        text = "0." + "0" * (-n) + digits
    else:
        power = n - 1
        mantissa = digits if k == 1 else f"{digits[0]}.{digits[1:]}"
        text = f"{mantissa}e{'+' if power >= 0 else '-'}{abs(power)}"
    return sign + text


def to_js_string(value: object) -> str:
    """Print a template value the way Handlebars would put it into the page.

    ``undefined``/``None`` print as nothing, booleans as ``true``/``false``, numbers as in
    JavaScript, lists as their items joined by ``,``, mappings as ``[object Object]``, dates and
    times in ISO 8601. Anything else uses ``str()``.

    Raises:
        TemplateError: ``RENDERED_HTML_TOO_LARGE`` when a list would print longer than the
            output budget (`.budget.MAX_OUTPUT_BYTES` characters).
    """
    return _stringify(value, 0, set())


def _stringify(value: object, depth: int, seen: set[int]) -> str:
    if isinstance(value, str):
        return value
    if value is None or value is UNDEFINED:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if is_number(value):
        return format_js_number(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return "[object Object]"
    if is_list(value):
        # Array.prototype.join prints a cycle as "" rather than recursing forever.
        if id(value) in seen or depth >= _MAX_PRINT_DEPTH:
            return ""
        seen.add(id(value))
        try:
            # Printing can grow text (each mapping prints as 15 characters), so the output
            # budget is checked while the pieces are made, not after joining them.
            parts = []
            size = 0
            for item in value:
                part = _stringify(item, depth + 1, seen)
                size += len(part) + 1
                check_result_size(size - 1)
                parts.append(part)
            return ",".join(parts)
        finally:
            seen.discard(id(value))
    if isinstance(value, (bytes, bytearray)):
        return value.decode("utf-8", "replace")
    return str(value)
