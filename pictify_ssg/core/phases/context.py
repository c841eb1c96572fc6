"""What every phase of one build reads: settings, site, folders, cache, service, warnings."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pictify_ssg.core import cache_keys
from pictify_ssg.core.backend import BackendChoice, ServiceOpener
from pictify_ssg.core.records import PageRecord, SiteInfo
from pictify_ssg.core.results import CardResult, MetaTag, Origin
from pictify_ssg.core.settings import Settings, resolve_path
from pictify_ssg.core.site_files import SiteFolders
from pictify_ssg.core.site_output import meta_tags
from pictify_ssg.core.store import Store


@dataclass
class Warnings:
    """The build's warnings, each given once to the sink (the adapter's log) and kept in order.

    Args:
        sink: Where a new warning goes as it happens.
    """

    sink: Callable[[str], None]
    seen: list[str] = field(default_factory=list)

    def __call__(self, message: str) -> None:
        if message not in self.seen:
            self.seen.append(message)
            self.sink(message)


@dataclass(frozen=True)
class BuildContext:
    """The fixed facts of one build, shared by its phases.

    Attributes:
        settings: The plugin settings.
        site: The site being built.
        config_dir: Where relative setting paths start.
        choice: The backend chosen (hosted, local or skip) and where cards are hosted.
        store: The card cache.
        opener: Opens the rendering service on first need (and keeps it for the pipeline).
        warn: Records a warning once (see :class:`Warnings`).
        folders: The folders page-named files may come from.
    """

    settings: Settings
    site: SiteInfo
    config_dir: Path
    choice: BackendChoice
    store: Store
    opener: ServiceOpener
    warn: Warnings
    folders: SiteFolders

    @classmethod
    def create(
        cls,
        settings: Settings,
        site: SiteInfo,
        *,
        config_dir: Path,
        choice: BackendChoice,
        opener: ServiceOpener,
        store: Store,
        warn: Callable[[str], None],
    ) -> BuildContext:
        """The context of a build of ``site``; page-named files may come from the site's
        source folders and the ``allowed_dirs`` the configuration adds."""
        folders = SiteFolders.of(
            config_dir,
            [
                *(site.source_dirs or (config_dir,)),
                *(resolve_path(config_dir, folder) for folder in settings.allowed_dirs),
            ],
        )
        return cls(settings, site, config_dir, choice, store, opener, Warnings(warn), folders)

    @property
    def site_url(self) -> str | None:
        """The URL the site is served from (the ``site_url`` option wins over the SSG's)."""
        return self.settings.site_url or self.site.url

    @property
    def variant(self) -> str:
        """Which build of the site this is (a language, a version), or ``""``."""
        return self.site.variant or ""

    # Cached: the phases ask for these once per card (a frozen dataclass keeps a
    # cached_property in its instance dictionary, never through __setattr__).
    @functools.cached_property
    def out_dir(self) -> Path:
        """The folder card files are published into."""
        return self.site.output_dir / self.settings.output_dir

    @functools.cached_property
    def site_key(self) -> str:
        """The site's part of its cache keys (see :func:`cache_keys.site_id`)."""
        return cache_keys.site_id(self.site.name, self.site_url)

    @property
    def hosts_files(self) -> bool:
        """Whether card files go into the site (else Pictify hosts them)."""
        return self.choice.hosting == "site"

    def resolve_path(self, value: str | Path) -> Path:
        """A setting's path, relative ones from the config folder."""
        return resolve_path(self.config_dir, value)

    def page_record_key(self, page: PageRecord) -> str:
        """The cache key of the card ``page`` had last."""
        return cache_keys.page(self.site_key, self.variant, page.key)

    def alt_text(self, title: str) -> str:
        """The image's alt text: the page title and the site's name."""
        name = self.site.name.strip()
        if name and title and name != title:
            return f"{title} \u2013 {name}"
        return title or name

    def card_result(
        self,
        page: PageRecord,
        *,
        url: str,
        size: tuple[int, int],
        mime: str,
        origin: Origin,
        title: str,
        description: str,
        fingerprint: str | None = None,
    ) -> CardResult:
        """What a page gets: the card's URL, its size and type, and its meta tags."""
        width, height = size
        alt = self.alt_text(title)
        tags: tuple[MetaTag, ...] = ()
        if self.settings.meta_tags:
            tags = meta_tags(
                image_url=url,
                width=width,
                height=height,
                type=mime,
                alt=alt,
                page=page,
                site=self.site,
                site_url=self.site_url,
                title=title,
                description=description,
            )
        return CardResult(
            url=url,
            width=width,
            height=height,
            type=mime,
            alt=alt,
            origin=origin,
            tags=tags,
            fingerprint=fingerprint,
        )
