"""Card records in the store: a JSON record per fingerprint, plus the image for site hosting.

Only successful renders are ever written, and the image goes in before the record, so a build
killed between the two leaves a miss, never a record pointing at nothing.

The image is a plain file in the cache (:mod:`pictify_ssg.core.card_files`), published into the
site as a hard link: a warm build links every card instead of copying it. A :class:`Card`
never carries its image, so memory does not grow with the number of pages.

Cached images can be damaged (a disk error, a truncated copy of the cache folder). Publishing
them as they are put a ``.png`` of garbage in the site on every build. The record keeps the
file's length, modification time and CRC-32 (:func:`save_card`); a lookup compares length and
time with one ``stat`` and reads the file for its CRC and image header only when they differ.
A damaged entry is dropped and looked up as a miss, so the card is rendered again.

Caches written before cards became files hold the image inside diskcache
(``card-bytes:<fingerprint>``, checked the old way by :func:`bytes_problem`); a lookup moves
such an image into a file once, so nothing is rendered again after an update.
"""

from __future__ import annotations

import logging
import time
import zlib
from dataclasses import dataclass, replace
from pathlib import Path

from pictify_ssg.core import cache_keys
from pictify_ssg.core.card_files import FileScan, place_file
from pictify_ssg.core.service import Rendered
from pictify_ssg.core.site_output import file_extension, png_size
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
        size: Bytes of the image (0 when not stored).
        optimized: The ``png_optimize`` mode its image went through (``None``: stored before
            cards were optimised, or not a PNG).
    """

    fingerprint: str
    url: str | None
    width: int
    height: int
    format: str
    has_bytes: bool = False
    size: int = 0
    optimized: str | None = None

    @property
    def file_name(self) -> str:
        """Name of its image file in the cache."""
        return cache_file_name(self.fingerprint, self.format)


def cache_file_name(fingerprint: str, format: str) -> str:
    """``<fingerprint>.<ext>``: the card's file in the cache."""
    return f"{fingerprint}.{file_extension(format)}"


def load_card(store: Store, fingerprint: str, *, need_bytes: bool) -> Card | None:
    """The cached card, or ``None`` when it (or, for site hosting, its image) is missing.

    With ``need_bytes``, the image is checked too (see the module docstring); a damaged one is
    dropped from the store with its record, so the caller sees a miss and renders the card
    again.
    """
    return card_from_record(
        store, fingerprint, store.get_json(cache_keys.card(fingerprint)), need_bytes=need_bytes
    )


def load_cards(store: Store, fingerprints: list[str], *, need_bytes: bool) -> dict[str, Card]:
    """:func:`load_card` for many cards, with their records read in a few queries."""
    records = store.get_json_many(cache_keys.card(fp) for fp in fingerprints)
    cards: dict[str, Card] = {}
    for fingerprint in fingerprints:
        record = records.get(cache_keys.card(fingerprint))
        if record is None:
            continue
        card = card_from_record(store, fingerprint, record, need_bytes=need_bytes)
        if card is not None:
            cards[fingerprint] = card
    return cards


def card_from_record(
    store: Store, fingerprint: str, record: JSON, *, need_bytes: bool
) -> Card | None:
    """The card a stored record describes, its image checked with ``need_bytes``."""
    if not isinstance(record, dict):
        return None
    fmt, width, height = record.get("format"), record.get("width"), record.get("height")
    url = record.get("url")
    if not isinstance(fmt, str) or not isinstance(width, int) or not isinstance(height, int):
        return None
    url = url if isinstance(url, str) else None
    optimized = record.get("optimized")
    card = Card(
        fingerprint,
        url,
        width,
        height,
        fmt,
        optimized=optimized if isinstance(optimized, str) else None,
    )
    if not need_bytes:
        return card if url is not None else None
    if "mtime_ns" not in record:
        return _from_legacy(store, card, record)
    problem = _file_problem(store, card, record)
    if problem is not None:
        # Debug, not a warning: the card is rendered again in this same build and the site
        # comes out right, so there is nothing for the user to do; a warning would also fail
        # `mkdocs build --strict` once for it.
        log.debug(
            "pictify: cached card %s is damaged (%s); rendering it again", fingerprint, problem
        )
        store.files.remove(card.file_name)
        store.delete(cache_keys.card(fingerprint))
        return None
    size = record.get("size")
    return replace(card, has_bytes=True, size=size if isinstance(size, int) else 0)


def _file_problem(store: Store, card: Card, record: dict[str, JSON]) -> str | None:
    stamp = store.files.stamp(card.file_name)
    if stamp is None:
        return "its image file is missing"
    if stamp.size == record.get("size") and stamp.mtime_ns == record.get("mtime_ns"):
        return None  # untouched since it was written (one stat, no read)
    scan = store.files.scan(card.file_name, head=_HEAD)
    if scan is None:
        return "its image file cannot be read"
    problem = scan_problem(scan, record)
    if problem is None:
        # Same bytes, new time (the cache folder was copied without times): remember the
        # time, so the next lookup is one stat again.
        store.set_json(cache_keys.card(card.fingerprint), {**record, "mtime_ns": stamp.mtime_ns})
    return problem


def _from_legacy(store: Store, card: Card, record: dict[str, JSON]) -> Card | None:
    """A card whose image is still inside diskcache: check it and move it into a file."""
    key = cache_keys.card_bytes(card.fingerprint)
    if key not in store:
        return None
    problem = bytes_problem(store, key, record)
    data = store.get_bytes(key) if problem is None else None
    if data is None:
        log.debug("pictify: cached card %s is damaged (%s); rendering it again", key, problem)
        store.delete(key)
        store.delete(cache_keys.card(card.fingerprint))
        return None
    moved = _write(store, card.fingerprint, data, {**record})
    store.delete(key)
    return replace(card, has_bytes=True, size=len(data)) if moved else None


def _write(store: Store, fingerprint: str, data: bytes, record: dict[str, JSON]) -> bool:
    """Write a card's image file and then its record; ``False`` when the file cannot be
    written (the card is then not cached at all)."""
    fmt = record.get("format")
    name = cache_file_name(fingerprint, fmt if isinstance(fmt, str) else "png")
    try:
        stamp = store.files.write(name, data)
    except OSError as exc:
        log.warning("pictify: cannot write card %s into the cache: %s", name, exc)
        return False
    record.update(size=len(data), crc32=zlib.crc32(data), mtime_ns=stamp.mtime_ns)
    store.set_json(cache_keys.card(fingerprint), record)
    return True


def save_card(
    store: Store, fingerprint: str, card: Rendered, *, format: str, optimized: str | None = None
) -> Card:
    """Store a successful render and return it as a :class:`Card`.

    The record keeps the length, time and CRC-32 of the image (see the module docstring).
    When the bytes' own header names another format or size than the service said, the
    header wins: it is what the published file really is, and recording the service's
    figures would make every later lookup take the entry for damaged and render it again.

    Args:
        store: The cache.
        fingerprint: The card's fingerprint.
        card: The render; ``data`` is the image as it will be published (already optimised).
        format: The format asked for.
        optimized: The ``png_optimize`` mode ``data`` went through (PNG cards).
    """
    width, height, fmt = card.width, card.height, format
    record: dict[str, JSON] = {"url": card.url, "size": None}
    if optimized is not None:
        record["optimized"] = optimized
    data = card.data
    if data is not None:
        found = image_header(data[:_HEAD])
        if found is None:
            log.warning(
                "pictify: the renderer returned %d bytes for card %s that are not a PNG, JPEG "
                "or WebP image; it is rendered again on the next build",
                len(data),
                fingerprint[:16],
            )
            data = None
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
    record.update(width=width, height=height, format=fmt)
    if data is None:
        if card.data is None:
            store.set_json(cache_keys.card(fingerprint), record)
        return Card(fingerprint, card.url, width, height, fmt, optimized=optimized)
    card_saved = Card(fingerprint, card.url, width, height, fmt, optimized=optimized)
    if not _write(store, fingerprint, data, record):
        return card_saved
    return replace(card_saved, has_bytes=True, size=len(data))


def replace_image(store: Store, card: Card, data: bytes, *, optimized: str) -> Card:
    """Store a re-encoded image for a cached card (same pixels or a palette of them), e.g.
    when a card cached before optimisation existed is published."""
    record = store.get_json(cache_keys.card(card.fingerprint))
    if not isinstance(record, dict):
        return card
    if not _write(store, card.fingerprint, data, {**record, "optimized": optimized}):
        return card
    return replace(card, size=len(data), optimized=optimized)


def read_image(store: Store, card: Card) -> bytes | None:
    """The card's whole image (for re-encoding), or ``None`` when it is gone."""
    return store.files.read(card.file_name)


def scan_problem(scan: FileScan, record: dict[str, JSON]) -> str | None:
    """What is wrong with a scanned image compared with its record, or ``None``."""
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


def bytes_problem(store: Store, key: str, record: dict[str, JSON]) -> str | None:
    """What is wrong with card bytes stored inside diskcache under ``key`` (caches written
    before cards became files), or ``None`` when they look right."""
    scan = store.scan_bytes(key, head=_HEAD)
    if scan is None:
        # Present a moment ago, unreadable now: a vanished value file or a refused row.
        return "its stored value cannot be read"
    return scan_problem(FileScan(scan.head, scan.size, scan.crc32), record)


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


#: Store key of the time of the last sweep of the card files.
#: Sweep at least this often even when no record expired (leftovers of killed builds).
_SWEEP_EVERY_S = 7 * 86400.0


def sweep_card_files(store: Store, *, records_removed: int) -> int:
    """Delete cached card files whose record is gone (pruned, or never written because the
    build was killed in between). Runs when a prune removed records, else once a week: a
    warm build does not list the folder.

    Returns:
        How many files went.
    """
    last = store.get_json(cache_keys.CARD_FILES_SWEPT)
    now = time.time()
    due = not isinstance(last, (int, float)) or now - last > _SWEEP_EVERY_S
    if not records_removed and not due:
        return 0
    prefix = cache_keys.card("")
    live = {key[len(prefix) :] for key in store.live_keys(prefix)}
    removed = store.files.sweep(live)
    store.set_json(cache_keys.CARD_FILES_SWEPT, now)
    return removed


def publish_card_file(store: Store, card: Card, path: str | Path) -> bool | None:
    """Put a card's image at ``path`` in the site: linked from the cache, or copied where the
    file system cannot link; left alone when it is already there.

    Returns:
        Whether the file was (re)written, or ``None`` when the image is no longer in the
        store (pruned by a concurrent build): the caller treats the card as failed for this
        build, and the next lookup sees a miss and renders it again.
    """
    try:
        return place_file(store.files.location(card.file_name), path)
    except FileNotFoundError:
        return None
