"""Helpers for lists, strings-as-sequences and mappings: size, membership, picking and joining."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pictify_ssg.local.templating.budget import check_result_size
from pictify_ssg.local.templating.values import UNDEFINED, is_list, js_equal, to_int, to_js_string

from .registry import helper

__all__: list[str] = []


@helper("length")
def length(value: Any) -> int:
    """Number of items in a list, characters in a string or keys in a mapping; 0 otherwise."""
    if isinstance(value, str) or is_list(value) or isinstance(value, Mapping):
        return len(value)
    return 0


@helper("contains")
def contains(haystack: Any, needle: Any) -> bool:
    """True when a string contains the text, a list contains the item, or a mapping has the key."""
    if isinstance(haystack, str):
        return to_js_string(needle) in haystack
    if is_list(haystack):
        return any(js_equal(item, needle) for item in haystack)
    if isinstance(haystack, Mapping):
        return to_js_string(needle) in haystack
    return False


@helper("indexOf")
def index_of(haystack: Any, needle: Any) -> int:
    """0-based position of the item in a list or text in a string, or -1 when absent."""
    if isinstance(haystack, str):
        return haystack.find(to_js_string(needle))
    if is_list(haystack):
        for index, item in enumerate(haystack):
            if js_equal(item, needle):
                return index
    return -1


@helper("first")
def first(value: Any, count: Any = None) -> Any:
    """The first item (or character); with ``count``, a list (or string) of the first ``count``."""
    if not (isinstance(value, str) or is_list(value)):
        return UNDEFINED
    n = to_int(count)
    if n is None:
        return value[0] if len(value) else UNDEFINED
    return value[: max(n, 0)]


@helper("last")
def last(value: Any, count: Any = None) -> Any:
    """The last item (or character); with ``count``, a list (or string) of the last ``count``."""
    if not (isinstance(value, str) or is_list(value)):
        return UNDEFINED
    n = to_int(count)
    if n is None:
        return value[-1] if len(value) else UNDEFINED
    return value[len(value) - n :] if n > 0 else value[:0]


@helper("slice")
def slice_(value: Any, start: Any, end: Any = None) -> Any:
    """Items ``start`` (inclusive) to ``end`` (exclusive) of a list or string, as JavaScript's
    ``slice``: negative positions count from the end, a missing end means "to the end"."""
    if not (isinstance(value, str) or is_list(value)):
        return UNDEFINED
    begin = to_int(start) or 0
    stop = to_int(end)
    return value[begin:stop]


@helper("join")
def join(value: Any, separator: Any = ", ") -> str:
    """Join list items into text with ``separator`` (default ``", "``); a non-list prints as is."""
    if not is_list(value):
        return to_js_string(value)
    glue = to_js_string(separator)
    # A long separator between many items multiplies: the size is checked as the items are
    # printed, so an oversized result is refused before anything big is built.
    items = []
    size = -len(glue)
    for item in value:
        text = to_js_string(item)
        size += len(glue) + len(text)
        check_result_size(size)
        items.append(text)
    return glue.join(items)
