"""Every key format of the card cache, in one place.

A key is ``<kind>:<parts joined by ':'>``. The kinds are listed here so that what the cache
holds can be read off one file; the modules that own each kind of record call these functions
and never spell a key themselves.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

#: The last time card files without a record were swept (see `cards.sweep_card_files`).
CARD_FILES_SWEPT = "card-files:swept"


def card(fingerprint: str) -> str:
    """A card's record: its size, format, checksum and where its file is."""
    return f"card:{fingerprint}"


def card_bytes(fingerprint: str) -> str:
    """A card's bytes as caches before version 0.1 stored them (read once, then moved)."""
    return f"card-bytes:{fingerprint}"


def site_id(name: str, url: str | None) -> str:
    """A short id of a site for the keys of its own records.

    The site's name and URL, not its config path: an absolute cache_dir shared by two
    projects must not hand one site's records to the other, while a laptop and CI restoring
    the same cache (at different paths) must find the same ones.
    """
    return hashlib.sha256(f"{name}\0{url or ''}".encode()).hexdigest()[:12]


def page(site: str, variant: str, page_key: str) -> str:
    """The card a page had in its last build (its "previous card" when a render fails).

    ``site`` tells sites sharing one cache folder apart, ``variant`` the builds of one site
    (languages, versions) writing different pages under the same key.
    """
    return f"page:{site}:{variant}:{page_key}"


def published(output_folder: Path) -> str:
    """The card files each variant of a site published into ``output_folder``."""
    return f"published:{output_folder}"


def template_version(service: str, uid: str) -> str:
    """What a remote template looked like when a build last read it."""
    return f"template-version:{service}:{uid}"


def template_file(service: str, account: str, path: Path) -> str:
    """Which remote template holds the uploaded copy of a template file, per account."""
    return f"template-file:{service}:{account}:{path}"


def service_caps(service: str) -> str:
    """What a build learnt about a service (do batch results carry image URLs?)."""
    return f"service-caps:{service}"


def sources(site: str, variant: str) -> str:
    """The sizes and times of a site's source files at its last build (see `source_changes`)."""
    return f"sources:{site}:{variant}"


#: The folder, inside the cache folder, of the builds' snapshots (see `warm_replay`).
SNAPSHOTS_FOLDER = "snapshots"
