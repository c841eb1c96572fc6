"""A page busy with cards gets its garbage collected now and then (its renderer stays small)."""

from __future__ import annotations

from typing import Any

import pytest

from pictify_ssg.local import renderer as renderer_module
from pictify_ssg.local.renderer import Renderer, RenderJob


async def test_a_pages_garbage_is_collected_every_few_renders(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(renderer_module, "GARBAGE_EVERY_RENDERS", 3)
    renderer = Renderer(browsers=1, pages_per_browser=1)
    job = RenderJob(width=120, height=60, html="<p>" + "card " * 2000 + "</p>")
    collections: list[int] = []
    try:
        await renderer.render(job)  # starts Chromium: render 1 on the only page
        [slot] = renderer._slots
        send = slot.cdp.send

        async def counting(method: str, params: Any = None) -> Any:
            if method == "HeapProfiler.collectGarbage":
                collections.append(slot.renders)
            return await send(method, params)

        monkeypatch.setattr(slot.cdp, "send", counting)
        outputs = [await renderer.render(job) for _ in range(6)]  # renders 2 to 7
    finally:
        await renderer.close()

    assert collections == [3, 6]
    assert all(output.data.startswith(b"\x89PNG") for output in outputs)
