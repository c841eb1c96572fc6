"""Card records in the store: a JSON record per fingerprint, plus the bytes for site hosting.

Only successful renders are ever written, and the bytes go in before the record, so a build
killed between the two leaves a miss, never a record pointing at nothing.

A :class:`Card` never carries its image: looking a card up streams its bytes once through a
check (:func:`bytes_problem`) without keeping them, and publishing streams them from the store
into the site one card at a time (:func:`publish_card_file`). Holding the bytes of every cached
card until publishing made a warm build's memory grow with the number of pages.

Cached bytes can be damaged (a disk error, a truncated copy of the cache folder). Publishing
them as they are put a ``.png`` of garbage in the site on every build, and an empty entry
passed the presence check but not publishing, so the page lost its card for good. The check
compares the bytes with what the record says: their length and CRC-32 (recorded at save time;
older records have no CRC and skip that part), and the image header's format and size. A
damaged entry is dropped and looked up as a miss, so the card is rendered again.
"""

from __future__ import annotations

import logging
import zlib
from dataclasses import dataclass
from pathlib import Path

from pictify_ssg.core.publish import copy_atomic, png_size
from pictify_ssg.core.service import Rendered
from pictify_ssg.core.store import JSON, Store

log = logging.getLogger("pictify_ssg")

#: Bytes kept for reading the image header: a JPEG's frame header comes after its tables
#: (and any metadata), a few hundred bytes in practice; 64 KiB leaves room for an ICC profile.
_HEAD = 64 * 1024


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
    """The cached card, or ``None`` when it (or, for site hosting, its bytes) is missing.

    With ``need_bytes``, the bytes are checked too (see :func:`bytes_problem`); damaged ones
    are dropped from the store with their record, so the caller sees a miss and renders the
    card again.
    """
    record = store.get_json(record_key(fingerprint))
    if not isinstance(record, dict):
        return None
    fmt, width, height = record.get("format"), record.get("width"), record.get("height")
    url = record.get("url")
    if not isinstance(fmt, str) or not isinstance(width, int) or not isinstance(height, int):
        return None
    url = url if isinstance(url, str) else None
    if not need_bytes:
        return Card(fingerprint, url, width, height, fmt) if url is not None else None
    key = bytes_key(fingerprint)
    if key not in store:
        return None
    problem = bytes_problem(store, key, record)
    if problem is not None:
        # Debug, not a warning: the card is rendered again in this same build and the site
        # comes out right, so there is nothing for the user to do; a warning would also fail
        # `mkdocs build --strict` once for it.
        log.debug("pictify: cached card %s is damaged (%s); rendering it again", key, problem)
        store.delete(key)
        store.delete(record_key(fingerprint))
        return None
    return Card(fingerprint, url, width, height, fmt, has_bytes=True)


def save_card(store: Store, fingerprint: str, card: Rendered, *, format: str) -> Card:
    """Store a successful render and return it as a :class:`Card`.

    The record keeps the length and CRC-32 of the bytes for :func:`bytes_problem`. When the
    bytes' own header names another format or size than the service said, the header wins:
    it is what the published file really is, and recording the service's figures would make
    every later lookup take the entry for damaged and render it again.
    """
    width, height, fmt = card.width, card.height, format
    record: dict[str, JSON] = {"url": card.url, "size": None}
    if card.data is not None:
        found = image_header(card.data[:_HEAD])
        if found is None:
            log.warning(
                "pictify: the renderer returned %d bytes for card %s that are not a PNG, JPEG "
                "or WebP image; it is rendered again on the next build",
                len(card.data),
                fingerprint[:16],
            )
        elif found != (fmt, width, height):
            log.debug(
                "pictify: card %s is a %s of %dx%d, not the %s of %dx%d the service reported",
                fingerprint[:16],
                *found,
                fmt,
                width,
                height,
            )
            fmt, width, height = found
        record.update(size=len(card.data), crc32=zlib.crc32(card.data))
        store.set_bytes(bytes_key(fingerprint), card.data)
    record.update(width=width, height=height, format=fmt)
    store.set_json(record_key(fingerprint), record)
    return Card(fingerprint, card.url, width, height, fmt, card.data is not None)


def bytes_problem(store: Store, key: str, record: dict[str, JSON]) -> str | None:
    """What is wrong with the card bytes stored under ``key``, or ``None`` when they look right.

    The bytes are streamed once (never held whole): their length and CRC-32 are compared with
    the record's (when it has them), and the image header with the record's format, width and
    height. A CRC costs one read of the card, about what publishing it costs; reading the
    header alone would miss damage past the header, which is most of the file.
    """
    scan = store.scan_bytes(key, head=_HEAD)
    if scan is None:
        # Present a moment ago, unreadable now: a vanished value file or a refused row.
        return "its stored value cannot be read"
    if scan.size == 0:
        return "it is empty"
    expected_size, expected_crc = record.get("size"), record.get("crc32")
    if isinstance(expected_size, int) and scan.size != expected_size:
        return f"{scan.size} bytes, {expected_size} expected"
    if isinstance(expected_crc, int) and scan.crc32 != expected_crc:
        return "its CRC-32 does not match"
    found = image_header(scan.head)
    expected = (record.get("format"), record.get("width"), record.get("height"))
    if found is None:
        return "not a PNG, JPEG or WebP image"
    if found != expected:
        return "a {} of {}x{}, while a {} of {}x{} was stored".format(*found, *expected)
    return None


def image_header(head: bytes) -> tuple[str, int, int] | None:
    """Format (``png``, ``jpeg`` or ``webp``), width and height read from an image's first bytes.

    Returns:
        ``None`` when ``head`` does not start like one of those formats (or is cut too short
        to tell its size).
    """
    width, height = png_size(head)
    if width and height:
        return "png", width, height
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        size = _webp_size(head)
        return ("webp", *size) if size else None
    if head[:2] == b"\xff\xd8":
        size = _jpeg_size(head)
        return ("jpeg", *size) if size else None
    return None


def _webp_size(head: bytes) -> tuple[int, int] | None:
    # The first chunk says which of WebP's three layouts follows, each with its own fields.
    chunk = head[12:16]
    if chunk == b"VP8 " and head[23:26] == b"\x9d\x01\x2a" and len(head) >= 30:
        # Lossy: 14-bit width and height after the key frame's start code.
        width = int.from_bytes(head[26:28], "little") & 0x3FFF
        height = int.from_bytes(head[28:30], "little") & 0x3FFF
        return width, height
    if chunk == b"VP8L" and head[20:21] == b"\x2f" and len(head) >= 25:
        # Lossless: width-1 and height-1 packed as two 14-bit fields.
        bits = int.from_bytes(head[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(head) >= 30:
        # Extended: 24-bit canvas width-1 and height-1.
        return int.from_bytes(head[24:27], "little") + 1, int.from_bytes(head[27:30], "little") + 1
    return None


# Start-of-frame markers (the ones that carry the image size): C0-CF except DHT (C4),
# JPG (C8) and DAC (CC).
_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# Markers without a length field: TEM, RST0-7, SOI.
_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD9)})


def _jpeg_size(head: bytes) -> tuple[int, int] | None:
    """Walk the JPEG segments up to the frame header (height first, then width)."""
    at = 2
    while at + 4 <= len(head):
        if head[at] != 0xFF:
            return None
        marker = head[at + 1]
        if marker == 0xFF:  # fill byte before a marker
            at += 1
        elif marker in _JPEG_STANDALONE:
            at += 2
        elif marker in _JPEG_FRAMES:
            if at + 9 > len(head):
                return None
            height = int.from_bytes(head[at + 5 : at + 7], "big")
            width = int.from_bytes(head[at + 7 : at + 9], "big")
            return width, height
        elif marker in (0xD9, 0xDA):  # end of image, or scan data before any frame header
            return None
        else:
            at += 2 + int.from_bytes(head[at + 2 : at + 4], "big")
    return None


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
