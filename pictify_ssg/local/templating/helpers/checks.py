"""Type tests and fallbacks: ``isEmpty``, ``isString``, ..., ``default`` and ``coalesce``.

"Missing" means ``undefined`` (absent) or ``None`` (JSON null); "blank" adds the empty string.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pictify_ssg.local.templating.values import UNDEFINED, is_blank, is_list, is_missing, is_number

from .registry import helper

__all__: list[str] = []


@helper("isEmpty")
def is_empty(value: Any) -> bool:
    """True for a missing value, ``""``, an empty list or an empty mapping; numbers and booleans
    are never empty."""
    if is_missing(value):
        return True
    if isinstance(value, str) or is_list(value) or isinstance(value, Mapping):
        return len(value) == 0
    return False


@helper("isNotEmpty")
def is_not_empty(value: Any) -> bool:
    """The opposite of ``isEmpty``."""
    return not is_empty(value)


@helper("isDefined")
def is_defined(value: Any) -> bool:
    """True unless the value is missing (``undefined`` or ``None``)."""
    return not is_missing(value)


@helper("isUndefined")
def is_undefined(value: Any) -> bool:
    """True when the value is missing (``undefined`` or ``None``)."""
    return is_missing(value)


@helper("isArray")
def is_array(value: Any) -> bool:
    """True for a list (or tuple)."""
    return is_list(value)


@helper("isString")
def is_string(value: Any) -> bool:
    """True for a string."""
    return isinstance(value, str)


@helper("isNumber")
def is_number_(value: Any) -> bool:
    """True for a number (not a boolean, not a numeric string)."""
    return is_number(value)


@helper("isBoolean")
def is_boolean(value: Any) -> bool:
    """True for ``true``/``false``."""
    return isinstance(value, bool)


@helper("isObject")
def is_object(value: Any) -> bool:
    """True for a mapping (a JSON object); lists and null are not objects here."""
    return isinstance(value, Mapping)


@helper("default")
def default(value: Any, fallback: Any) -> Any:
    """The value, or ``fallback`` when it is missing or ``""`` (``0`` and ``false`` are kept)."""
    return fallback if is_blank(value) else value


@helper("coalesce")
def coalesce(*values: Any) -> Any:
    """The first argument that is neither missing nor ``""``; undefined when there is none."""
    for value in values:
        if not is_blank(value):
            return value
    return UNDEFINED
