"""The checks of ``pictify-ssg doctor``: one function per check, each returning its verdict.

A check never raises: whatever goes wrong becomes a ``fail`` (or ``warn``) with a hint.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from pictify_ssg.commands.sites import SiteSource
    from pictify_ssg.core import Settings

Status = Literal["ok", "warn", "fail", "skip"]
#: Generous: a first Chromium start on a cold, busy CI machine can take many seconds.
LAUNCH_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Verdict:
    """The result of one check.

    Attributes:
        name: What was checked (``chromium``, ``fonts: cjk``...).
        status: ``ok``, ``warn``, ``fail`` or ``skip``.
        detail: What was found.
        hint: What to do about it (empty when nothing).
    """

    name: str
    status: Status
    detail: str
    hint: str = ""


def check_chromium() -> list[Verdict]:
    """Chromium for the local renderer: found, its version, and that it starts."""
    try:
        from pictify_ssg.local.browser import INSTALL_HINT, resolve_chromium
        from pictify_ssg.local.exceptions import ChromiumNotFoundError
    except ImportError:
        return [
            Verdict(
                "chromium",
                "warn",
                "the local renderer is not installed",
                "pip install 'pictify-ssg[local]' to render without an API key",
            )
        ]
    try:
        path = resolve_chromium()
    except ChromiumNotFoundError as exc:
        return [Verdict("chromium", "fail", str(exc).split(";")[0], INSTALL_HINT)]
    found = Verdict("chromium", "ok", f"found {path} ({_version(path)})")
    return [found, _launch(path)]


def _version(path: str) -> str:
    try:
        done = subprocess.run(
            [path, "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return f"version unknown: {exc}"
    return done.stdout.strip() or "version unknown"


def _launch(path: str) -> Verdict:
    from playwright.sync_api import Error, sync_playwright

    from pictify_ssg.local.browser import IGNORED_DEFAULT_ARGS, LAUNCH_ARGS

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=path,
                args=list(LAUNCH_ARGS),
                ignore_default_args=list(IGNORED_DEFAULT_ARGS),
                timeout=LAUNCH_TIMEOUT_S * 1000,
            )
            browser.close()
    except Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return Verdict(
            "chromium launch",
            "fail",
            f"Chromium did not start: {first}",
            "run it by hand with --headless to see why; missing libraries are the usual cause",
        )
    return Verdict("chromium launch", "ok", "Chromium starts headless")


#: fontconfig patterns: a font for Japanese text, and a colour font with the grinning face.
_FONT_QUERIES = {
    "cjk": (":lang=ja", "fonts-noto-cjk (Debian/Ubuntu) or google-noto-sans-cjk-fonts (Fedora)"),
    "emoji": (
        ":charset=1f600:color=True",
        "fonts-noto-color-emoji (Debian/Ubuntu) or google-noto-emoji-fonts (Fedora)",
    ),
}


def check_fonts() -> list[Verdict]:
    """CJK and emoji fonts, which Chromium needs to draw those titles (else: empty boxes)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return [
            Verdict(
                "fonts",
                "skip",
                "fc-list not found (no fontconfig)",
                "on Linux install fontconfig; macOS and Windows have these fonts already",
            )
        ]
    verdicts = []
    for kind, (pattern, package) in _FONT_QUERIES.items():
        try:
            done = subprocess.run(
                [fc_list, pattern, "family"], capture_output=True, text=True, timeout=30
            )
            families = sorted({line.split(",")[0] for line in done.stdout.splitlines() if line})
        except (OSError, subprocess.SubprocessError) as exc:
            verdicts.append(Verdict(f"fonts: {kind}", "warn", f"fc-list failed: {exc}"))
            continue
        if families:
            shown = ", ".join(families[:3]) + (" ..." if len(families) > 3 else "")
            verdicts.append(Verdict(f"fonts: {kind}", "ok", shown))
        else:
            verdicts.append(
                Verdict(
                    f"fonts: {kind}",
                    "warn",
                    f"no {kind} font: such text renders as empty boxes",
                    f"install {package}, then delete .cache/pictify once",
                )
            )
    return verdicts


def check_api_key(settings: Settings) -> Verdict:
    """Whether a key is set; the key itself is never shown, only its length."""
    if settings.api_key is None:
        return Verdict(
            "api key",
            "ok",
            "not set: cards render with the local Chromium",
            "set PICTIFY_API_KEY to render with the hosted Pictify API",
        )
    length = len(settings.api_key.get_secret_value())
    return Verdict("api key", "ok", f"set ({length} characters, not shown)")


def check_hosted(settings: Settings) -> Verdict:
    """Whether the hosted API answers and accepts the key (skipped without a key)."""
    from pictify_ssg.core.backend import hosted_base_url

    if settings.api_key is None:
        return Verdict("hosted api", "skip", "no API key, so the hosted API is not used")
    from pictify_ssg.client import Pictify
    from pictify_ssg.client.exceptions import AuthenticationError, PictifyError

    url = hosted_base_url(settings)
    try:
        with Pictify(
            api_key=settings.api_key.get_secret_value(), base_url=url, timeout=15, max_retries=0
        ) as client:
            client.templates.list(limit=1)
    except AuthenticationError:
        return Verdict(
            "hosted api", "fail", f"{url} refused the key", "check PICTIFY_API_KEY is current"
        )
    except PictifyError as exc:
        return Verdict(
            "hosted api",
            "fail",
            f"{url} did not answer properly: {type(exc).__name__}: {exc}",
            "check the network and base_url / PICTIFY_BASE_URL",
        )
    return Verdict("hosted api", "ok", f"{url} answers and accepts the key")


def check_site_url(source: SiteSource) -> Verdict:
    """Social platforms need absolute https image URLs: the site URL must be set."""
    url = source.options.get("site_url") or source.site.url
    name = "site url"
    if not url:
        return Verdict(
            name,
            "fail",
            f"{source.config_path} sets no site URL: cards get relative URLs platforms ignore",
            "set site_url (mkdocs.yml) or SITEURL (pelicanconf.py)",
        )
    if not str(url).startswith("https://"):
        return Verdict(name, "warn", f"{url} is not https", "most platforms want https images")
    return Verdict(name, "ok", str(url))
