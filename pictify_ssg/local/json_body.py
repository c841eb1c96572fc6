"""Parsing a JSON request body with a nesting limit that holds before the parser runs.

``json.loads`` recurses once per ``[`` or ``{``, so ``[[[[...`` 100 000 levels deep raises
`RecursionError` from inside the parser (a 500 with a traceback before this module existed).
`nesting_depth` measures the depth with a linear scan in C-implemented steps (regular
expressions, ``bytes.translate``, ``itertools``) before anything recursive touches the text;
catching `RecursionError` as well is the second line of defence, not the first, because a
recursion that deep first costs time and stack.

Unpaired UTF-16 surrogates (``"\\ud800"``) are refused too: ``json.loads`` accepts them, but
they cannot be encoded as UTF-8, so any response echoing one failed with a 500.
"""

from __future__ import annotations

import itertools
import json
import operator
import re
from typing import Any, Final

from pictify_ssg.local.api_errors import ApiError

MAX_JSON_DEPTH: Final = 64
"""Deepest nesting of arrays and objects accepted in a request body.

Request bodies are at most a few levels deep (template variables add what a card needs); 64
leaves room for any real data and keeps every later recursive step (validation, the template
engine's ``json`` helper) far from Python's recursion limit.
"""

INVALID_JSON: Final = "INVALID_JSON"
JSON_TOO_DEEP: Final = "JSON_TOO_DEEP"

# A \uXXXX escape of a UTF-16 surrogate, and a surrogate character in decoded text.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# A JSON string, escapes included (unrolled so long strings match without backtracking).
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
# Every byte but the four brackets; UTF-8 never uses ASCII bytes inside a multi-byte character.
_NOT_BRACKET = bytes(set(range(256)) - set(b"[]{}"))
# Depth does not care which kind of bracket opens a level, so both become ``[``/``]``.
_ONE_KIND = bytes.maketrans(b"{}", b"[]")
# For the running sum: an opener counts 2 and a closer 0, so subtracting the position (1, 2,
# 3...) leaves opened-minus-closed, the depth after each bracket.
_STEPS = bytes.maketrans(b"[]", b"\x02\x00")


def nesting_depth(text: str) -> int:
    """The deepest array/object nesting in ``text`` (brackets inside strings do not count).

    Linear in the length of ``text``. For text that is not valid JSON the result is only an
    estimate, which is fine: such text is refused either way.
    """
    outside_strings = _STRING.sub("", text).encode("utf-8", "surrogatepass")
    brackets = outside_strings.translate(_ONE_KIND, _NOT_BRACKET)
    # Every deepest level is an empty pair, so deleting all ``[]`` lowers the depth by exactly
    # one. ``bytes.replace`` does that at memcpy speed; repeat while it pays (the text at least
    # halves), then finish with the running sum, which costs a Python int per bracket.
    removed = 0
    while len(brackets) > 1:
        shorter = brackets.replace(b"[]", b"")
        if len(shorter) > len(brackets) // 2:
            break
        brackets, removed = shorter, removed + 1
    if len(brackets) < 2:
        return removed + len(brackets)
    steps = brackets.translate(_STEPS)
    deepest = max(map(operator.sub, itertools.accumulate(steps), itertools.count(1)))
    return removed + int(deepest)


def parse_json(raw: bytes, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Decode a request body as JSON.

    Accepts what ``json.loads`` accepts for bytes (UTF-8, or UTF-16/32 with or without a BOM),
    except unpaired surrogates, which no response could carry back.

    Raises:
        ApiError: 400 ``INVALID_JSON`` for text that is not JSON (or has unpaired surrogates),
            400 ``JSON_TOO_DEEP`` for nesting deeper than ``max_depth``.
    """
    try:
        # Strict, unlike json.loads(bytes): encoded lone surrogates are not text either.
        text = raw.decode(json.detect_encoding(raw))
    except (UnicodeDecodeError, LookupError):
        raise _invalid() from None
    depth = nesting_depth(text)
    if depth > max_depth:
        raise _too_deep(max_depth)
    try:
        data = json.loads(text)
    except RecursionError:
        raise _too_deep(max_depth) from None
    except ValueError:
        raise _invalid() from None
    # json.loads joins escaped surrogate pairs into one character; what is left is unpaired,
    # cannot be encoded as UTF-8, and would make every response echoing it fail. Only bodies
    # with such an escape at all pay for the walk.
    if _SURROGATE_ESCAPE.search(text) and _has_unpaired_surrogate(data):
        raise _invalid(
            "Request body contains an unpaired UTF-16 surrogate escape (\\ud800-\\udfff), "
            "which is not Unicode text (I-JSON, RFC 7493, forbids it)"
        )
    return data


def _has_unpaired_surrogate(data: Any) -> bool:
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if not value.isascii() and _SURROGATE.search(value):
                return True
        elif isinstance(value, dict):
            pending.extend(value)
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False


def _invalid(message: str = "Request body is not valid JSON") -> ApiError:
    return ApiError(400, message, INVALID_JSON)


def _too_deep(limit: int) -> ApiError:
    return ApiError(
        400,
        f"Request body nests arrays/objects more than {limit} levels deep",
        JSON_TOO_DEEP,
        extra={"limit": limit},
    )
