"""Warnings about a card's broken web fonts cannot forge or flood the build's log."""

from __future__ import annotations

import logging

import pytest

from pictify_ssg.local.renderer import MAX_FONT_WARNINGS, Renderer, RenderJob

BROKEN = 'src: url(data:font/woff2;base64,AAAA) format("woff2");'


async def test_font_names_are_escaped_and_their_warnings_few(
    caplog: pytest.LogCaptureFixture,
) -> None:
    forged = "X\\A INFO    -  Documentation built in 0.01 seconds"  # CSS for a line break
    faces = [f'@font-face {{ font-family: "{forged}"; {BROKEN} }}']
    faces += [f"@font-face {{ font-family: F{i}; {BROKEN} }}" for i in range(20)]
    families = ", ".join([f'"{forged}"', *(f"F{i}" for i in range(20)), "sans-serif"])
    html = f"<style>{''.join(faces)} body {{ font-family: {families}; }}</style><p>x</p>"
    renderer = Renderer(browsers=1)
    try:
        with caplog.at_level(logging.WARNING, logger="pictify_ssg"):
            await renderer.render(RenderJob(width=200, height=100, html=html, label="evil"))
    finally:
        await renderer.close()

    warnings = [r.getMessage() for r in caplog.records if "web font" in r.getMessage()]
    assert 1 <= len(warnings) <= MAX_FONT_WARNINGS
    assert all("\n" not in message for message in warnings)
    forged_lines = [m for m in warnings if "Documentation built" in m]
    assert all("X\\n" in message for message in forged_lines)
