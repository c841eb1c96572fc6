"""JSON helpers: print a value as JSON (``json``) and read JSON text (``parseJson``)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Final

from pictify_ssg.local.templating.budget import check_result_size
from pictify_ssg.local.templating.values import UNDEFINED, is_list, to_int, to_js_string

from .registry import helper

__all__: list[str] = []

_MAX_DEPTH: Final = 64  # deeper data (or a cycle) is cut off instead of exhausting the stack
_MAX_INDENT: Final = 10  # JSON.stringify's own limit


def _jsonable(value: Any, depth: int) -> Any:
    """Convert to what JSON.stringify would write: tuples become arrays, NaN and infinities
    null, dates ISO strings, undefined null inside arrays (object keys with it are dropped)."""
    if depth > _MAX_DEPTH:
        return None
    if value is None or value is UNDEFINED or isinstance(value, (bool, str, int)):
        return None if value is UNDEFINED else value
    if isinstance(value, (float, Decimal)):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {
            to_js_string(key): _jsonable(item, depth + 1)
            for key, item in value.items()
            if item is not UNDEFINED
        }
    if is_list(value):
        return [_jsonable(item, depth + 1) for item in value]
    return to_js_string(value)


@helper("json")
def json_(value: Any, indent: Any = None) -> str:
    """The value as JSON text (``{"a":1}``); ``indent`` pretty-prints; undefined prints nothing.

    Inside ``{{ }}`` the text is HTML-escaped like any output, so it is safe in an attribute.
    """
    if value is UNDEFINED:
        return ""
    spaces = to_int(indent)
    if spaces is not None and spaces > 0:
        encoder = json.JSONEncoder(ensure_ascii=False, indent=min(spaces, _MAX_INDENT))
    else:
        encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
    # Indentation repeats per level and item, so deep data can print far larger than it is:
    # the text is built piece by piece and refused as soon as it passes the output budget.
    pieces = []
    size = 0
    for piece in encoder.iterencode(_jsonable(value, 0)):
        size += len(piece)
        check_result_size(size)
        pieces.append(piece)
    return "".join(pieces)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


@helper("parseJson")
def parse_json(text: Any) -> Any:
    """Read JSON text into a value (for ``#each`` or property access); invalid JSON gives undefined.

    A value that is not a string (already a list or mapping) is returned unchanged.
    """
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return UNDEFINED
