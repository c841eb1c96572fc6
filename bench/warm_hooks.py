"""Time each pictify hook of one real ``mkdocs build``, in the build's own process.

Run from the site's folder: ``.venv/bin/python bench/warm_hooks.py mkdocs.yml``. Build the site
once before, so the build measured is a warm one. ``perf_counter`` around each hook, not a
profiler: what a hook costs, undistorted, whatever else the machine is doing meanwhile (the
wall-clock ratios of ``site_builds.py`` need a quiet machine to show 2 %).
"""

from __future__ import annotations

import functools
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from mkdocs.plugins import CombinedEvent

import pictify_mkdocs.plugin as plugin

spent: dict[str, float] = defaultdict(float)
calls: dict[str, int] = defaultdict(int)


def _timed(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            spent[name] += time.perf_counter() - start
            calls[name] += 1

    return timed


def _instrument() -> None:
    cls = plugin.PictifyPlugin
    for name, value in list(vars(cls).items()):
        if isinstance(value, CombinedEvent):  # on_page_context: one timer per handler
            parts = [_timed(f"{name}:{m.__name__}", m) for m in value.methods]
            setattr(cls, name, CombinedEvent(*parts))
        elif name.startswith("on_") and callable(value):
            setattr(cls, name, _timed(name, value))


def main(config: str) -> None:
    """Build ``config`` once and print the time spent in each hook."""
    _instrument()
    from mkdocs.__main__ import cli

    start = time.perf_counter()
    cli.main(args=["build", "-q", "-f", config], prog_name="mkdocs", standalone_mode=False)
    total = time.perf_counter() - start
    print(f"build {total:.2f} s; pictify hooks {sum(spent.values()) * 1000:.0f} ms:")
    for name, seconds in sorted(spent.items(), key=lambda item: -item[1]):
        print(f"  {name:<36} {seconds * 1000:8.1f} ms  ({calls[name]} calls)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "mkdocs.yml")
