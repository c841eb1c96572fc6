"""mkdocs-material's ``social`` plugin, run offline for ``bench/site_builds.py``.

Material downloads its card font from Google Fonts the first time, into
``<cache_dir>/fonts/<family>/``, and only when that folder is missing; it then picks the file
whose stem is the style (``Regular``, ``Bold``). A system font put there beforehand lets it
run with no network at all.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from bench._site_gen import Site

#: Fonts that can stand in for the Google font material would download (regular, bold).
OFFLINE_FONTS = (
    (
        "Noto Sans CJK JP",
        Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
        Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
    ),
    (
        "DejaVu Sans",
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ),
)


def social_problem() -> str | None:
    """Why mkdocs-material's social plugin cannot run here (None when it can)."""
    try:
        import cairosvg  # noqa: F401
    except (ImportError, OSError) as error:  # OSError: the module is there, libcairo is not
        return (
            f"mkdocs-material's social plugin cannot run ({error}); to add it: "
            '`pip install "mkdocs-material[imaging]"` and `apt-get install libcairo2`'
        )
    if offline_font() is None:
        return "no local font to stand in for material's Google font; social rows skipped"
    return None


def offline_font() -> tuple[str, Path, Path] | None:
    """A system font family (name, regular, bold) material can use instead of downloading."""
    for family, regular, bold in OFFLINE_FONTS:
        if regular.is_file() and bold.is_file():
            return family, regular, bold
    return None


def social_cache(site: Site) -> Path:
    """Material's default cache folder (relative to the config file)."""
    return site.root / ".cache" / "plugin" / "social"


def seed_font(site: Site) -> str:
    """Put a system font where material keeps downloaded Google fonts; return its family.

    Material downloads a family only when ``<cache_dir>/fonts/<family>/`` is missing and then
    picks the file named after the style (``Regular``, ``Bold``): with the folder present it
    never goes online.
    """
    font = offline_font()
    assert font is not None
    family, regular, bold = font
    folder = social_cache(site) / "fonts" / family
    folder.mkdir(parents=True, exist_ok=True)
    for style, source in (("Regular", regular), ("Bold", bold)):
        target = folder / f"{style}.ttf"  # material matches the stem, not the extension
        if not target.exists():
            target.symlink_to(source)
    return family


def social_cards(site: Site) -> dict[str, int]:
    """Card files in material's cache and their modification times."""
    folder = social_cache(site) / "assets"
    if not folder.is_dir():
        return {}
    return {str(path): path.stat().st_mtime_ns for path in folder.rglob("*.png")}


def clear_social_cache(site: Site) -> None:
    """Empty material's cache except the seeded fonts (a CI cache would lack those too)."""
    folder = social_cache(site)
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if entry.name == "fonts":
            continue
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()
