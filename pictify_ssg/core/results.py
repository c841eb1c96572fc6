"""What a build hands back per page: the card and its meta tags."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Literal

from pictify_ssg.core.text import drop_controls

Origin = Literal["cached", "rendered", "explicit", "fallback", "previous"]


@dataclass(frozen=True)
class MetaTag:
    """One ``<meta>`` tag.

    Attributes:
        attr: ``"property"`` for Open Graph tags, ``"name"`` for Twitter tags.
        key: The property or name, e.g. ``"og:image"``.
        content: The value (plain text; escaped when written into HTML).
    """

    attr: Literal["property", "name"]
    key: str
    content: str

    def to_html(self) -> str:
        """The tag as HTML, with the content escaped for a double-quoted attribute."""
        content = escape(drop_controls(self.content))
        return f'<meta {self.attr}="{escape(self.key)}" content="{content}">'


@dataclass(frozen=True)
class CardResult:
    """The social card of one page.

    Attributes:
        url: The image URL; absolute when the site URL is known, else relative to the page.
        width: Width in pixels (0 when unknown, e.g. an explicit image).
        height: Height in pixels (0 when unknown).
        type: MIME type, e.g. ``"image/png"``.
        alt: Text alternative for the image (``og:image:alt``, ``twitter:image:alt``).
        origin: Where the card came from this build.
        tags: The meta tags for the page (empty when ``meta_tags`` is off).
        fingerprint: Content fingerprint of a generated card (``None`` for explicit/fallback).
    """

    url: str
    width: int
    height: int
    type: str
    alt: str
    origin: Origin
    tags: tuple[MetaTag, ...] = ()
    fingerprint: str | None = None
