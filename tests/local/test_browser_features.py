"""Our Chromium feature switches: they keep Playwright's and leave out the browser's own UI."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import playwright
from playwright.async_api import async_playwright

from pictify_ssg.local.browser import (
    IGNORED_DEFAULT_ARGS,
    LAUNCH_ARGS,
    PLAYWRIGHT_DISABLED_FEATURES,
    PLAYWRIGHT_ENABLED_FEATURES,
    resolve_chromium,
)


def _playwright_list(name: str) -> set[str]:
    """The feature names of one list in the installed Playwright driver's launch code."""
    package = Path(playwright.__file__).parent / "driver" / "package" / "lib"
    for source in sorted(package.rglob("*.js")):
        text = source.read_text(encoding="utf-8", errors="replace")
        found = re.search(name + r" = (?:\(\) => )?\[(.*?)\]", text, re.DOTALL)
        if found:
            body = re.sub(r"//[^\n]*", "", found.group(1))  # comments name features too
            return set(re.findall(r'"([A-Za-z0-9]+)"', body))
    raise AssertionError(f"no `{name}` list in Playwright's driver under {package}")


def test_our_switches_repeat_every_feature_playwright_sets() -> None:
    # Chromium keeps only the last --disable-features / --enable-features switch, and ours
    # comes after Playwright's: a feature missing here would quietly be switched back.
    for name, ours in (
        ("disabledFeatures", PLAYWRIGHT_DISABLED_FEATURES),
        ("enabledFeatures", PLAYWRIGHT_ENABLED_FEATURES),
    ):
        theirs = _playwright_list(name)
        assert theirs
        missing = sorted(theirs - set(ours))
        assert not missing, f"Playwright's {name} gained {missing}: repeat them in browser.py"


def test_each_feature_switch_is_given_once() -> None:
    for switch in ("--disable-features=", "--enable-features="):
        assert sum(arg.startswith(switch) for arg in LAUNCH_ARGS) == 1


async def _browser_ui_targets() -> list[str]:
    async with async_playwright() as driver:
        browser = await driver.chromium.launch(
            executable_path=resolve_chromium(),
            args=list(LAUNCH_ARGS),
            ignore_default_args=list(IGNORED_DEFAULT_ARGS),
        )
        try:
            for _ in range(2):  # a window per context, as the renderer's pages have
                context = await browser.new_context()
                page = await context.new_page()
                await page.set_content("<p>card</p>")
            await asyncio.sleep(0.5)  # the address bar's popup is preloaded after the window
            session = await browser.new_browser_cdp_session()
            targets = await session.send("Target.getTargets", {"filter": [{}]})
        finally:
            await browser.close()
    return [t["url"] for t in targets["targetInfos"] if t["type"] == "browser_ui"]


def test_windows_preload_no_browser_ui() -> None:
    # Chromium 156 preloads its address bar's popup (a WebUI in a renderer process of its own,
    # 50-70 MB) for every window; a card never shows it.
    assert asyncio.run(_browser_ui_targets()) == []
