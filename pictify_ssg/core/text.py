"""Cleaning page text for cards: HTML tags and entities out, whitespace folded, cut at a word."""

from __future__ import annotations

import html
import re

ELLIPSIS = "\u2026"

# Content of these elements is never visible text, so it goes with the tags.
_INVISIBLE = re.compile(r"<(script|style|template)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
# A tag starts with a letter or "/" right after "<", so "a < b" stays text.
_TAG = re.compile(r"""</?([A-Za-z][\w-]*)(?:[^<>"']|"[^"]*"|'[^']*')*>""")
# Only real HTML element names count as tags, so generics in titles survive:
# "Vec<T>", "std::vector<int>", "Map<K, V>" are text, not markup.
_HTML_ELEMENTS = frozenset(
    re.findall(
        r"\w+",
        """a abbr acronym address area article aside audio b bdi bdo big blockquote body br button
        canvas caption center cite code col colgroup data datalist dd del details dfn dialog div
        dl dt em embed fieldset figcaption figure font footer form h1 h2 h3 h4 h5 h6 head header
        hgroup hr html i iframe img input ins kbd label legend li link main map mark math menu
        meta meter nav noscript object ol optgroup option output p param picture pre progress q
        rp rt ruby s samp script section select slot small source span strike strong style sub
        summary sup svg table tbody td template textarea tfoot th thead time title tr track tt u
        ul var video wbr""",
    )
)
# Tags that separate words; inline tags (<em>, <code>, <span>) do not ("foo<b>bar</b>").
_BREAKING = frozenset(
    {
        *("address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt"),
        *("figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header"),
        *("hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul"),
    }
)
# Markdown attribute lists left in titles ("Install { #install .big }", mkdocs-material#7913).
_ATTR_LIST = re.compile(
    r"\s*\{:?\s*(?:[#.][\w-]+|[\w-]+=\S+)(?:\s+(?:[#.][\w-]+|[\w-]+=\S+))*\s*\}\s*$"
)
_SPACE = re.compile(r"\s+")
# C0 and C1 control characters (NUL, ESC, DEL, ...): invisible at best, and a NUL in an
# og:title makes some platforms drop the tag. Whitespace controls (tab, newline) are folded
# into spaces instead, so words they separate stay apart.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")
# A tag cut open at the end of a shortened text ("… <scr"): dropped, so truncation never leaves
# half of a tag behind for a template that prints the text raw.
_OPEN_TAG_AT_END = re.compile(r"<[A-Za-z/!][^<>]*$")
# Punctuation that looks odd right before an ellipsis.
_TRAILING = " \t,;:-\u2013\u2014.([{"


# Code listings: a summary made from an article's first paragraphs may hold one, and its
# lines read as gibberish on a card. Pygments wraps <pre> in a <div> or a table; the <pre>
# (with everything in it) is what goes, the empty wrapper is dropped with the other tags.
_CODE_LISTING = re.compile(r"<pre\b[^>]*>.*?</pre\s*>", re.IGNORECASE | re.DOTALL)
# Markdown inline code in a title MkDocs took from the page's first heading.
_INLINE_CODE = re.compile(r"(`+)(?!\s*\1)(.+?)\1")

#: Elements whose tags are kept as text in titles (see ``strip_html(keep_code=True)``).
_CODE_ELEMENTS = frozenset({"script", "style", "template"})


def _drop_tag(match: re.Match[str], *, keep_code: bool = False) -> str:
    name = match.group(1).lower()
    if name not in _HTML_ELEMENTS or (keep_code and name in _CODE_ELEMENTS):
        return match.group(0)
    return " " if name in _BREAKING else ""


def _drop_code_tag(match: re.Match[str]) -> str:
    return _drop_tag(match, keep_code=True)


def strip_html(text: str, *, keep_code: bool = False) -> str:
    """Remove HTML comments, tags and invisible elements, then decode entities.

    Entities are decoded after the tags are gone, so ``&lt;b&gt;`` stays visible text.

    Args:
        text: The text.
        keep_code: Keep ``<script>``, ``<style>`` and ``<template>`` elements as literal text.
            For titles: no SSG puts a script into a page title, so one that is there was
            written as text (a page about XSS, say) and must show on the card as written,
            not vanish into an empty title. Descriptions may be HTML summaries with real
            scripts in them, and those are dropped.
    """
    if "<" not in text and "&" not in text:
        return text  # no markup and no entity: nothing below would change it (the usual case)
    text = _COMMENT.sub(" ", text)
    if keep_code:
        text = _TAG.sub(_drop_code_tag, text)
    else:
        text = _INVISIBLE.sub(" ", text)
        text = _TAG.sub(_drop_tag, text)
    return html.unescape(text)


def drop_controls(text: str) -> str:
    """``text`` without control characters other than tab, newline and carriage return."""
    if text.isprintable():
        return text  # control characters are never printable: nothing to drop
    return _CONTROL.sub("", text)


def fold_whitespace(text: str) -> str:
    """Collapse every run of whitespace (including non-breaking spaces) into one space, and
    drop control characters."""
    if text.isprintable() and "  " not in text:
        # The usual case, without a regex: a printable string has no control characters, and
        # the ASCII space is its only whitespace (tabs, newlines and Unicode spaces are not
        # "printable"), each one alone.
        return text.strip()
    return _SPACE.sub(" ", _CONTROL.sub("", text)).strip()


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters at a word boundary, ending with an ellipsis.

    Only when the last word boundary would throw away more than three quarters of the room is
    the text cut inside a word: a card with three characters and an ellipsis reads worse.
    """
    if limit <= 0 or len(text) <= limit:
        return text
    if limit == 1:
        return ELLIPSIS
    cut = text[: limit - 1]
    boundary = cut.rfind(" ")
    if text[limit - 1] != " " and boundary >= max(1, (limit - 1) // 4):
        cut = cut[:boundary]
    cut = _OPEN_TAG_AT_END.sub("", cut)
    return cut.rstrip(_TRAILING) + ELLIPSIS


def clean_text(value: object, limit: int = 0, *, keep_code: bool = False) -> str:
    """Turn a title or description from any SSG into plain card text.

    Args:
        value: The raw value; ``None`` becomes ``""`` and other objects go through ``str()``.
        limit: Maximum length in characters; 0 means no limit.
        keep_code: Keep script/style elements as literal text (titles; see `strip_html`).

    Returns:
        Text without tags, entities, attribute lists or repeated whitespace.
    """
    if value is None:
        return ""
    text = fold_whitespace(strip_html(str(value), keep_code=keep_code))
    if text.endswith("}"):  # an attribute list can only stand at the very end
        text = _ATTR_LIST.sub("", text)
    return shorten(text, limit)


def drop_code_listings(html_text: str) -> str:
    """``html_text`` without its code listings (``<pre>`` blocks, as summaries hold them)."""
    return _CODE_LISTING.sub(" ", html_text)


def drop_code_marks(text: str) -> str:
    """Markdown code spans as their text: ``The `Client` class`` -> ``The Client class``."""
    return _INLINE_CODE.sub(lambda match: match.group(2).strip(), text)
