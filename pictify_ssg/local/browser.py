"""Finding and launching Chromium.

Which Chromium runs, first match wins:

1. ``PICTIFY_CHROMIUM`` — a path to a Chromium/Chrome executable.
2. A system browser on ``PATH``: ``chromium``, ``chromium-browser``, ``google-chrome``,
   ``google-chrome-stable``, ``chrome``.
3. The browser Playwright manages (``python -m playwright install chromium``): its headless
   shell when installed (what Playwright itself launches for headless work), else its full
   Chromium.

`resolve_chromium` only checks that the executable exists and may be run; it never launches it,
so a server start stays cheap and a warm build never pays for a browser.

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
import sys
import threading
from collections.abc import Mapping
from pathlib import Path

from pictify_ssg.local.exceptions import ChromiumNotFoundError

PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "MediaRouter",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
    "PreconnectToSearch",
    "msForceBrowserSignIn",
    "msEdgeUpdateLaunchServicesPreferredVersion",
)
"""The Chromium features Playwright's launch disables (as of Playwright 1.65).

Chromium reads only the last ``--disable-features`` switch, and ours comes after Playwright's,
so ours repeats these (``tests/test_browser_flags.py`` compares them with the installed
Playwright's list)."""

DISABLED_FEATURES = (
    *PLAYWRIGHT_DISABLED_FEATURES,
    # Every browser window (one per card page) preloads the WebUI of its address bar's popup
    # into a renderer process of its own: 50-70 MB each that a headless renderer never shows.
    "WebUIOmniboxPopup",
    "WebUIOmniboxAimPopup",
    # A spare renderer process kept warm for the next site: cards never change site.
    "SpareRendererForSitePerProcess",
)
"""Features every launch disables."""

PLAYWRIGHT_ENABLED_FEATURES = ("CDPScreenshotNewSurface", "SkipListAccountsWithoutGaiaCookies")
"""The Chromium features Playwright's launch enables (as of Playwright 1.65; the same rule as
for `PLAYWRIGHT_DISABLED_FEATURES`)."""

ENABLED_FEATURES = (
    *PLAYWRIGHT_ENABLED_FEATURES,
    # The network service on a thread of the browser process rather than a process of its
    # own (about 15 MB less); every request a card makes is refused or allowed there anyway.
    "NetworkServiceInProcess2",
)
"""Features every launch enables."""

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
    # Pages may not open windows. Honoured by chrome-headless-shell (Playwright's own browser);
    # Chromium's full browser in --headless mode ignores it (checked with Chromium 156), so the
    # renderer also keeps the popup blocker on and closes any page that appears anyway.
    "--block-new-web-contents",
    # WebRTC would otherwise send UDP to any address a page names, beyond request interception.
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
    # Fewer processes per browser, the same pixels: GPU work (software rasterising, as with
    # --disable-gpu) on a thread of the browser process, and no zygote (it only speeds up
    # forking sandboxed processes, and there is no sandbox). About 45 MB less per browser
    # (Chromium 156).
    "--in-process-gpu",
    "--no-zygote",
    "--disable-features=" + ",".join(DISABLED_FEATURES),
    "--enable-features=" + ",".join(ENABLED_FEATURES),
)
"""Command-line flags for every launch; they keep Chromium quiet, offline and sandbox-free."""

IGNORED_DEFAULT_ARGS = ("--disable-popup-blocking",)
"""Playwright defaults we drop: its launch turns Chromium's popup blocker off, ours keeps it on
(with no user gesture, which our DevTools calls never give, ``window.open`` gets ``null``)."""

SYSTEM_BROWSERS = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
)

INSTALL_HINT = (
    "install Chromium (`apt-get install chromium`) or Playwright's browser "
    "(`python -m playwright install chromium`), or set PICTIFY_CHROMIUM to a Chromium/Chrome "
    "executable"
)

PLAYWRIGHT_QUERY_TIMEOUT_S = 60.0
"""Upper bound for asking Playwright's driver where its browser lives (normally well under 1 s)."""


def find_chromium(environ: Mapping[str, str] | None = None) -> str | None:
    """Locate ``PICTIFY_CHROMIUM`` or a system browser on ``PATH`` (steps 1 and 2).

    Args:
        environ: Environment to read ``PICTIFY_CHROMIUM`` and ``PATH`` from (default:
            ``os.environ``).

    Returns:
        A path, or ``None`` when neither is there (Playwright's browser is the last resort).

    Raises:
        ChromiumNotFoundError: ``PICTIFY_CHROMIUM`` is set but is not an executable file.
    """
    env = os.environ if environ is None else environ
    configured = env.get("PICTIFY_CHROMIUM", "").strip()
    if configured:
        path = Path(configured).expanduser()
        if not _is_executable(path):
            raise ChromiumNotFoundError(
                f"PICTIFY_CHROMIUM points to {configured}, which does not exist or is not "
                "executable; install Chromium (apt-get install chromium) or fix the variable"
            )
        return str(path)
    search_path = env.get("PATH")
    for name in SYSTEM_BROWSERS:
        found = shutil.which(name, path=search_path)
        if found:
            return found
    return None


def resolve_chromium(environ: Mapping[str, str] | None = None) -> str:
    """The Chromium executable to launch, checked but not started.

    Args:
        environ: Environment for ``PICTIFY_CHROMIUM`` and ``PATH`` (default: ``os.environ``).
            Playwright's driver always reads the process environment (for
            ``PLAYWRIGHT_BROWSERS_PATH``).

    Returns:
        The path of an existing executable file.

    Raises:
        ChromiumNotFoundError: ``PICTIFY_CHROMIUM`` is bad, or no browser was found at all; the
            message says what to install.
    """
    found = find_chromium(environ)
    if found is not None:
        return found
    try:
        reported = playwright_chromium_path()
    except Exception as exc:  # noqa: BLE001 - any driver trouble means "no Playwright browser"
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        where = f"Playwright could not say where its browser is ({first_line})"
    else:
        for candidate in playwright_candidates(reported):
            if _is_executable(candidate):
                return str(candidate)
        where = f"Playwright's Chromium is not installed (looked for {reported})"
    raise ChromiumNotFoundError(
        f"No Chromium found: PICTIFY_CHROMIUM is not set, none of {', '.join(SYSTEM_BROWSERS)} "
        f"is on PATH, and {where}; {INSTALL_HINT}"
    )


_reported_paths: dict[str, str] = {}
_reported_lock = threading.Lock()


def playwright_chromium_path() -> str:
    """Where Playwright's registry puts its full Chromium, as its driver reports it.

    Asking the driver (not re-deriving its cache layout) keeps this right across Playwright
    versions, platforms and ``PLAYWRIGHT_BROWSERS_PATH``. It starts the Node driver, not a
    browser; answers are remembered per ``PLAYWRIGHT_BROWSERS_PATH`` for the process.

    Returns:
        The path; the file may not exist (the browser is not installed).

    Raises:
        Exception: The driver failed or did not answer in time.
    """
    key = os.environ.get("PLAYWRIGHT_BROWSERS_PATH", "")
    with _reported_lock:
        if key in _reported_paths:
            return _reported_paths[key]
    answer: list[str] = []
    failure: list[BaseException] = []

    def ask() -> None:
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as playwright:
                answer.append(playwright.chromium.executable_path)
        except BaseException as exc:  # noqa: BLE001 - handed to the calling thread
            failure.append(exc)

    # Playwright's sync API refuses to run in a thread with a running event loop (start() may
    # be called from async code), so it gets a thread of its own.
    worker = threading.Thread(target=ask, name="pictify-playwright-query", daemon=True)
    worker.start()
    worker.join(PLAYWRIGHT_QUERY_TIMEOUT_S)
    if failure:
        raise failure[0]
    if not answer:
        raise TimeoutError(f"no answer from Playwright's driver in {PLAYWRIGHT_QUERY_TIMEOUT_S} s")
    with _reported_lock:
        _reported_paths[key] = answer[0]
    return answer[0]


def playwright_candidates(reported: str) -> list[Path]:
    """Playwright's headless shell (derived from the full Chromium's path), then Chromium.

    The shell sits next to the full browser in the same registry: ``chromium-<rev>/chrome-<os>/
    chrome`` has ``chromium_headless_shell-<rev>/chrome-headless-shell-<os>/chrome-headless-shell``.
    If a future layout differs, the derived path simply does not exist and the full Chromium
    (which Playwright reports itself) is used.
    """
    chromium = Path(reported)
    candidates = [chromium]
    install = next((p for p in chromium.parents if p.name.startswith("chromium-")), None)
    if install is not None:
        relative = chromium.relative_to(install).parts
        if relative and relative[0].startswith("chrome-"):
            suffix = relative[0][len("chrome-") :]
            name = (
                "chrome-headless-shell.exe" if sys.platform == "win32" else "chrome-headless-shell"
            )
            shell_dir = install.with_name(
                "chromium_headless_shell-" + install.name[len("chromium-") :]
            )
            candidates.insert(0, shell_dir / f"chrome-headless-shell-{suffix}" / name)
    return candidates


def _is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)
