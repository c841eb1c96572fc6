"""Card records in the store: a JSON record per fingerprint, plus the bytes for site hosting.

Only successful renders are ever written, and the bytes go in before the record, so a build
killed between the two leaves a miss, never a record pointing at nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

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
        data: The image bytes (kept for ``hosting: site``).
    """

    fingerprint: str
    url: str | None
    width: int
    height: int
    format: str
    data: bytes | None


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
    data = store.get_bytes(bytes_key(fingerprint)) if need_bytes else None
    if (need_bytes and data is None) or (not need_bytes and url is None):
        return None
    return Card(fingerprint, url, width, height, fmt, data)


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
    return Card(fingerprint, card.url, card.width, card.height, format, card.data)
