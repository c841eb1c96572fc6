"""HTML escaping exactly as Handlebars' ``escapeExpression`` does it."""

from __future__ import annotations

import re
from typing import Final

__all__ = ["escape_html"]

# The same seven characters Handlebars replaces. `=` and the backtick matter inside unquoted
# attribute values, which is why Handlebars (unlike html.escape) escapes them.
_SPECIAL: Final = re.compile(r"[&<>\"'`=]")
_REPLACEMENTS: Final = (
    ("&", "&amp;"),  # first, so the ampersands of the other entities stay intact
    ("<", "&lt;"),
    (">", "&gt;"),
    ('"', "&quot;"),
    ("'", "&#x27;"),
    ("`", "&#x60;"),
    ("=", "&#x3D;"),
)


def escape_html(text: str) -> str:
    """Escape ``& < > " ' ` =`` for safe use in HTML text and quoted or unquoted attributes.

    Args:
        text: Already-stringified output.

    Returns:
        The escaped text; text without special characters is returned unchanged.
    """
    # Most card values need no escaping; one regex scan is far cheaper than seven replaces,
    # and chained str.replace beats str.translate with a dict by ~10x on short strings.
    if _SPECIAL.search(text) is None:
        return text
    for char, entity in _REPLACEMENTS:
        text = text.replace(char, entity)
    return text
