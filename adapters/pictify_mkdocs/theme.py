"""The site's own look, read from the MkDocs theme for the built-in card layouts.

Only configuration is translated here: the logo (``theme.logo``, else a ``theme.favicon`` the
site ships itself) as the file it names, mkdocs-material's first palette as colours and its
text font. The core validates the values and lets the ``layout_options`` setting win.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig

#: mkdocs-material's primary colour names -> the colour its stylesheet gives each.
MATERIAL_PRIMARY = {
    "red": "#ef5552",
    "pink": "#e92063",
    "purple": "#ab47bd",
    "deep-purple": "#7e56c2",
    "indigo": "#4051b5",
    "blue": "#2094f3",
    "light-blue": "#02a6f2",
    "cyan": "#00bdd6",
    "teal": "#009485",
    "green": "#4cae4f",
    "light-green": "#8bc34b",
    "lime": "#cbdc38",
    "yellow": "#ffec3d",
    "amber": "#ffc105",
    "orange": "#ffa724",
    "deep-orange": "#ff6e42",
    "brown": "#795649",
    "grey": "#757575",
    "blue-grey": "#546d78",
    "black": "#14151a",
    "white": "#ffffff",
}
#: The primary colour mkdocs-material uses when the site sets none.
MATERIAL_DEFAULT_PRIMARY = "indigo"
#: mkdocs-material's accent colour names -> the colour its stylesheet gives each.
MATERIAL_ACCENT = {
    "red": "#ff1a47",
    "pink": "#f50056",
    "purple": "#df41fb",
    "deep-purple": "#7c4dff",
    "indigo": "#526cfe",
    "blue": "#4287ff",
    "light-blue": "#0091eb",
    "cyan": "#00bad6",
    "teal": "#00bda4",
    "green": "#00c753",
    "light-green": "#63de17",
    "lime": "#b0eb00",
    "yellow": "#ffd500",
    "amber": "#ffaa00",
    "orange": "#ff9100",
    "deep-orange": "#ff6e42",
}


def _theme_value(config: MkDocsConfig, key: str) -> Any:
    return config.theme.get(key)


def _site_file(config: MkDocsConfig, value: Any) -> str | None:
    """A theme path (relative to docs_dir or the theme's custom_dir) as an absolute file, or
    an http(s) URL as is. Files of the theme package itself are not the site's logo."""
    if not isinstance(value, str) or not value.strip():
        return None
    text: str = value.strip()
    if text.startswith(("http://", "https://")):
        return text
    folders = [Path(config.docs_dir)]
    custom_dir = getattr(config.theme, "custom_dir", None)
    if custom_dir:
        folders.append(Path(custom_dir))
    for folder in folders:
        path = folder / text.lstrip("/")
        if path.is_file():
            return str(path.resolve())
    return None


def _palette(config: MkDocsConfig) -> Mapping[str, Any]:
    palette = _theme_value(config, "palette")
    if isinstance(palette, list):
        palette = palette[0] if palette else None
    return palette if isinstance(palette, Mapping) else {}


def layout_defaults(config: MkDocsConfig) -> dict[str, str]:
    """The layout options the theme implies (``logo``, ``background``, ``accent``, ``font``)."""
    found: dict[str, str] = {}
    logo = _site_file(config, _theme_value(config, "logo")) or _site_file(
        config, _theme_value(config, "favicon")
    )
    if logo:
        found["logo"] = logo
    palette = _palette(config)
    # mkdocs-material without a palette shows its indigo: the cards follow what the site shows.
    # (Its default accent is indigo too; an accent the same as the background would hide the
    # layouts' accent band, so an unset accent keeps the layout's own.)
    unset = MATERIAL_DEFAULT_PRIMARY if config.theme.name == "material" else ""
    primary = str(palette.get("primary") or unset).strip().lower().replace(" ", "-")
    accent = str(palette.get("accent") or "").strip().lower().replace(" ", "-")
    if primary in MATERIAL_PRIMARY:
        found["background"] = MATERIAL_PRIMARY[primary]
    if accent in MATERIAL_ACCENT:
        found["accent"] = MATERIAL_ACCENT[accent]
    font = _theme_value(config, "font")
    if isinstance(font, Mapping) and isinstance(font.get("text"), str):
        found["font"] = font["text"]
    return found
