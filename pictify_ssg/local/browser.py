"""Finding and launching Chromium.

Which Chromium runs, first match wins:

1. ``PICTIFY_CHROMIUM`` — a path to a Chromium/Chrome executable.
2. A system browser on ``PATH``: ``chromium``, ``chromium-browser``, ``google-chrome``,
   ``google-chrome-stable``, ``chrome``.
3. The browser Playwright manages (``python -m playwright install chromium``).

Fonts: Chromium draws with the system's fonts, so titles in scripts the system lacks render as
empty boxes ("tofu"). Install, for CJK and emoji:

* Debian/Ubuntu: ``apt-get install fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji``
* Fedora: ``dnf install google-noto-sans-fonts google-noto-sans-cjk-fonts google-noto-emoji-fonts``
* Alpine: ``apk add font-noto font-noto-cjk font-noto-emoji``
* macOS and Windows ship CJK and emoji fonts already.

In containers, also run ``fc-cache -f`` after installing fonts.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

LAUNCH_ARGS = (
    "--headless",
    "--no-sandbox",  # containers and CI runners rarely allow Chromium's user-namespace sandbox
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-crash-reporter",
    "--hide-scrollbars",
    "--font-render-hinting=none",  # same glyph metrics on every machine, like headless shells
)
"""Command-line flags for every launch; they keep Chromium quiet, offline and sandbox-free."""

SYSTEM_BROWSERS = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
)

INSTALL_HINT = (
    "install Chromium (e.g. `apt-get install chromium`), point PICTIFY_CHROMIUM at a "
    "Chromium/Chrome executable, or run `python -m playwright install chromium`"
)


class BrowserNotFoundError(RuntimeError):
    """``PICTIFY_CHROMIUM`` names a file that does not exist."""


def find_chromium(environ: dict[str, str] | None = None) -> str | None:
    """Locate the Chromium executable to use.

    Args:
        environ: Environment to read ``PICTIFY_CHROMIUM`` and ``PATH`` from (default:
            ``os.environ``).

    Returns:
        A path, or ``None`` to let Playwright use the browser it manages.

    Raises:
        BrowserNotFoundError: ``PICTIFY_CHROMIUM`` is set but is not an executable file.
    """
    env = dict(os.environ) if environ is None else environ
    configured = env.get("PICTIFY_CHROMIUM", "").strip()
    if configured:
        path = Path(configured).expanduser()
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise BrowserNotFoundError(
                f"PICTIFY_CHROMIUM={configured!r} is not an executable file; {INSTALL_HINT}"
            )
        return str(path)
    search_path = env.get("PATH")
    for name in SYSTEM_BROWSERS:
        found = shutil.which(name, path=search_path)
        if found:
            return found
    return None
