"""Checks of the whole site, made once per build before any card: each returns the warning to
show (or nothing), and the pipeline logs it and adds it to the build report.

Pure functions of the settings, the site and the page records: no I/O, no logging.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from pictify_ssg.core.records import PageRecord, SiteInfo
    from pictify_ssg.core.settings import Settings

_INDEX = "index.html"


def site_warnings(settings: Settings, site: SiteInfo, pages: Iterable[PageRecord]) -> list[str]:
    """Every warning of this module for one build, in the order to show them.

    Args:
        settings: The build's settings (their ``site_url`` wins over the site's).
        site: The site.
        pages: Every page of the build.
    """
    http = http_site_url_warning(
        settings.site_url or site.url, from_option=settings.site_url is not None
    )
    return [*([http] if http else []), *duplicate_url_warnings(pages)]


def http_site_url_warning(site_url: str | None, *, from_option: bool = False) -> str | None:
    """The warning for a site published over plain http, or ``None``.

    Card and page URLs (``og:image``, ``og:url``) are built from the site URL, and social
    platforms want https images: some show a link preview without its image when the image
    is http. Local preview addresses (``localhost``, loopback IPs) are never shared, so they
    get no warning.

    Args:
        site_url: The site URL of the build (the ``site_url`` option, else the SSG's own).
        from_option: Whether it came from the ``site_url`` option, not from MkDocs'
            ``site_url`` or Pelican's ``SITEURL``; the message then names the option.

    Returns:
        One message naming the URL, what to change and the https address to change it to.
    """
    if not site_url:
        return None
    parts = urlsplit(site_url.strip())
    if parts.scheme.lower() != "http" or _is_local(parts.hostname or ""):
        return None
    secure = "https" + site_url.strip()[len(parts.scheme) :]
    where = (
        "the site_url option (PICTIFY_SITE_URL in pelicanconf.py)"
        if from_option
        else "site_url in mkdocs.yml (SITEURL in pelicanconf.py)"
    )
    return (
        f"pictify: the site URL {site_url.strip()} is http, and the card and page URLs "
        "(og:image, og:url) are built from it; social platforms want https images and may show "
        f"a preview without its image: change {where} to {secure}"
    )


def _is_local(host: str) -> bool:
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def duplicate_url_warnings(pages: Iterable[PageRecord]) -> list[str]:
    """One warning per page URL that two or more pages share, naming every one of them.

    Pages at one URL overwrite each other's file, or (with different output files) claim one
    ``og:url``: a shared link previews one of them whatever was meant. ``x/`` and
    ``x/index.html`` count as one URL.

    Args:
        pages: Every page of the build.

    Returns:
        The warnings, in the order the URLs first appear (empty when every URL is unique).
    """
    by_url: dict[str, list[str]] = {}
    for page in pages:
        url = page.url.strip().lstrip("/")
        if url == _INDEX or url.endswith("/" + _INDEX):
            url = url[: -len(_INDEX)]
        by_url.setdefault(url, []).append(page.key)
    return [
        f"pictify: pages {_names(keys)} share the URL /{url}: a link to it shows only one of "
        "them, with that page's card; give each page its own URL (MkDocs: rename or move the "
        "file; Pelican: change its Slug, URL or Save_as metadata)"
        for url, keys in by_url.items()
        if len(keys) > 1
    ]


def _names(keys: list[str]) -> str:
    quoted = [f"'{key}'" for key in keys]
    return f"{', '.join(quoted[:-1])} and {quoted[-1]}"
