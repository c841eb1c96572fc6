"""Writing card meta tags into a page's ``<head>`` without a full HTML parser.

Our tags live in one marked block, so a second run replaces the block instead of adding one
(idempotent). Theme tags for the image (``og:image*``, ``twitter:image*``, ``twitter:card``)
are removed because ours replace them; ``og:title`` and friends are added only when the page
does not declare them already. Regions that are not markup (comments, scripts, styles) are
never touched.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pictify_ssg.core.results import MetaTag

BLOCK_START = "<!-- pictify-ssg: social card -->"
BLOCK_END = "<!-- /pictify-ssg -->"

_BLOCK = re.compile(re.escape(BLOCK_START) + r".*?" + re.escape(BLOCK_END) + r"[ \t]*\n?", re.S)
# A meta tag whose attribute values may contain ">" inside quotes.
_META = re.compile(r"""<meta\b(?:[^>"']|"[^"]*"|'[^']*')*>""", re.IGNORECASE)
_ATTR = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
_OPAQUE = re.compile(
    r"<!--.*?-->|<(script|style|noscript|template|textarea)\b.*?</\1\s*>", re.IGNORECASE | re.S
)
_HEAD_OPEN = re.compile(r"<head(?:\s(?:[^>\"']|\"[^\"]*\"|'[^']*')*)?>", re.IGNORECASE)
_HEAD_CLOSE = re.compile(r"</head\s*>", re.IGNORECASE)
_BODY_OPEN = re.compile(r"<body\b", re.IGNORECASE)
_HTML_OPEN = re.compile(r"<html\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.IGNORECASE)

#: Keys our tags replace wherever the theme put them.
_REPLACED_PREFIXES = ("og:image", "twitter:image")
_REPLACED_KEYS = frozenset({"twitter:card"})


def _is_replaced(key: str) -> bool:
    return key in _REPLACED_KEYS or key.startswith(_REPLACED_PREFIXES)


def _meta_key(tag: str) -> str | None:
    """The lower-cased ``property``/``name`` of a meta tag, if any."""
    attrs: dict[str, str] = {}
    for match in _ATTR.finditer(tag[len("<meta") :]):
        name, value = match.group(1).lower(), match.group(2) or ""
        if value[:1] in {'"', "'"}:
            value = value[1:-1]
        attrs.setdefault(name, value)
    key = attrs.get("property") or attrs.get("name")
    return key.strip().lower() if key else None


def _head_bounds(html: str) -> tuple[int, int] | None:
    """Start (after ``<head>``) and end (at ``</head>`` or ``<body``) of the head, if any."""
    opened = _HEAD_OPEN.search(html)
    start = opened.end() if opened else 0
    closed = _HEAD_CLOSE.search(html, start)
    if closed:
        return start, closed.start()
    body = _BODY_OPEN.search(html, start)
    if opened:
        return start, body.start() if body else len(html)
    return None


def _opaque_spans(html: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _OPAQUE.finditer(html, start, end)]


def _line_span(html: str, start: int, end: int) -> tuple[int, int]:
    """Widen a tag's span to its whole line when it stands alone on that line."""
    line_start = html.rfind("\n", 0, start) + 1
    line_end = html.find("\n", end)
    line_end = len(html) if line_end == -1 else line_end
    if html[line_start:start].strip() or html[end:line_end].strip():
        return start, end
    return line_start, min(line_end + 1, len(html))


def render_tag_block(tags: Sequence[MetaTag]) -> str:
    """The marked block of ``tags`` as :func:`inject_meta_tags` writes it.

    Written into a page as it renders (see :mod:`~pictify_ssg.core.head_slot`), it spares
    the edit afterwards when :func:`has_tag_block` finds it in place.
    """
    lines = [BLOCK_START, *(tag.to_html() for tag in tags), BLOCK_END]
    return "\n".join(lines) + "\n"


#: Raw-text elements: a block inside one would be text, not tags.
_RAW_TEXT = ("script", "style", "noscript", "template", "textarea")


def opens_head(html: str) -> bool:
    """Whether ``html`` holds a ``<head>`` start tag."""
    return _HEAD_OPEN.search(html) is not None


def has_tag_block(html: str, tags: Sequence[MetaTag], block: str) -> bool:
    """Whether ``html`` already holds ``block`` (of ``tags``) as :func:`inject_meta_tags` would
    leave it, so the page needs no edit.

    True only when the block is the one block of the page, ends its ``<head>``, stands
    outside comments and raw-text elements, and the rest of the head names none of the
    block's keys (a theme's own ``og:image`` must go, its ``og:title`` keeps ours out): the
    cases where the edit would write the same page. Anything else says False, and the caller
    edits. Only the head is read.
    """
    bounds = _head_bounds(html)
    if bounds is None or not block:
        return False
    start, end = bounds
    if end - start < len(block) or not html.startswith(block, end - len(block)):
        return False
    rest = html[start : end - len(block)].lower()
    if BLOCK_START.lower() in rest or rest.rfind("<!--") > rest.rfind("-->"):
        return False
    if any(rest.rfind(f"<{name}") > rest.rfind(f"</{name}") for name in _RAW_TEXT):
        return False
    return not any(tag.key.lower() in rest for tag in tags)


def inject_meta_tags(html: str, tags: Sequence[MetaTag]) -> str:
    """Write card meta tags into the ``<head>`` of an HTML page.

    Existing ``og:image*``, ``twitter:image*`` and ``twitter:card`` tags are replaced, other
    tags (``og:title``, ``og:description``...) are added only where the page lacks them.
    Running it twice gives the same page. A page without ``<head>`` gets one.

    Only the head is searched and edited (the body of a long page is copied once, never
    scanned), so the cost per page follows the size of its head.

    Args:
        html: The page.
        tags: The tags from :class:`~pictify_ssg.core.results.CardResult`.

    Returns:
        The page with the tags; unchanged when ``tags`` is empty and no old block exists.
    """
    bounds = _head_bounds(html)
    if bounds is None:
        # No head: our block (always written inside a head) cannot be there either.
        return _insert_new_head(html, render_tag_block(tags)) if tags else html
    start, end = bounds
    head = html[start:end]
    # 1. Drop our previous block (every one, should there be more), remembering where the
    # first was.
    previous = _BLOCK.search(head)
    anchor: int | None = None
    if previous:
        anchor = previous.start()
        head = head[: previous.start()] + _BLOCK.sub("", head[previous.end() :])
    if tags:
        head = _edit_head(head, tags, anchor)
    elif previous is None:
        return html
    return _splice(html, start, end, head)


def _splice(html: str, start: int, end: int, part: str) -> str:
    """``html`` with ``html[start:end]`` replaced by ``part``, copying the page once.

    Slicing and concatenating copies a page three times; a page with one non-Latin-1
    character is stored at four bytes per character, so on a 1000-page site with a long
    navigation that was a visible part of the build. ``str.replace`` of the first occurrence
    copies once; it is used when that first occurrence is the one at ``start``.
    """
    old = html[start:end]
    if old and html.find(old, 0, end) == start:
        return html.replace(old, part, 1)
    return html[:start] + part + html[end:]


def _edit_head(head: str, tags: Sequence[MetaTag], anchor: int | None) -> str:
    """The head with the theme's image tags removed and our block added (at ``anchor``, the
    place of our previous block, when there was one; else at the end)."""
    # 2. Look at the theme's own meta tags in the head, outside comments and scripts.
    opaque = _opaque_spans(head, 0, len(head))
    present: set[str] = set()
    removals: list[tuple[int, int]] = []
    for match in _META.finditer(head):
        if any(a <= match.start() < b for a, b in opaque):
            continue
        key = _meta_key(match.group(0))
        if key is None:
            continue
        if _is_replaced(key):
            removals.append(_line_span(head, match.start(), match.end()))
        else:
            present.add(key)

    wanted = [t for t in tags if _is_replaced(t.key.lower()) or t.key.lower() not in present]
    block = render_tag_block(wanted)

    # 3. Keep what lies between the removed tags, adjusting the anchor as text goes.
    parts: list[str] = []
    kept_until = 0
    insert_at = anchor
    for a, b in removals:
        parts.append(head[kept_until:a])
        if anchor is not None and a < anchor:
            assert insert_at is not None
            insert_at -= min(b, anchor) - a
        kept_until = b
    parts.append(head[kept_until:])
    head = "".join(parts)
    if insert_at is None:
        insert_at = len(head)
    return head[:insert_at] + block + head[insert_at:]


def _insert_new_head(html: str, block: str) -> str:
    head = "<head>\n" + block + "</head>\n"
    opened = _HTML_OPEN.search(html)
    if opened:
        return html[: opened.end()] + "\n" + head + html[opened.end() :]
    return head + html
