"""``PICTIFY_*`` settings in ``pelicanconf.py``, validated into the core's settings model.

Every core option ``name`` is the Pelican setting ``PICTIFY_NAME``. Three more settings belong
to the adapter alone because they are about Pelican: ``PICTIFY_INCLUDE_DRAFTS`` (default
``False``), ``PICTIFY_WRITE_TAGS`` (default ``True``) and ``PICTIFY_LISTING_CARDS`` (default
``True``: cards for the home page, archives and category, tag and author pages; see
:mod:`pictify_pelican.listings`).

The plugin is *inert* unless the site asks for it: Pelican loads every installed namespace
plugin when ``PLUGINS`` is unset, so merely installing pictify-ssg must change nothing. It acts
when ``PICTIFY_ENABLED`` is true or any other ``PICTIFY_*`` setting is present, and never when
``PICTIFY_ENABLED = False``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pictify_ssg.core import Settings, SettingsError

SOURCE = "pelicanconf.py"
PREFIX = "PICTIFY_"
#: Settings handled here and never passed to the core (name -> default).
ADAPTER_DEFAULTS: dict[str, bool] = {
    "PICTIFY_INCLUDE_DRAFTS": False,
    "PICTIFY_WRITE_TAGS": True,
    "PICTIFY_LISTING_CARDS": True,
}
ENABLED = "PICTIFY_ENABLED"


class PictifySettingsError(Exception):
    """A ``PICTIFY_*`` setting is wrong; Pelican prints the message without a traceback."""


@dataclass(frozen=True)
class AdapterOptions:
    """The adapter's own switches.

    Attributes:
        include_drafts: also make cards for draft articles and pages (``PICTIFY_INCLUDE_DRAFTS``).
        write_tags: write the tags into each page's ``<head>`` (``PICTIFY_WRITE_TAGS``); turn
            it off when the theme writes them from ``article.og_image`` itself.
        listing_cards: also make cards for the home page, archives and category, tag and
            author pages (``PICTIFY_LISTING_CARDS``).
    """

    include_drafts: bool = False
    write_tags: bool = True
    listing_cards: bool = True


def setting_name(field: str) -> str:
    """The Pelican setting of a core option: ``template_file`` -> ``PICTIFY_TEMPLATE_FILE``."""
    return PREFIX + field.upper()


def is_configured(settings: Mapping[str, Any]) -> bool:
    """Whether the site asked for cards (see the module docstring for the rule)."""
    if ENABLED in settings:
        return bool(settings[ENABLED])
    return any(key.startswith(PREFIX) for key in settings)


def core_options(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The ``PICTIFY_*`` settings meant for the core, keyed by the core's field names."""
    return {
        key[len(PREFIX) :].lower(): value
        for key, value in settings.items()
        if key.startswith(PREFIX) and key not in ADAPTER_DEFAULTS
    }


def adapter_options(settings: Mapping[str, Any]) -> AdapterOptions:
    """The adapter's own switches, checked to be booleans."""
    values: dict[str, bool] = {}
    for key, default in ADAPTER_DEFAULTS.items():
        value = settings.get(key, default)
        if not isinstance(value, bool):
            raise PictifySettingsError(f"{key} must be True or False, not {value!r}")
        values[key[len(PREFIX) :].lower()] = value
    return AdapterOptions(**values)


def read_settings(settings: Mapping[str, Any]) -> tuple[Settings, AdapterOptions]:
    """Validate the ``PICTIFY_*`` settings, and the files they name when cards are on.

    A missing or folder ``PICTIFY_TEMPLATE_FILE`` or ``PICTIFY_FALLBACK_IMAGE`` is a
    configuration mistake like a bad value: it stops the build at start-up with the path,
    instead of a warning per build that no card could be made.

    Raises:
        PictifySettingsError: with the core's message, which names each bad option; option
            names in it are spelled as the ``PICTIFY_*`` settings.
    """
    # Imported here: this module loads with every Pelican build (namespace plugins), and the
    # settings model is only needed once a site turns pictify on.
    from pictify_ssg.core import Settings, SettingsError

    options = adapter_options(settings)
    try:
        core = Settings.from_mapping(core_options(settings), source=SOURCE)
        if core.enabled:
            core.check_files(config_dir(settings), source=SOURCE)
    except SettingsError as error:
        raise settings_error(error) from None
    return core, options


def settings_error(error: SettingsError) -> PictifySettingsError:
    """The core's settings error, with option names spelled as Pelican settings."""
    lines = [f"invalid pictify settings in {SOURCE}:"]
    lines.extend(f"  - {pelican_names(problem)}" for problem in error.problems)
    return PictifySettingsError("\n".join(lines))


_OPTION = re.compile(r"(option|did you mean) '([a-z_][a-z0-9_]*)((?:\.[^']*)?)'")
_KNOWN = "; known options: "


def pelican_names(problem: str) -> str:
    """The core's message with option names spelled as settings (``width`` -> ``PICTIFY_WIDTH``)."""
    problem = _OPTION.sub(lambda m: f"{m[1]} '{setting_name(m[2])}{m[3]}'", problem)
    if _KNOWN in problem:
        head, known = problem.split(_KNOWN, 1)
        names = ", ".join(setting_name(name.strip()) for name in known.split(","))
        problem = f"{head}{_KNOWN}{names}"
    return problem


_SET_OPTION = re.compile(r"\bset ([a-z_]+)\b")


def pelican_build_message(message: str) -> str:
    """A core build error with the options it says to set spelled as Pelican settings.

    The core's cache errors end with "set cache_dir to another folder"; a Pelican user sets
    ``PICTIFY_CACHE_DIR``, so that is the name the message must give.
    """
    from pictify_ssg.core import Settings

    def rename(match: re.Match[str]) -> str:
        name = match[1]
        return f"set {setting_name(name)}" if name in Settings.model_fields else match[0]

    return _SET_OPTION.sub(rename, message)


def config_dir(settings: Mapping[str, Any]) -> Path:
    """Where relative ``PICTIFY_*`` paths start: the folder of ``pelicanconf.py``.

    Pelican does not keep the settings file's path, so look where it usually is: the current
    folder (``pelican content`` is run beside it), then the folder above the content ``PATH``.
    """
    cwd = Path.cwd()
    candidates = [cwd]
    if settings.get("PATH"):
        candidates.append(Path(str(settings["PATH"])).resolve().parent)
    for folder in candidates:
        if (folder / "pelicanconf.py").exists():
            return folder
    return cwd


def source_dirs(settings: Mapping[str, Any]) -> tuple[Path, ...]:
    """The site's own folders, where the files an article or page names may be: the content
    ``PATH`` and, when ``pelicanconf.py`` was found there, the folder of the settings (never a
    current folder that merely happens to be where ``pelican`` was started)."""
    folders = []
    settings_dir = config_dir(settings)
    if (settings_dir / "pelicanconf.py").exists():
        folders.append(settings_dir)
    if settings.get("PATH"):
        folders.append(Path(str(settings["PATH"])).resolve())
    return tuple(folders) or (settings_dir,)


def layout_defaults(settings: Mapping[str, Any]) -> dict[str, str]:
    """The layout options the site's theme settings imply: its ``SITELOGO``.

    Themes print ``SITELOGO`` as a path under the site (``images/logo.png``), a file Pelican
    copies from the content ``PATH``: that file is the logo, or an http(s) URL as is.
    """
    logo = settings.get("SITELOGO")
    if not isinstance(logo, str) or not logo.strip():
        return {}
    logo = logo.strip()
    if logo.startswith(("http://", "https://")):
        return {"logo": logo}
    content = Path(str(settings.get("PATH") or ".")).resolve()
    path = content / logo.lstrip("/")
    return {"logo": str(path)} if path.is_file() else {}
