"""Facts about the whole MkDocs build: the SiteInfo for the core, its language and variant."""

from __future__ import annotations

import os
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import ConfigurationError
from mkdocs.utils.yaml import yaml_load

from pictify_mkdocs.theme import layout_defaults
from pictify_ssg.core import SiteInfo

#: Set by mike while it builds one version of a versioned site.
MIKE_VERSION_ENV = "MIKE_DOCS_VERSION"


def site_language(config: MkDocsConfig) -> str:
    """The build's language: material's ``theme.language``, else the ``theme.locale`` of the
    built-in themes (both are what mkdocs-static-i18n changes for each language it builds)."""
    theme = config.theme
    language = theme.get("language") if "language" in theme else None
    if not language:
        language = theme.get("locale") if "locale" in theme else None
    return str(language or "en")


def site_variant(config: MkDocsConfig) -> str:
    """A key telling this build apart from its siblings (one site per language or version).

    The core keeps the cards, manifest and stale-file cleanup of each variant apart, so an
    ``fr`` build or mike's ``v2`` build never replaces the cards of ``en`` or ``v1``.
    """
    parts = []
    version = os.environ.get(MIKE_VERSION_ENV, "").strip()
    if version:
        parts.append(version)
    parts.append(site_language(config))
    return "-".join(parts)


def site_info(config: MkDocsConfig, *, serving: bool = False) -> SiteInfo:
    """The :class:`SiteInfo` of the build ``config`` describes.

    Under ``mkdocs serve`` the site URL is the published one from ``mkdocs.yml``, not the
    local address MkDocs substitutes: the cards then look exactly as in production (they show
    the page URL) and are the very cards a ``mkdocs build`` cached, so serving starts warm.
    """
    url = configured_site_url(config) if serving else config.site_url
    return SiteInfo(
        name=config.site_name,
        url=url or None,
        description=config.site_description or None,
        lang=site_language(config),
        config_dir=config_dir(config),
        output_dir=Path(config.site_dir),
        variant=site_variant(config),
        source_dirs=source_dirs(config),
        layout_options=layout_defaults(config),
    )


def source_dirs(config: MkDocsConfig) -> tuple[Path, ...]:
    """The site's own folders, where the files a page names may be: the folder of
    ``mkdocs.yml``, ``docs_dir`` and the theme's ``custom_dir`` (theme overrides)."""
    folders = [config_dir(config), Path(config.docs_dir)]
    custom_dir = config.theme.custom_dir if hasattr(config.theme, "custom_dir") else None
    if custom_dir:
        folders.append(Path(custom_dir))
    return tuple(folders)


def configured_site_url(config: MkDocsConfig) -> str | None:
    """``site_url`` as written in the config file (``mkdocs serve`` replaces the loaded one)."""
    if not config.config_file_path:
        return config.site_url
    try:
        with open(config.config_file_path, encoding="utf-8") as file:
            raw = yaml_load(file)
    except (OSError, ConfigurationError):
        return config.site_url
    value = raw.get("site_url")
    return str(value) if value else None


def config_dir(config: MkDocsConfig) -> Path:
    """The folder of ``mkdocs.yml``: relative paths in the plugin's options start there."""
    if config.config_file_path:
        return Path(config.config_file_path).resolve().parent
    return Path.cwd()


def material_social_enabled(config: MkDocsConfig) -> bool:
    """Whether mkdocs-material's own social plugin will also write card tags."""
    for name, plugin in config.plugins.items():
        if name.split("/")[-1] != "social" or not type(plugin).__module__.startswith("material"):
            continue
        options = getattr(plugin, "config", {})
        if options.get("enabled", True) and options.get("cards", True):
            return True
    return False


def is_inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or below it (both resolved)."""
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True
