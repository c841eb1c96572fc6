"""Text helpers. Every argument is first printed as the template would print it (``to_js_string``),
so ``uppercase 5`` gives ``"5"`` and a missing value behaves like the empty string."""

from __future__ import annotations

import re
from typing import Any, Final

from pictify_ssg.local.templating.budget import check_result_size
from pictify_ssg.local.templating.values import UNDEFINED, to_int, to_js_string

from .registry import helper

__all__: list[str] = []

_MAX_PAD: Final = 10_000
_WORD_START: Final = re.compile(r"(^|\s)(\S)")


@helper("lowercase")
def lowercase(text: Any) -> str:
    """Lower-case the text."""
    return to_js_string(text).lower()


@helper("uppercase")
def uppercase(text: Any) -> str:
    """Upper-case the text."""
    return to_js_string(text).upper()


@helper("capitalize")
def capitalize(text: Any) -> str:
    """Upper-case the first character and leave the rest alone (``iOS app`` stays ``IOS app``)."""
    value = to_js_string(text)
    return value[:1].upper() + value[1:]


@helper("titleCase")
def title_case(text: Any) -> str:
    """Upper-case the first letter of every word, keep the rest (``API docs`` -> ``API Docs``)."""
    return _WORD_START.sub(lambda m: m.group(1) + m.group(2).upper(), to_js_string(text))


@helper("trim")
def trim(text: Any) -> str:
    """Remove whitespace at both ends."""
    return to_js_string(text).strip()


@helper("truncate")
def truncate(text: Any, length: Any, suffix: Any = "…") -> str:
    """Shorten text to at most ``length`` characters, ending with ``suffix`` (default ``…``).

    The suffix counts towards the length; trailing spaces before it are dropped. Text that fits is
    returned unchanged; a non-numeric length leaves the text unchanged.
    """
    value = to_js_string(text)
    limit = to_int(length)
    if limit is None or len(value) <= limit:
        return value
    tail = to_js_string(suffix)
    keep = max(limit - len(tail), 0)
    return value[:keep].rstrip() + tail


def _pad(text: Any, length: Any, char: Any) -> str:
    value = to_js_string(text)
    filler = to_js_string(char)
    # Capped so that `padStart x 1e9` cannot eat the server's memory.
    missing = min(to_int(length) or 0, _MAX_PAD) - len(value)
    if missing <= 0 or not filler:
        return ""
    # Like JavaScript, a multi-character pad is repeated and cut to fit.
    return (filler * (missing // len(filler) + 1))[:missing]


@helper("padStart")
def pad_start(text: Any, length: Any, char: Any = " ") -> str:
    """Pad the start with ``char`` (default space) up to ``length`` characters.

    ``padStart 7 3 "0"`` gives ``007``; a longer pad string is repeated and cut, as in JavaScript.
    """
    return _pad(text, length, char) + to_js_string(text)


@helper("padEnd")
def pad_end(text: Any, length: Any, char: Any = " ") -> str:
    """Pad the end with ``char`` (default space) up to ``length`` characters."""
    return to_js_string(text) + _pad(text, length, char)


@helper("replace")
def replace(text: Any, search: Any, replacement: Any = "") -> str:
    """Replace every occurrence of ``search`` (plain text, not a pattern) with ``replacement``."""
    needle = to_js_string(search)
    value = to_js_string(text)
    if not needle:
        return value  # replacing "" everywhere is never what a template means
    substitute = to_js_string(replacement)
    # Every occurrence may grow the text: refuse a result over the budget before building it.
    check_result_size(len(value) + value.count(needle) * (len(substitute) - len(needle)))
    return value.replace(needle, substitute)


@helper("split")
def split(text: Any, separator: Any = ",") -> list[str] | Any:
    """Split text into a list at ``separator`` (default ``,``); ``""`` splits into characters.

    Items are trimmed and empty items dropped, so ``"a, b,"`` gives ``["a", "b"]``. A list is
    returned unchanged; a missing value gives an empty list.
    """
    if isinstance(text, list):
        return text
    if text is None or text is UNDEFINED:
        return []
    value = to_js_string(text)
    sep = to_js_string(separator)
    parts = list(value) if not sep else value.split(sep)
    return [part.strip() for part in parts if part.strip()]


@helper("startsWith")
def starts_with(text: Any, prefix: Any) -> bool:
    """True when the text starts with ``prefix``."""
    return to_js_string(text).startswith(to_js_string(prefix))


@helper("endsWith")
def ends_with(text: Any, suffix: Any) -> bool:
    """True when the text ends with ``suffix``."""
    return to_js_string(text).endswith(to_js_string(suffix))
