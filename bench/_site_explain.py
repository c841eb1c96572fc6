"""Where a warm pictify build's extra time goes, for ``bench/site_builds.py --explain``.

Profiles one warm build against the plain one (mkdocs theme): the modules the plugin adds to
the imports, with their import time (``python -X importtime``), and the time spent inside the
plugin's hooks (cProfile).
"""

from __future__ import annotations

import os
import pstats
import re
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from bench._site_gen import site_dir
from bench._site_run import run_build
from bench._site_scenarios import Scenario

CORE_TIME = re.compile(r"pictify: \d+ pages?, .*, ([\d.]+) s$", re.MULTILINE)
IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)")


def core_seconds(row: Scenario) -> float | None:
    """The core's own build time from the summary line (best over the rounds)."""
    found = [float(m.group(1)) for s in row.samples if (m := CORE_TIME.search(s.log))]
    return min(found) if found else None


def _imports(log: str) -> dict[str, int]:
    """Module -> self import time (µs) from ``-X importtime`` output."""
    found = {}
    for line in log.splitlines():
        match = IMPORT_LINE.match(line)
        if match:
            found[match.group(4)] = int(match.group(1))
    return found


def explain(rows: Sequence[Scenario]) -> None:
    """Profile one warm pictify build against the baseline (mkdocs theme)."""
    by_key = {row.key: row for row in rows}
    base_config, warm_config = by_key["base"].config, by_key["warm"].config
    print("\nWhere the warm build's extra cost goes (mkdocs theme)")
    core = core_seconds(by_key["warm"])
    if core is not None:
        print(
            f"  the core's own build time (its summary line): {core:.2f} s (best of the warm "
            "builds); the rest of the gap is start-up (imports) and the hooks around it"
        )
    cards_dir = site_dir(warm_config) / "assets" / "social"
    files = list(cards_dir.glob("*.*")) if cards_dir.is_dir() else []
    size_mb = sum(f.stat().st_size for f in files) / 2**20
    print(
        f"  card files in the site after a warm build: {len(files)}, "
        f"{size_mb:.1f} MB (a warm build has nothing new to write)"
    )
    base, _ = run_build(base_config, importtime=True)
    warm, _ = run_build(warm_config, importtime=True)
    base_imports, warm_imports = _imports(base.log), _imports(warm.log)
    extra = {m: us for m, us in warm_imports.items() if m not in base_imports}
    per_package: dict[str, int] = defaultdict(int)
    for module, us in extra.items():
        per_package[module.split(".")[0]] += us
    total_ms = sum(extra.values()) / 1000
    print(
        f"  imports: {len(extra)} modules more than the baseline build "
        f"({warm.modules} vs {base.modules} in sys.modules), {total_ms:.0f} ms self time "
        "(python -X importtime, one run; modules loaded by importlib.import_module, like "
        "pictify_ssg.core's lazy names, are counted in their importer's self time)"
    )
    for package, us in sorted(per_package.items(), key=lambda kv: -kv[1])[:8]:
        print(f"    {package:<24} {us / 1000:7.1f} ms")
    with tempfile.TemporaryDirectory(prefix="site-bench-prof-") as tmp:
        dump = Path(tmp) / "warm.prof"
        profiled, _ = run_build(warm_config, profile=dump)
        stats = pstats.Stats(str(dump))
    hooks: dict[str, float] = {}
    total = 0.0
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, object]]
    raw = stats.stats  # type: ignore[attr-defined]
    for (filename, _line, name), (_cc, _nc, _tt, cumulative, _callers) in raw.items():
        total = max(total, cumulative)
        # on_page_context is two handlers (a CombinedEvent): the card into page.meta, and
        # the head slot armed for the render.
        if filename.endswith(os.path.join("pictify_mkdocs", "plugin.py")) and name.startswith(
            ("on_", "load_config", "_give_card", "_arm_head_slot")
        ):
            hooks[name] = hooks.get(name, 0.0) + cumulative
    print(f"  plugin hooks (cProfile, one warm build of {total:.2f} s in-process, profiled):")
    for name, seconds in sorted(hooks.items(), key=lambda kv: -kv[1]):
        print(f"    {name:<24} {seconds * 1000:7.1f} ms")
    print(f"  peak RSS of that profiled build: {profiled.maxrss_mb:.0f} MB")
