"""The competitor, mkdocs-material's ``social`` plugin, in its own virtual environment.

``bench/site_builds.py`` builds the same generated site with material's plugin, beside ours,
in every run. :func:`prepare_competitor` makes that possible on a fresh machine, offline except
for PyPI, and fails with the reason when it cannot (the rows are never skipped):

* a virtual environment at ``bench/.venvs/material-social`` with ``mkdocs-material[imaging]``
  (its own MkDocs, Pillow and CairoSVG; nothing of it touches the project's environment);
* the cairo library from the system packages (``apt-get install libcairo2`` when missing);
* Roboto, the font of material's default card. Material downloads it from Google Fonts on first
  use into ``<cache_dir>/fonts/<family>/`` with one file per style named after the style
  (``Regular.ttf``, ``Bold.ttf``), and only when that folder is missing. The Debian package
  ``fonts-roboto-unhinted`` provides the same family; :func:`seed_fonts` puts its files there
  so the plugin never goes online. :func:`_check_font_layout` reads the installed plugin's
  source to make sure that is still where and how it looks.
"""

from __future__ import annotations

import ctypes.util
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
VENV = BENCH / ".venvs" / "material-social"
REQUIREMENT = "mkdocs-material[imaging]"
FAMILY = "Roboto"  # material's default card font (templates/default.yml)
#: Debian packages that provide the Roboto TTFs, and where they put them.
FONT_PACKAGES = ("fonts-roboto-unhinted", "fonts-roboto")
FONT_DIRS = (Path("/usr/share/fonts/truetype/roboto"), Path("/usr/share/fonts/truetype"))
#: Lines of material/plugins/social/plugin.py that the offline font seeding relies on.
FONT_LAYOUT = (
    'os.path.join(self.config.cache_dir, "fonts", family)',  # the family's folder ...
    "if not os.path.isdir(path):",  # ... is downloaded only when missing ...
    "if name == style:",  # ... and a style is the file whose stem is its name
)


class CompetitorError(RuntimeError):
    """The competitor cannot run here; the message says why and what to do."""


@dataclass(frozen=True)
class Competitor:
    """The ready environment: its interpreter, package versions and font files."""

    python: Path
    versions: dict[str, str]
    fonts: dict[str, Path]  # style ("Bold Italic") -> Roboto TTF of the system package


def prepare_competitor() -> Competitor:
    """Install what material's social plugin needs; raise :class:`CompetitorError` if stuck."""
    _ensure_cairo()
    fonts = _roboto_fonts() or _install_fonts()
    python = _ensure_venv()
    versions = _versions(python)
    _check_font_layout(python)
    return Competitor(python=python, versions=versions, fonts=fonts)


# -- system packages ----------------------------------------------------------------------


def _apt_install(*packages: str) -> None:
    """``apt-get install -y`` (after ``apt-get update`` if the first try fails)."""
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        raise CompetitorError(
            f"install {' '.join(packages)} from the system packages (needs apt-get as root)"
        )
    command = ["apt-get", "install", "-y", "--no-install-recommends", *packages]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print(f"competitor: {' '.join(command)}", flush=True)
    if subprocess.run(command, env=env, capture_output=True, check=False).returncode == 0:
        return
    subprocess.run(["apt-get", "update"], env=env, capture_output=True, check=False)
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise CompetitorError(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")


def _ensure_cairo() -> None:
    # CairoSVG loads libcairo through cairocffi at import time: no library, no cards.
    if ctypes.util.find_library("cairo") is None:
        _apt_install("libcairo2")
    if ctypes.util.find_library("cairo") is None:
        raise CompetitorError("libcairo2 installed but the cairo library is still not found")


def _style(path: Path) -> str:
    """``Roboto-BoldItalic.ttf`` -> ``Bold Italic``, the name material gives the style."""
    return " ".join(re.findall(r"[A-Z][a-z]*", path.stem.split("-", 1)[1]))


def _roboto_fonts() -> dict[str, Path]:
    """Roboto's styles from the system fonts (empty when Regular or Bold is missing)."""
    for folder in FONT_DIRS:
        found = (
            {_style(p): p for p in sorted(folder.rglob("Roboto-*.ttf"))} if folder.is_dir() else {}
        )
        if {"Regular", "Bold"} <= found.keys():
            return found
    return {}


def _install_fonts() -> dict[str, Path]:
    _apt_install(FONT_PACKAGES[0])
    fonts = _roboto_fonts()
    if not fonts:
        raise CompetitorError(f"{FONT_PACKAGES[0]} installed but no Roboto-Regular/Bold.ttf")
    return fonts


# -- the virtual environment --------------------------------------------------------------


def _venv_python() -> Path:
    return VENV / "bin" / "python"


def _imports_ok(python: Path) -> bool:
    check = "import cairosvg, material.plugins.social.plugin, mkdocs"
    return subprocess.run([python, "-c", check], capture_output=True, check=False).returncode == 0


def _ensure_venv() -> Path:
    python = _venv_python()
    if python.exists() and _imports_ok(python):
        return python
    if not python.exists():
        print(f"competitor: creating {VENV}", flush=True)
        made = subprocess.run(
            [sys.executable, "-m", "venv", str(VENV)], capture_output=True, text=True, check=False
        )
        if made.returncode != 0:
            raise CompetitorError(f"python -m venv {VENV} failed:\n{made.stderr[-2000:]}")
    print(f'competitor: pip install "{REQUIREMENT}" into {VENV}', flush=True)
    pip = [
        str(python),
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        REQUIREMENT,
    ]
    done = subprocess.run(pip, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise CompetitorError(f"pip install {REQUIREMENT} failed:\n{done.stderr[-2000:]}")
    if not _imports_ok(python):
        error = subprocess.run(
            [python, "-c", "import cairosvg"], capture_output=True, text=True, check=False
        ).stderr
        raise CompetitorError(f"material's social plugin still cannot load:\n{error[-2000:]}")
    return python


def _versions(python: Path) -> dict[str, str]:
    script = (
        "import json, importlib.metadata as m, sys; print(json.dumps({n: m.version(n) for n in "
        "('mkdocs-material', 'mkdocs', 'pillow', 'cairosvg', 'cairocffi')} | "
        "{'python': sys.version.split()[0]}))"
    )
    done = subprocess.run([python, "-c", script], capture_output=True, text=True, check=True)
    versions: dict[str, str] = json.loads(done.stdout)
    return versions


def _check_font_layout(python: Path) -> None:
    """Fail unless the installed plugin still finds fonts the way :func:`seed_fonts` assumes."""
    where = subprocess.run(
        [python, "-c", "import material.plugins.social.plugin as p; print(p.__file__)"],
        capture_output=True,
        text=True,
        check=True,
    )
    source = Path(where.stdout.strip()).read_text(encoding="utf-8")
    missing = [line for line in FONT_LAYOUT if line not in source]
    if missing:
        raise CompetitorError(
            f"{where.stdout.strip()} no longer reads fonts as bench/_site_social.py expects "
            f"(missing: {missing}); update seed_fonts() for this version of mkdocs-material"
        )


# -- material's cache ---------------------------------------------------------------------


def social_cache(root: Path) -> Path:
    """Material's default cache folder (relative to the config file's folder ``root``)."""
    return root / ".cache" / "plugin" / "social"


def seed_fonts(root: Path, fonts: dict[str, Path]) -> None:
    """Put Roboto where material keeps the fonts it downloaded, one file per style.

    With ``<cache>/fonts/Roboto/`` present material never fetches the family; it opens the file
    whose stem is the style it needs (``Bold``, ``Regular``). Copies, not links: a cache that
    CI restores would hold files too.
    """
    folder = social_cache(root) / "fonts" / FAMILY
    folder.mkdir(parents=True, exist_ok=True)
    for style, source in fonts.items():
        target = folder / f"{style}.ttf"
        if not target.exists():
            shutil.copyfile(source, target)


def social_cards(root: Path) -> dict[str, int]:
    """Card files in material's cache and their modification times."""
    folder = social_cache(root) / "assets"
    if not folder.is_dir():
        return {}
    return {str(path): path.stat().st_mtime_ns for path in folder.rglob("*.png")}


def clear_social_cache(root: Path) -> None:
    """Empty material's cache but the seeded fonts: fetching fonts is not rendering cards."""
    folder = social_cache(root)
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if entry.name == "fonts":
            continue
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def social_card_dir(site: Path) -> Path:
    """Where material's plugin writes the cards into a built site (``cards_dir``)."""
    return site / "assets" / "images" / "social"
