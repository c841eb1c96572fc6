"""Writing a page's card tags while its Jinja template renders, so no page is copied afterwards.

Editing a rendered page means building a second string of the whole page (Python strings are
immutable): on a site whose every page carries a long navigation, that copy was most of the
plugin's cost in a warm build. A Jinja ``Template.render`` joins the template's chunks with
``environment.concat`` into the page string; :class:`HeadSlot` wraps that join, and for the one
render it is armed for, puts the tag block in front of the first ``</head>`` as it joins. The
page string is then built once, with the tags in it.

It is an optimisation, never the only way: :func:`~pictify_ssg.core.html_head.has_tag_block`
checks the page's head, and a page it does not vouch for (the theme writes its own image
tags, another plugin moved things, the template has no ``</head>``) gets the usual edit of
:func:`~pictify_ssg.core.html_head.inject_meta_tags`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from itertools import chain
from typing import Protocol

from pictify_ssg.core.html_head import has_tag_block, opens_head, render_tag_block
from pictify_ssg.core.results import MetaTag

_HEAD_CLOSE = re.compile(r"</head\s*>", re.IGNORECASE)


class _Joining(Protocol):
    """The part of a ``jinja2.Environment`` the slot uses (core code does not import Jinja's
    environment just for a type)."""

    concat: Callable[[Iterable[str]], str]


class HeadSlot:
    """Arms a Jinja environment to write one page's tag block before ``</head>`` as it renders.

    Call :meth:`arm` with the page's tags right before the page's template renders (MkDocs:
    the last ``on_page_context`` hook). The first join after that is the page's own render
    (``Template.render`` joins the whole page in one call); joins nested inside it, for
    ``{% set %}`` blocks, macros and ``super()``, pass through untouched.

    The head is checked as it is joined, while its text is at hand (see :meth:`wrote`): on a
    long page, reading the head again afterwards costs more than the check itself.

    Args:
        environment: The Jinja environment the pages render with.
    """

    def __init__(self, environment: _Joining) -> None:
        self._join = environment.concat
        self._tags: Sequence[MetaTag] = ()
        self._block: str | None = None
        self._rendering = False
        self._vouched: str | None = None
        self.environment = environment
        environment.concat = self._concat

    def arm(self, tags: Sequence[MetaTag]) -> str | None:
        """Write the block of ``tags`` into the next page render (no tags: write nothing).

        Returns:
            The block that will be written, or ``None``.
        """
        self._tags = tags
        self._block = render_tag_block(tags) if tags else None
        self._vouched = None
        return self._block

    def wrote(self, page: str) -> bool:
        """Whether ``page`` is the very page the last armed render made, and its head holds
        the block as :func:`~pictify_ssg.core.html_head.inject_meta_tags` would leave it
        (:func:`~pictify_ssg.core.html_head.has_tag_block`). A page another plugin changed
        since is another string, and says False. Asked once per render."""
        vouched, self._vouched = self._vouched, None
        return vouched is not None and page is vouched

    def _concat(self, chunks: Iterable[str]) -> str:
        block, self._block = self._block, None
        if block is None or self._rendering:
            return self._join(chunks)
        self._rendering = True
        try:
            page, head = _join_with_block(chunks, block, self._join)
        finally:
            self._rendering = False
        # The page up to its first </head>: all that has_tag_block reads of the page, provided
        # the head starts in it (else it would look for a <head> further on).
        if head is not None and opens_head(head) and has_tag_block(head, self._tags, block):
            self._vouched = page
        return page


def _join_with_block(
    chunks: Iterable[str], block: str, join: Callable[[Iterable[str]], str]
) -> tuple[str, str | None]:
    """The chunks joined, with ``block`` in front of the first ``</head>``; and the page up
    to the end of that ``</head>`` (``None`` when there is none).

    Template text between two tags is one chunk, so a literal ``</head>`` is never split. Only
    the head's chunks pass through Python code here; the body's (thousands, on a page with a
    long navigation) go to the join as they come.
    """
    rest = iter(chunks)
    head: list[str] = []
    for chunk in rest:
        match = _HEAD_CLOSE.search(chunk)
        if match is None:
            head.append(chunk)
            continue
        head += (chunk[: match.start()], block, chunk[match.start() : match.end()])
        prefix = join(head)
        head[-1] = chunk[match.start() :]
        return join(chain(head, rest)), prefix
    return join(head), None
