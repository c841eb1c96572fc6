"""Handlebars whitespace control: ``{{~ ~}}`` trimming and "standalone" tag lines.

Handlebars removes the whole line around a block tag, ``{{else}}`` or comment that stands alone
on its line, so that templates can be indented freely without leaving blank lines in the output.
Handlebars does this on its syntax tree; doing it on the flat token list is equivalent because the
neighbours a tag looks at (the text just before and after it) are the same in both views.
"""

from __future__ import annotations

import re
from typing import Final

from .lexer import Content, Tag, TagKind

__all__ = ["apply_whitespace_control"]

_STANDALONE_KINDS: Final = frozenset(
    {TagKind.BLOCK, TagKind.INVERSE_BLOCK, TagKind.CLOSE, TagKind.ELSE, TagKind.COMMENT}
)
_PREV_LINE_BLANK: Final = re.compile(r"\r?\n\s*?$")
_PREV_LINE_BLANK_AT_START: Final = re.compile(r"(?:^|\r?\n)\s*?$")
_NEXT_LINE_BLANK: Final = re.compile(r"^\s*?\r?\n")
_NEXT_LINE_BLANK_AT_END: Final = re.compile(r"^\s*?(?:\r?\n|$)")
_TRAILING_INDENT: Final = re.compile(r"[ \t]+$")
_LEADING_LINE: Final = re.compile(r"^[ \t]*\r?\n?")
_TRAILING_SPACE: Final = re.compile(r"\s+$")
_LEADING_SPACE: Final = re.compile(r"^\s+")


def apply_whitespace_control(items: list[Content | Tag]) -> None:
    """Trim the texts around tags in place, as Handlebars does.

    Args:
        items: The lexer's output; :class:`Content` items are edited, tags are left alone.
    """
    last = len(items) - 1
    for index, item in enumerate(items):
        if not isinstance(item, Tag):
            continue
        before = items[index - 1] if index > 0 else None
        after = items[index + 1] if index < last else None
        # Decide "standalone" on the untouched texts, like Handlebars (it tests `.original`).
        standalone = (
            item.kind in _STANDALONE_KINDS
            and _blank_before(before, is_first=index == 1)
            and _blank_after(after, is_last=index == last - 1)
        )
        if item.strip_before and isinstance(before, Content):
            _trim_end(before, _TRAILING_SPACE)
        if item.strip_after and isinstance(after, Content):
            _trim_start(after, _LEADING_SPACE)
        if standalone:
            # A text already trimmed by `~` is not trimmed again (Handlebars' rule too).
            if isinstance(after, Content) and not after.left_stripped:
                _trim_start(after, _LEADING_LINE)
            if isinstance(before, Content) and not before.right_stripped:
                _trim_end(before, _TRAILING_INDENT)


def _trim_start(content: Content, pattern: re.Pattern[str]) -> None:
    trimmed = pattern.sub("", content.text, count=1)
    content.left_stripped = trimmed != content.text
    content.text = trimmed


def _trim_end(content: Content, pattern: re.Pattern[str]) -> None:
    trimmed = pattern.sub("", content.text, count=1)
    content.right_stripped = trimmed != content.text
    content.text = trimmed


def _blank_before(item: Content | Tag | None, *, is_first: bool) -> bool:
    if item is None:
        return True  # the tag opens the template
    if not isinstance(item, Content):
        return False
    pattern = _PREV_LINE_BLANK_AT_START if is_first else _PREV_LINE_BLANK
    return pattern.search(item.original) is not None


def _blank_after(item: Content | Tag | None, *, is_last: bool) -> bool:
    if item is None:
        return True  # the tag ends the template
    if not isinstance(item, Content):
        return False
    pattern = _NEXT_LINE_BLANK_AT_END if is_last else _NEXT_LINE_BLANK
    return pattern.search(item.original) is not None
