"""Damaged caches: card files that are no longer the image, and a damaged local-server database.

The damage is done on disk, where it happens (the card file, diskcache's row or value file of
an old cache, SQLite's file), never through the store's own API, so the store cannot tidy it
up on the way in.
"""

from __future__ import annotations

import contextlib
import io
import logging
import sqlite3
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PIL import Image

from pictify_ssg.core import PageRecord, Settings, SiteInfo, build, cache_keys
from pictify_ssg.core.cards import (
    image_header,
    load_card,
    save_card,
)
from pictify_ssg.core.service import Rendered
from pictify_ssg.core.store import Store

if TYPE_CHECKING:
    from pictify_ssg.local import LocalServer

SettingsFactory = Callable[..., Settings]
PagesFactory = Callable[..., list[PageRecord]]
Damage = Callable[[bytes], bytes]

WIDTH, HEIGHT = 400, 210
TAG = 1  # the store's tag byte in front of every stored value


def _cache(site: SiteInfo) -> Path:
    return site.config_dir / ".cache" / "pictify"


def _published(site: SiteInfo) -> list[Path]:
    return sorted((site.output_dir / "assets" / "social").glob("*.*"))


def _image(path: Path) -> tuple[str | None, tuple[int, int]]:
    """Format and size of a published card, after decoding all of it."""
    with Image.open(path) as image:
        image.load()  # decodes every pixel: a damaged body fails here, not only a bad header
        return image.format, image.size


def _damage_stored_value(cache: Path, key: str, damage: Damage) -> str:
    """Change the raw value diskcache holds for ``key``; returns where it was: row or file."""
    with contextlib.closing(sqlite3.connect(cache / "cache.db")) as db, db:
        filename, value = db.execute(
            "SELECT filename, value FROM Cache WHERE key = ?", (key,)
        ).fetchone()
        if filename is None:
            db.execute("UPDATE Cache SET value = ? WHERE key = ?", (damage(value), key))
            return "row"
    path = cache / filename
    path.write_bytes(damage(path.read_bytes()))
    return "file"


def _card_files(site: SiteInfo) -> list[Path]:
    return sorted((_cache(site) / "cards").glob("*.png"))


def _flip(at: Callable[[int], int]) -> Damage:
    def damage(value: bytes) -> bytes:
        spot = at(len(value))
        return value[:spot] + bytes(b ^ 0xFF for b in value[spot : spot + 4]) + value[spot + 4 :]

    return damage


DAMAGE = [
    pytest.param(_flip(lambda size: 16), id="flipped-header"),  # the PNG's width field
    pytest.param(_flip(lambda size: size // 2), id="flipped-body"),  # only the CRC sees this
    pytest.param(lambda value: value[: len(value) // 2], id="truncated"),
    pytest.param(lambda value: b"", id="empty"),
]


@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_card_files_are_rendered_again(
    server: LocalServer,
    settings_for: SettingsFactory,
    pages: PagesFactory,
    site: SiteInfo,
    damage: Damage,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = settings_for(server, width=WIDTH, height=HEIGHT)
    build(pages(2), settings, site)
    [damaged, _kept] = _card_files(site)
    for path in _published(site):
        path.unlink()  # a clean site folder, as `mkdocs build` starts from
    damaged.write_bytes(damage(damaged.read_bytes()))

    with caplog.at_level(logging.DEBUG, logger="pictify_ssg"):
        report = build(pages(2), settings, site)

    assert report.failed == []
    assert report.counts == {"rendered": 1, "cached": 1}
    files = _published(site)
    assert [_image(path) for path in files] == [("PNG", (WIDTH, HEIGHT))] * 2
    assert {path.read_bytes() for path in files} == {p.read_bytes() for p in _card_files(site)}
    [line] = [r for r in caplog.records if "is damaged" in r.getMessage()]
    assert line.levelno == logging.DEBUG
    assert damaged.name[:64] in line.getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_damage_that_keeps_size_and_time_is_trusted_but_a_new_time_is_checked(
    server: LocalServer, settings_for: SettingsFactory, pages: PagesFactory, site: SiteInfo
) -> None:
    # The cheap check is one stat: size and modification time as recorded. A file rewritten
    # with the same bytes (a cache folder copied without times) passes the CRC and is kept.
    settings = settings_for(server, width=WIDTH, height=HEIGHT)
    build(pages(1), settings, site)
    [card] = _card_files(site)
    card.write_bytes(card.read_bytes())  # same bytes, new time

    assert build(pages(1), settings, site).counts == {"cached": 1}
    with Store(_cache(site)) as store:
        [key] = store.keys("card:")
        record = store.get_json(key)
    assert isinstance(record, dict)
    assert record["mtime_ns"] == card.stat().st_mtime_ns  # remembered: one stat next time


def test_a_card_file_gone_from_the_cache_is_rendered_again(
    server: LocalServer, settings_for: SettingsFactory, pages: PagesFactory, site: SiteInfo
) -> None:
    settings = settings_for(server, width=WIDTH, height=HEIGHT)
    build(pages(1), settings, site)
    [card] = _card_files(site)
    card.unlink()  # the record stays: present, but its image is gone

    report = build(pages(1), settings, site)

    assert report.failed == []
    assert report.counts == {"rendered": 1}
    assert [_image(path) for path in _published(site)] == [("PNG", (WIDTH, HEIGHT))]


def test_a_published_card_is_a_link_to_the_cached_one(
    server: LocalServer, settings_for: SettingsFactory, pages: PagesFactory, site: SiteInfo
) -> None:
    settings = settings_for(server, width=WIDTH, height=HEIGHT)
    build(pages(1), settings, site)
    [published], [cached] = _published(site), _card_files(site)
    assert published.samefile(cached)
    assert published.stat().st_mode & 0o777 == 0o644  # a web server must read it
    before = published.stat().st_ino

    assert build(pages(1), settings, site).counts == {"cached": 1}
    assert published.stat().st_ino == before  # in place already: not written again


def _legacy_cache(site: SiteInfo) -> str:
    """Turn the cache's one card into what versions before card files wrote: the bytes in a
    diskcache entry, a record without a file time. Returns the bytes key."""
    [card] = _card_files(site)
    with Store(_cache(site)) as store:
        [key] = store.keys("card:")
        record = store.get_json(key)
        assert isinstance(record, dict)
        del record["mtime_ns"]
        del record["optimized"]
        store.set_json(key, record)
        store.set_bytes(cache_keys.card_bytes(key.removeprefix("card:")), card.read_bytes())
    card.unlink()
    return cache_keys.card_bytes(key.removeprefix("card:"))


def test_a_card_cached_inside_diskcache_moves_into_a_file_without_rendering(
    server: LocalServer, settings_for: SettingsFactory, pages: PagesFactory, site: SiteInfo
) -> None:
    # Caches from before card files: nothing may be rendered again (hosted renders cost).
    settings = settings_for(server, width=WIDTH, height=HEIGHT)
    build(pages(1), settings, site)
    key = _legacy_cache(site)

    assert build(pages(1), settings, site).counts == {"cached": 1}
    [card] = _card_files(site)
    [published] = _published(site)
    assert published.samefile(card)
    with Store(_cache(site)) as store:
        assert key not in store  # moved, not kept twice
    assert build(pages(1), settings, site).counts == {"cached": 1}


@pytest.mark.parametrize("damage", DAMAGE[:3])
def test_a_damaged_card_inside_diskcache_is_rendered_again(
    server: LocalServer,
    settings_for: SettingsFactory,
    pages: PagesFactory,
    site: SiteInfo,
    damage: Damage,
) -> None:
    settings = settings_for(server, width=WIDTH, height=HEIGHT)
    build(pages(1), settings, site)
    key = _legacy_cache(site)
    _damage_stored_value(_cache(site), key, lambda value: value[:TAG] + damage(value[TAG:]))
    for path in _published(site):
        path.unlink()

    report = build(pages(1), settings, site)
    assert report.counts == {"rendered": 1}
    assert [_image(path) for path in _published(site)] == [("PNG", (WIDTH, HEIGHT))]


@pytest.mark.parametrize(
    ("format", "pillow_name"), [("png", "PNG"), ("jpeg", "JPEG"), ("webp", "WEBP")]
)
def test_a_healthy_card_of_every_format_stays_cached(
    server: LocalServer,
    settings_for: SettingsFactory,
    pages: PagesFactory,
    site: SiteInfo,
    format: str,
    pillow_name: str,
) -> None:
    # The header check must read what the renderer really writes: a card taken for damaged
    # would be rendered again on every build (on the user's quota, with the hosted API).
    settings = settings_for(server, width=WIDTH, height=HEIGHT, format=format)
    assert build(pages(1), settings, site).counts == {"rendered": 1}
    [card] = (_cache(site) / "cards").iterdir()
    card.touch()  # a new time: the full check (CRC and header) runs
    report = build(pages(1), settings, site)
    assert report.counts == {"cached": 1}
    assert [_image(path) for path in _published(site)] == [(pillow_name, (WIDTH, HEIGHT))]


def test_a_record_saved_before_checksums_is_still_checked(
    server: LocalServer, settings_for: SettingsFactory, pages: PagesFactory, site: SiteInfo
) -> None:
    # Without a CRC, the length and the header still catch a damaged old entry.
    settings = settings_for(server, width=WIDTH, height=HEIGHT)
    build(pages(1), settings, site)
    key = _legacy_cache(site)
    with Store(_cache(site)) as store:
        [record_key_] = store.keys("card:")
        record = store.get_json(record_key_)
        assert isinstance(record, dict)
        del record["crc32"]
        store.set_json(record_key_, record)
    _damage_stored_value(_cache(site), key, _flip(lambda size: TAG + 16))

    report = build(pages(1), settings, site)
    assert report.counts == {"rendered": 1}
    assert [_image(path) for path in _published(site)] == [("PNG", (WIDTH, HEIGHT))]


def _encoded(format: str, size: tuple[int, int] = (40, 20), **options: object) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 60)).save(buffer, format=format, **options)
    return buffer.getvalue()


_EXIF = Image.Exif()
_EXIF[0x010E] = "x" * 2000  # ImageDescription: an APP1 segment before the frame header


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(_encoded("PNG"), ("png", 40, 20), id="png"),
        pytest.param(_encoded("JPEG"), ("jpeg", 40, 20), id="jpeg"),
        pytest.param(_encoded("JPEG", progressive=True), ("jpeg", 40, 20), id="jpeg-progressive"),
        pytest.param(_encoded("JPEG", exif=_EXIF.tobytes()), ("jpeg", 40, 20), id="jpeg-exif"),
        pytest.param(_encoded("WEBP", quality=80), ("webp", 40, 20), id="webp-lossy"),
        pytest.param(_encoded("WEBP", lossless=True), ("webp", 40, 20), id="webp-lossless"),
        pytest.param(_encoded("WEBP", exif=_EXIF.tobytes()), ("webp", 40, 20), id="webp-extended"),
        pytest.param(_encoded("PNG", (1200, 630)), ("png", 1200, 630), id="png-large"),
        pytest.param(_encoded("WEBP", (1200, 630)), ("webp", 1200, 630), id="webp-large"),
        pytest.param(_encoded("GIF"), None, id="gif"),
        pytest.param(_encoded("PNG")[:20], None, id="png-cut-short"),
        pytest.param(_encoded("JPEG")[:100], None, id="jpeg-cut-short"),
        pytest.param(b"", None, id="empty"),
        pytest.param(b"<html>502 Bad Gateway</html>", None, id="html"),
    ],
)
def test_image_header(data: bytes, expected: tuple[str, int, int] | None) -> None:
    assert image_header(data) == expected


def test_the_image_header_wins_over_what_the_service_reported(tmp_path: Path) -> None:
    # Recording the service's figures would make every later lookup find a mismatch and
    # render the card again, build after build.
    data = _encoded("PNG")
    with Store(tmp_path / "cache") as store:
        card = save_card(store, "f" * 64, Rendered("u", 999, 999, data), format="jpeg")
        assert (card.format, card.width, card.height) == ("png", 40, 20)
        loaded = load_card(store, "f" * 64, need_bytes=True)
        assert loaded == card
        path = store.files.path(card.file_name)
        assert store.get_json(cache_keys.card("f" * 64)) == {
            "url": "u",
            "width": 40,
            "height": 20,
            "format": "png",
            "size": len(data),
            "crc32": zlib.crc32(data),
            "mtime_ns": path.stat().st_mtime_ns,
        }
        assert path.read_bytes() == data


def test_a_render_that_is_no_image_is_not_cached(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A service answering with an error page instead of a card: said once, and nothing is
    # stored, so the next lookup is a miss instead of publishing the page as a card.
    with Store(tmp_path / "cache") as store, caplog.at_level(logging.WARNING):
        card = save_card(store, "e" * 64, Rendered("u", 40, 20, b"<html>502</html>"), format="png")
        [warning] = caplog.records
        assert "not a PNG, JPEG or WebP image" in warning.getMessage()
        assert not card.has_bytes
        assert load_card(store, "e" * 64, need_bytes=True) is None
        assert not store.files.directory.exists() or not list(store.files.directory.iterdir())


def test_damage_to_a_local_server_database_is_moved_aside(
    pages: PagesFactory,
    site: SiteInfo,
    card_file: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PICTIFY_API_KEY", raising=False)
    settings = Settings.from_mapping(
        {"backend": "local", "template_file": "card.html", "width": WIDTH, "height": HEIGHT}
    )
    build(pages(1), settings, site)
    database = _cache(site) / "local-server" / "state.sqlite3"
    assert database.stat().st_size > 0
    database.write_bytes(b"garbage, not a database " * 400)

    # New titles: cards to render, with a template the card cache says the server has.
    with caplog.at_level(logging.WARNING):
        report = build(pages(2, prefix="Changed"), settings, site)

    assert report.failed == []
    assert report.counts == {"rendered": 2}
    names = {p.name for p in _published(site)}
    assert [_image(path) for path in _published(site) if path.name in names] == [
        ("PNG", (WIDTH, HEIGHT))
    ] * len(names)
    [aside] = database.parent.glob("state.sqlite3.damaged-*")
    assert aside.read_bytes().startswith(b"garbage, not a database")
    [warning] = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert str(database) in warning
    assert aside.name in warning
    assert "was damaged" in warning
