"""Putting card files into the built site and giving their public URLs."""

from __future__ import annotations

import os

from pictify_ssg.core.cards import Card, publish_card_file
from pictify_ssg.core.phases.context import BuildContext
from pictify_ssg.core.records import PageRecord
from pictify_ssg.core.site_output import card_file_name, public_url


class CardPlacer:
    """Places card files into the site's card folder, each once, and notes what it placed.

    Attributes:
        written: File names placed (or kept) in the card folder this build.
        sources: The card file of each page, by page key (for the gallery).
        oversized: Pages whose card file is over ``size_warning_kb``, with its size in bytes.
    """

    def __init__(self, ctx: BuildContext) -> None:
        self.ctx = ctx
        self.written: set[str] = set()
        self.sources: dict[str, str] = {}
        self.oversized: dict[str, int] = {}
        self._sizes: dict[str, int] = {}  # card file name -> bytes

    def url(self, page: PageRecord, card: Card) -> str | None:
        """The card's public URL, its file published first (``None``: its bytes are gone)."""
        ctx = self.ctx
        if not ctx.hosts_files and card.url:
            return card.url
        name = card_file_name(card.fingerprint, card.format)
        if name not in self.written:
            # Streamed from the store one card at a time (never all cards in memory at once).
            if publish_card_file(ctx.store, card, os.path.join(ctx.out_dir, name)) is None:
                return None
            self.written.add(name)
            if card.size:
                self._sizes[name] = card.size
        self.sources[page.key] = name
        self._check_size(page, name)
        if not ctx.site_url:
            ctx.warn(
                "pictify: site_url is not set, so card URLs are relative; social platforms need "
                "absolute URLs: set site_url (MkDocs) / SITEURL (Pelican) or the site_url option"
            )
        return public_url(ctx.site_url, page, f"{ctx.settings.output_dir}/{name}")

    def _check_size(self, page: PageRecord, name: str) -> None:
        """Note a page whose card file is over ``size_warning_kb``: every build checks every
        published card, cached or new, so the warning (and ``--strict``) does not depend on
        the state of the cache."""
        limit = self.ctx.settings.size_warning_kb * 1024
        if not limit:
            return
        size = self._sizes.get(name)
        if size is None:
            try:
                size = self._sizes[name] = (self.ctx.out_dir / name).stat().st_size
            except OSError:
                return
        if size > limit:
            self.oversized[page.key] = size
