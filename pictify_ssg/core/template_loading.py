"""Loading the card templates that live on disk: template files and built-in layouts.

Both end the same way: their local pictures and fonts are inlined
(`pictify_ssg.core.template_assets`) and the template is fingerprinted over the HTML the
renderer will get. A layout first gets its options applied (`pictify_ssg.core.layouts`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path

from pictify_ssg.core.card_templates import (
    TemplateVersion,
    handlebars_raw_variables,
    handlebars_variables,
    load_file_template,
)
from pictify_ssg.core.errors import PageError
from pictify_ssg.core.fingerprint import sha256_bytes
from pictify_ssg.core.layouts import (
    UnknownLayoutError,
    apply_options,
    check_layout_options,
    layout_path,
)
from pictify_ssg.core.records import SiteInfo
from pictify_ssg.core.settings import Settings
from pictify_ssg.core.site_files import SiteFolders, note_file
from pictify_ssg.core.template_assets import AssetContext, with_assets
from pictify_ssg.core.template_refs import TemplateRef

log = logging.getLogger("pictify_ssg")


def load_local_template(
    ref: TemplateRef,
    settings: Settings,
    site: SiteInfo,
    folders: SiteFolders,
    warn: Callable[[str], None],
) -> TemplateVersion:
    """The template a file or layout reference stands for, its local files inlined.

    Raises:
        PageError: When the file cannot be read or the layout does not exist.
    """
    if ref.kind == "layout":
        options = site_layout_options(site.layout_options, settings.layout_options)
        return load_layout(ref.value, what=ref.what, options=options, folders=folders, warn=warn)
    return load_template_file(
        Path(ref.value), what=ref.what, page_named=ref.page_named, folders=folders, warn=warn
    )


def load_template_file(
    path: Path,
    *,
    what: str,
    page_named: bool,
    folders: SiteFolders,
    warn: Callable[[str], None],
) -> TemplateVersion:
    """A template file with its local files inlined.

    Raises:
        PageError: When the file itself cannot be read (a missing picture is a warning).
    """
    version = load_file_template(path, what=what, page_named=page_named)
    context = AssetContext(
        folders, f"template {path}", template_dir=path.parent, page_named=page_named
    )
    return with_assets(version, context, warn)


def site_layout_options(
    defaults: Mapping[str, str], configured: Mapping[str, str | None]
) -> dict[str, str]:
    """The layout options of the build: the configured ones over the site's own defaults.

    The defaults come from the site's theme (its logo, palette, font) as the adapter read
    them; one that is not usable is dropped with a debug note, never a build error.
    """
    options = {key: value for key, value in defaults.items() if _usable(key, value)}
    options.update(check_layout_options(configured))
    for key in [key for key, value in configured.items() if value is None]:
        options.pop(key, None)  # "logo: null" turns the theme's logo off
    return options


def _usable(key: str, value: str) -> bool:
    try:
        check_layout_options({key: value})
    except ValueError as exc:
        log.debug("pictify: not using the theme's %s for the layouts: %s", key, exc)
        return False
    return True


def load_layout(
    name: str,
    *,
    what: str,
    options: Mapping[str, str],
    folders: SiteFolders,
    warn: Callable[[str], None],
) -> TemplateVersion:
    """A built-in layout with the build's options applied and their files inlined.

    Its key is the layout's name and its path the layout's file, so there is one remote copy
    per layout, updated when the options (or the logo's bytes) change.

    Raises:
        PageError: When ``name`` is not a layout (the message lists the layouts).
    """
    try:
        path = layout_path(name)
    except UnknownLayoutError as exc:
        raise PageError(f"{what}: {exc}") from None
    note_file(path)
    html = apply_options(path.read_text(encoding="utf-8"), options)
    version = TemplateVersion(
        key=f"layout:{name}",
        identity={"file_sha256": sha256_bytes(html.encode())},
        variables=handlebars_variables(html),
        raw_variables=handlebars_raw_variables(html),
        html=html,
        path=path,
    )
    return with_assets(version, AssetContext(folders, f"layout '{name}'"), warn)
