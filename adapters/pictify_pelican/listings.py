"""Listing pages: the home page, archives, and the category, tag and author pages.

Pelican writes these from templates, not from content files, so they have no metadata of
their own. Each *listing* becomes one extra page record in the same core build as the
articles:

- the *site card* (title ``SITENAME``, text ``SITESUBTITLE``, else ``SITEDESCRIPTION``) for
  the home page, the archives (also per year/month/day) and every other direct template
  (``tags.html``, ``categories.html``, ``authors.html``...);
- one card per category, tag and author, titled with its name, section ``Category``, ``Tag``
  or ``Author``; the text falls back to the site's, like any page without a description.

A paginated listing (``index2.html``, ``tag/x2.html``...) shares the card of its first page,
so it is made once and counted once. The ``PICTIFY_INCLUDE``/``PICTIFY_EXCLUDE`` globs see a
listing as its output file (``index.html``, ``tag/python.html``), so
``PICTIFY_EXCLUDE = ["tag/*"]`` drops the tag cards.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pictify_ssg.core import MetaTag, PageRecord

#: Listing keys start with this; content keys are source paths such as ``blog/post.md``.
PREFIX = "listing:"
SITE_KEY = PREFIX + "site"
#: (context variable of a written listing page, generator attribute, section on its card).
KINDS = (
    ("tag", "tags", "Tag"),
    ("category", "categories", "Category"),
    ("author", "authors", "Author"),
)
_INDEX = "index.html"


@dataclass(frozen=True)
class Listings:
    """The listing records of one build and what is needed to recognise their pages.

    Attributes:
        records: One page record per listing card (site card first).
        urls: Site-relative URL of each listing's first page, by record key.
        wrappers: The category, tag and author objects, by record key (they get ``og_image``).
        site_pages: ``page_name`` of each direct template written (``index``, ``archives``...).
    """

    records: tuple[PageRecord, ...] = ()
    urls: Mapping[str, str] = field(default_factory=dict)
    wrappers: Mapping[str, Any] = field(default_factory=dict)
    site_pages: frozenset[str] = frozenset()


def is_listing(key: str) -> bool:
    """Whether a record key names a listing card rather than an article or page."""
    return key.startswith(PREFIX)


def site_description(settings: Mapping[str, Any]) -> str | None:
    """The site's one-line description: ``SITESUBTITLE``, else the themes' ``SITEDESCRIPTION``."""
    for name in ("SITESUBTITLE", "SITEDESCRIPTION"):
        value = str(settings.get(name) or "").strip()
        if value:
            return value
    return None


def normal_url(url: str) -> str:
    """A site-relative URL without leading slash or trailing ``index.html`` (``""``: home)."""
    url = url.strip().lstrip("/")
    return url[: -len(_INDEX)] if url.endswith(_INDEX) else url


def _direct_pages(settings: Mapping[str, Any]) -> dict[str, str]:
    """``page_name`` -> save_as of every direct template Pelican writes (as Pelican names them)."""
    pages: dict[str, str] = {}
    for template in settings.get("DIRECT_TEMPLATES") or ():
        save_as = settings.get(f"{str(template).upper()}_SAVE_AS", f"{template}.html")
        if save_as:
            pages[os.path.splitext(str(save_as))[0]] = str(save_as)
    return pages


def _wrappers(value: Any) -> Iterator[Any]:
    """Category/tag/author objects of a generator attribute (a dict, or (wrapper, articles))."""
    if isinstance(value, Mapping):
        yield from value
    else:
        for item in value or ():
            yield item[0]


def _has_period_archives(generators: Iterable[Any]) -> bool:
    for generator in generators:
        archives = getattr(generator, "period_archives", None) or {}
        if any(archives.get(granularity) for granularity in archives):
            return True
    return False


def collect_listings(
    generators: list[Any], settings: Mapping[str, Any], *, claimed: Collection[str] = ()
) -> Listings:
    """The listing records of a build whose generators are finalized.

    Args:
        generators: Pelican's generators.
        settings: Pelican's settings.
        claimed: URLs (see :func:`normal_url`) of the articles and pages. A page saved as
            the home page (``save_as: index.html``, Pelican's static home page) replaces the
            index listing there, so the site card then names the first direct page nobody
            claimed (the blog index at ``INDEX_SAVE_AS``, the archives...): the two records do
            not share one URL.
    """
    lang = str(settings.get("DEFAULT_LANG") or "en")
    direct = _direct_pages(settings)
    records: dict[str, PageRecord] = {}
    urls: dict[str, str] = {}
    wrappers: dict[str, Any] = {}
    url = normal_url(str(settings.get("INDEX_URL", _INDEX)))
    if url in claimed:
        free = [normal_url(save_as) for save_as in direct.values()]
        url = next((candidate for candidate in free if candidate not in claimed), url)
    if direct or _has_period_archives(generators):
        records[SITE_KEY] = PageRecord.create(
            key=SITE_KEY,
            url=url,
            source_path=direct.get("index", _INDEX),
            title=str(settings.get("SITENAME") or ""),
            description=site_description(settings) or "",
            lang=lang,
        )
        urls[SITE_KEY] = url
    for generator in generators:
        for kind, attribute, section in KINDS:
            for wrapper in _wrappers(getattr(generator, attribute, None)):
                key = f"{PREFIX}{kind}:{wrapper.slug}"
                save_as = getattr(wrapper, "save_as", "")
                if not save_as or key in records:
                    continue  # no page written for it (e.g. TAG_SAVE_AS = ""), or seen
                url = normal_url(str(wrapper.url))
                records[key] = PageRecord.create(
                    key=key,
                    url=url,
                    source_path=str(save_as),
                    title=str(wrapper.name),
                    lang=lang,
                    section=section,
                )
                urls[key] = url
                wrappers[key] = wrapper
    return Listings(tuple(records.values()), urls, wrappers, frozenset(direct))


def listing_key(context: Mapping[str, Any], listings: Listings) -> str | None:
    """The listing card of a page being written, from the variables Pelican wrote it with.

    Only called for pages that are not an article or a page (those carry ``category`` too).
    """
    for kind, _, _ in KINDS:
        wrapper = context.get(kind)
        if wrapper is not None and hasattr(wrapper, "slug"):
            return f"{PREFIX}{kind}:{wrapper.slug}"
    # Direct templates are written with page_name; period archives with period.
    if context.get("page_name") in listings.site_pages or "period" in context:
        return SITE_KEY
    return None


def written_url(context: Mapping[str, Any]) -> str | None:
    """Site-relative URL of the page being written (the paginated page's own, if paginated)."""
    page = context.get("articles_page")
    url = getattr(page, "url", None) or context.get("url") or context.get("output_file")
    return normal_url(str(url)) if url is not None else None


def retarget(tags: Iterable[MetaTag], card_url: str, page_url: str | None) -> tuple[MetaTag, ...]:
    """The card's tags for another page sharing it: ``og:url`` names that page, not the card's.

    The core writes ``og:url`` as the site's base URL joined with the card's page URL; the
    base is recovered from it so ``PICTIFY_SITE_URL`` and ``SITEURL`` are honoured as the core
    honoured them. When that is not possible the tag is left out rather than pointing at
    another page.
    """
    tags = tuple(tags)
    if page_url is None or page_url == card_url:
        return tags
    kept: list[MetaTag] = []
    for tag in tags:
        if tag.key == "og:url":
            if not tag.content.endswith(card_url):
                continue
            base = tag.content[: len(tag.content) - len(card_url)]
            tag = MetaTag(tag.attr, tag.key, base + page_url)
        kept.append(tag)
    return tuple(kept)
