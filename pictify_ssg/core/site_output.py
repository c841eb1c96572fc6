"""Publishing cards: card files in the built site, URLs, and the meta tag set per page."""

from __future__ import annotations

import hashlib
import logging
import os
import posixpath
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from pictify_ssg.core.errors import PageError
from pictify_ssg.core.records import PageRecord, SiteInfo
from pictify_ssg.core.results import MetaTag

log = logging.getLogger("pictify_ssg")

_EXTENSIONS = {"png": "png", "jpeg": "jpg", "webp": "webp"}
_MIME = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp", "gif": "image/gif"}
_MIME_BY_SUFFIX = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".webp": "webp", ".gif": "gif"}
#: Files the core writes; only these are ever removed as stale.
CARD_FILE = re.compile(r"^[0-9a-f]{16}\.(?:png|jpg|webp)$")


def file_extension(format: str) -> str:
    """File extension of an image format name (``jpeg`` -> ``jpg``; unknown -> ``png``)."""
    return _EXTENSIONS.get(format, "png")


def card_file_name(fingerprint: str, format: str) -> str:
    """``<fingerprint[:16]>.<ext>``: a changed card gets a new URL, so platforms refetch it."""
    return f"{fingerprint[:16]}.{_EXTENSIONS[format]}"


def mime_type(format: str) -> str:
    """MIME type of an image format name."""
    return _MIME.get(format, "image/png")


def mime_type_for(url: str) -> str:
    """Best guess of an image's MIME type from its URL (``image/png`` when unknown)."""
    suffix = posixpath.splitext(url.split("?", 1)[0].split("#", 1)[0])[1].lower()
    return mime_type(_MIME_BY_SUFFIX.get(suffix, "png"))


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of PNG bytes, or ``(0, 0)`` when they are not a PNG."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return 0, 0


def write_atomic(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` via a temporary file and rename; skip identical content.

    Returns:
        Whether the file was (re)written.
    """
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".pictify-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)  # a web server must be able to read the published card
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def remove_stale(directory: Path, keep: Iterable[str]) -> list[str]:
    """Delete card files in ``directory`` that no page uses any more; returns their names."""
    wanted = set(keep)
    removed: list[str] = []
    try:
        entries = list(directory.iterdir())
    except OSError:
        return removed
    for entry in entries:
        if CARD_FILE.match(entry.name) and entry.name not in wanted and entry.is_file():
            try:
                entry.unlink()
                removed.append(entry.name)
            except OSError as exc:
                log.debug("pictify: cannot remove stale card %s: %s", entry, exc)
    return sorted(removed)


def site_base_url(site_url: str | None) -> str | None:
    """The site URL with exactly one trailing slash."""
    return site_url.rstrip("/") + "/" if site_url else None


def relative_to_page(page_url: str, target: str) -> str:
    """A URL from the page at ``page_url`` to the site-relative ``target``."""
    base = page_url if page_url.endswith("/") or not page_url else posixpath.dirname(page_url)
    return posixpath.relpath(target, base.rstrip("/") or ".")


def join_url(base: str, relative: str) -> str:
    """``urljoin(base, relative)``, with the common case (a plain relative path under a base
    ending in ``/``) done by concatenation: ``urljoin`` parses both URLs, which at two calls
    per page was a visible part of a warm build."""
    if (
        base.endswith("/")
        and "?" not in base
        and "#" not in base
        and not relative.startswith("/")
        and not any(char in relative for char in "?#:\\")
    ):
        segments = relative.split("/")
        if "." not in segments and ".." not in segments:
            return base + relative
    return urljoin(base, relative)


def public_url(site_url: str | None, page: PageRecord, target: str) -> str:
    """Absolute URL of a site-relative path, or a page-relative one without a site URL."""
    base = site_base_url(site_url)
    if base:
        return join_url(base, target)
    return relative_to_page(page.url, target)


def page_url(site_url: str | None, page: PageRecord) -> str | None:
    """Absolute URL of the page, when the site URL is known."""
    base = site_base_url(site_url)
    return join_url(base, page.url) if base else None


_SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.-]*):", re.IGNORECASE)


def check_own_image(image: str, *, page: str) -> None:
    """Refuse an own image a page names that no social platform could fetch, or that is unsafe.

    Only ``http``/``https`` URLs and paths in the site pass: ``file:`` would point readers at
    the build machine, ``javascript:`` and ``data:`` have no place in an ``og:image`` tag.

    Raises:
        PageError: Naming the page and what to write instead.
    """
    if any(ord(char) < 32 or ord(char) == 127 for char in image):
        raise PageError(f"its image {image!r} contains control characters", page=page)
    match = _SCHEME.match(image)
    if match and match.group(1).lower() not in ("http", "https"):
        raise PageError(
            f"its image {image!r} uses the {match.group(1).lower()}: scheme; "
            "give an http(s) URL or a path in the site",
            page=page,
        )


def explicit_image_url(site_url: str | None, page: PageRecord, image: str) -> str:
    """An image named by the page: absolute URLs as is, site paths made absolute if possible."""
    if re.match(r"^[a-z][a-z0-9+.-]*://", image, re.IGNORECASE) or image.startswith("//"):
        return image
    base = site_base_url(site_url)
    if image.startswith("/"):
        return urljoin(base, image.lstrip("/")) if base else image
    if base:
        return urljoin(urljoin(base, page.url), image)
    return image


def meta_tags(
    *,
    image_url: str,
    width: int,
    height: int,
    type: str,
    alt: str,
    page: PageRecord,
    site: SiteInfo,
    site_url: str | None,
    title: str,
    description: str,
) -> tuple[MetaTag, ...]:
    """The full tag set for one page's card.

    ``og:image*``, ``twitter:card`` and ``twitter:image*`` replace what a theme wrote; the
    others are only added by :func:`inject_meta_tags` when the page lacks them.
    """
    tags = [MetaTag("property", "og:image", image_url)]
    if image_url.startswith("https://"):
        tags.append(MetaTag("property", "og:image:secure_url", image_url))
    tags.append(MetaTag("property", "og:image:type", type))
    if width and height:
        tags.append(MetaTag("property", "og:image:width", str(width)))
        tags.append(MetaTag("property", "og:image:height", str(height)))
    if alt:
        tags.append(MetaTag("property", "og:image:alt", alt))
    tags.append(MetaTag("name", "twitter:card", "summary_large_image"))
    tags.append(MetaTag("name", "twitter:image", image_url))
    if alt:
        tags.append(MetaTag("name", "twitter:image:alt", alt))
    if title:
        tags.append(MetaTag("property", "og:title", title))
    if description:
        tags.append(MetaTag("property", "og:description", description))
    url = page_url(site_url, page)
    if url:
        tags.append(MetaTag("property", "og:url", url))
    tags.append(MetaTag("property", "og:type", "article" if page.date else "website"))
    if site.name:
        tags.append(MetaTag("property", "og:site_name", site.name))
    return tuple(tags)


@dataclass(frozen=True)
class Fallback:
    """The image used when a card cannot be made.

    Attributes:
        target: An absolute URL, or a path relative to the site root.
        width: Width in pixels (0 when unknown).
        height: Height in pixels (0 when unknown).
        type: MIME type.
        file_name: The file written into the card folder, if any.
    """

    target: str
    width: int
    height: int
    type: str
    file_name: str | None = None


def prepare_fallback(source: Path | str, out_dir: Path, output_dir: str) -> Fallback:
    """Use a URL as is, or copy a local image into the card folder under a hashed name.

    Raises:
        OSError: When the local file cannot be read or written.
    """
    if isinstance(source, str):
        return Fallback(source, 0, 0, mime_type_for(source))
    data = source.read_bytes()
    name = f"fallback-{hashlib.sha256(data).hexdigest()[:12]}{source.suffix.lower()}"
    write_atomic(out_dir / name, data)
    width, height = png_size(data)
    return Fallback(f"{output_dir}/{name}", width, height, mime_type_for(source.name), name)
