"""Card records in the store: a JSON record per fingerprint, plus the bytes for site hosting.

Only successful renders are ever written, and the bytes go in before the record, so a build
killed between the two leaves a miss, never a record pointing at nothing.

A :class:`Card` never carries its image: looking a card up only checks that its bytes are
there, and publishing streams them from the store into the site one card at a time
(:func:`publish_card_file`). Holding the bytes of every cached card until publishing made a
warm build's memory grow with the number of pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pictify_ssg.core.publish import copy_atomic
from pictify_ssg.core.service import Rendered
from pictify_ssg.core.store import Store


@dataclass(frozen=True)
class Card:
    """A card ready to publish.

    Attributes:
        fingerprint: Its fingerprint.
        url: The service's URL for it (``None`` when unknown).
        width: Width in pixels.
        height: Height in pixels.
        format: ``png``, ``jpeg`` or ``webp``.
        has_bytes: Whether the store holds its image (for ``hosting: site``).
    """

    fingerprint: str
    url: str | None
    width: int
    height: int
    format: str
    has_bytes: bool = False


def record_key(fingerprint: str) -> str:
    """Store key of a card's JSON record."""
    return f"card:{fingerprint}"


def bytes_key(fingerprint: str) -> str:
    """Store key of a card's bytes."""
    return f"card-bytes:{fingerprint}"


def load_card(store: Store, fingerprint: str, *, need_bytes: bool) -> Card | None:
    """The cached card, or ``None`` when it (or, for site hosting, its bytes) is missing."""
    record = store.get_json(record_key(fingerprint))
    if not isinstance(record, dict):
        return None
    fmt, width, height = record.get("format"), record.get("width"), record.get("height")
    url = record.get("url")
    if not isinstance(fmt, str) or not isinstance(width, int) or not isinstance(height, int):
        return None
    url = url if isinstance(url, str) else None
    # Presence only: the bytes are read when the card is published, one card at a time.
    has_bytes = need_bytes and bytes_key(fingerprint) in store
    if (need_bytes and not has_bytes) or (not need_bytes and url is None):
        return None
    return Card(fingerprint, url, width, height, fmt, has_bytes)


def save_card(store: Store, fingerprint: str, card: Rendered, *, format: str) -> Card:
    """Store a successful render and return it as a :class:`Card`."""
    if card.data is not None:
        store.set_bytes(bytes_key(fingerprint), card.data)
    store.set_json(
        record_key(fingerprint),
        {
            "url": card.url,
            "width": card.width,
            "height": card.height,
            "format": format,
            "size": len(card.data) if card.data is not None else None,
        },
    )
    return Card(fingerprint, card.url, card.width, card.height, format, card.data is not None)


def publish_card_file(store: Store, fingerprint: str, path: Path) -> bool | None:
    """Copy a card's stored bytes to ``path``, streaming them from the store.

    Returns:
        Whether the file was (re)written, or ``None`` when the bytes are no longer in the
        store (pruned by a concurrent build, or an unsafe row): the caller treats the card as
        failed for this build, and the next lookup sees a miss and renders it again.
    """
    reader = store.open_bytes(bytes_key(fingerprint))
    if reader is None:
        return None
    with reader:
        return copy_atomic(path, reader)
