"""Core pipeline timings against the local server, as side-by-side ratios.

Run: ``.venv/bin/python bench/core_builds.py [pages]``. Prints, for the same pages:

* a cold build with batches (``render_mode: auto``) and one with direct calls only,
* a warm build (every card cached: zero network calls, files copied from the cache),

and the ratios between them.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from pictify_ssg.core import BuildReport, PageRecord, Settings, SiteInfo, build
from pictify_ssg.local import LocalServer


def _timed(
    pages: list[PageRecord], settings: Settings, site: SiteInfo
) -> tuple[float, BuildReport]:
    start = time.perf_counter()
    report = build(pages, settings, site)
    return time.perf_counter() - start, report


def main(count: int) -> None:
    """Build ``count`` pages in each mode and print the timings."""
    root = Path(tempfile.mkdtemp(prefix="pictify-bench-"))
    with LocalServer(data_dir=root / "server") as server:
        base = {"backend": "hosted", "base_url": server.base_url, "api_key": server.api_key}
        warmup = SiteInfo(name="Bench", config_dir=root / "warmup", output_dir=root / "warmup")
        build([PageRecord.create(key="w.md", url="w/")], Settings.from_mapping(base), warmup)
        results = {}
        for mode in ("auto", "direct"):
            site = SiteInfo(
                name="Bench",
                url="https://example.org/",
                config_dir=root / mode,
                output_dir=root / mode / "site",
            )
            pages = [
                PageRecord.create(key=f"p{i}.md", url=f"p{i}/", title=f"{mode} page {i}")
                for i in range(count)
            ]
            settings = Settings.from_mapping({**base, "render_mode": mode})
            results[mode] = _timed(pages, settings, site)
            print(results[mode][1].summary_line)
        warm_s, warm = _timed(pages, settings, site)
        print(warm.summary_line, dict(warm.api_calls))
    auto_s, direct_s = results["auto"][0], results["direct"][0]
    print(f"cold auto (batches) {auto_s:.2f} s, cold direct {direct_s:.2f} s, warm {warm_s:.3f} s")
    print(f"direct/batches = {direct_s / auto_s:.2f}, warm/cold = {warm_s / direct_s:.4f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
