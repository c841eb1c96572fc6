"""Whole-site build cost of the pictify MkDocs plugin, side by side with a plain build.

Run from the repository root (a few minutes for the default 200 pages and 3 repeats)::

    .venv/bin/python bench/site_builds.py                 # 200 pages, 3 builds per row
    .venv/bin/python bench/site_builds.py --pages 500 --repeat 5
    .venv/bin/python bench/site_builds.py --explain       # also profile a warm build

A generated MkDocs site (nested sections; titles short and long, with accents, CJK and emoji;
descriptions, dates and tags in front matter) is built with the real ``mkdocs build``, one child
process per build (``bench/_site_child.py``), in these scenarios:

* ``baseline``: ``plugins: [search]``, no card plugin;
* ``pictify cold``: ``plugins: [search, pictify]`` with ``example_site/card.html``, no API key
  (the embedded local Chromium renders), empty cache;
* ``pictify warm``: the same build again; every card is cached, so it must render nothing (the
  benchmark fails if the plugin's summary line does not say ``0 rendered``);
* ``pictify 1 title changed``: one page's title edited, so exactly one card is rendered;
* the same with the material theme, plus mkdocs-material's own ``social`` plugin cold and warm
  when ``cairosvg`` and the cairo library are installed. Material fetches its card font from
  Google Fonts on first use; there is no network here, so the benchmark puts a system font
  (Noto Sans CJK, else DejaVu Sans) where material keeps downloaded fonts
  (``.cache/plugin/social/fonts/<family>/``) and names it in ``cards_layout_options``.

Every scenario is built ``--repeat`` times, interleaved round by round so that the noise of a
shared machine lands on all of them alike. Wall times are the best of the repeats (load from
other work only ever adds time, so the fastest run is the least disturbed one); memory figures
are medians. How to read it:

* ``x base``: best wall time over the best baseline of the same theme (the number that matters:
  absolute seconds depend on the machine and its load); ``spread``: slowest / fastest run of
  that row, a measure of how noisy the machine was;
* ``CPU s``: user + system time of the build and the processes it started and reaped (best of
  the repeats); CPU time hardly changes with the load other work puts on the machine, so when
  wall times are noisy (a large ``spread``), ``CPU x base`` is the steadier ratio;
* ``peak RSS``: the ``mkdocs build`` process's own ``ru_maxrss``; ``Δ RSS`` is that minus the
  baseline's; ``tree anon``: the sampled peak (every 0.25 s) of the anonymous RSS (what the
  processes allocated themselves, without shared libraries and fonts) summed over the build
  and every process it started: Chromium and Playwright's driver when pictify renders;
* ``cards``: cards rendered in that build (pictify's summary line; for material, card files
  its cache gained or rewrote).

The verdict checks the targets (warm ≤ 1.2x baseline, warm Δ RSS ≤ 60 MB, one-change rebuild
≤ 1.3x baseline) and reports the cold cost per card. ``--explain`` (automatic when a warm
target fails) profiles one warm build: the modules the plugin adds to the imports, with their
import time (``python -X importtime``), and the time spent inside the plugin's hooks (cProfile).
"""

from __future__ import annotations

import argparse
import os
import pstats
import re
import shutil
import statistics
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

if not __package__:  # run as `python bench/site_builds.py`: make the `bench.*` helpers importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._site_gen import Site, generate_site, set_title, write_config
from bench._site_run import SUMMARY, Sample, run_build
from bench._site_social import (
    clear_social_cache,
    offline_font,
    seed_font,
    social_cards,
    social_problem,
)

#: Targets (fixed in the brief; not tuned to what was measured).
WARM_TIME_TARGET = 1.2
WARM_RSS_TARGET_MB = 60.0
CHANGE_TIME_TARGET = 1.3

CORE_TIME = re.compile(r"pictify: \d+ pages?, .*, ([\d.]+) s$", re.MULTILINE)
IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)")


# -- scenarios ------------------------------------------------------------------------------


@dataclass
class Scenario:
    """One row of the table: how to prepare the build, which config, what it must render."""

    key: str
    label: str
    config: Path
    group: str  # the baseline row this one is compared with
    prepare: Callable[[int], None] = lambda _round: None
    expect_rendered: int | None = None  # checked after every build of this scenario
    count_social: bool = False
    samples: list[Sample] = field(default_factory=list)

    def best(self, attr: str) -> float:
        """Smallest value of one numeric ``Sample`` attribute over the repeats."""
        return min(float(getattr(s, attr)) for s in self.samples)

    def spread(self) -> float:
        """Slowest over fastest wall time of the repeats."""
        return max(s.wall_s for s in self.samples) / self.best("wall_s")

    def median(self, attr: str) -> float:
        """Median of one numeric ``Sample`` attribute over the repeats."""
        return statistics.median(float(getattr(s, attr)) for s in self.samples)

    @property
    def rendered(self) -> str:
        """Cards rendered per build (all repeats agree for a correct plugin)."""
        values = sorted({s.rendered for s in self.samples if s.rendered is not None})
        return "/".join(str(v) for v in values) if values else "-"


def _remove(*paths: Path) -> None:
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)


def build_scenarios(site: Site, *, social: bool) -> list[Scenario]:
    """The rows, in the order each round runs them."""
    root = site.root

    def cfg(name: str, theme: str, plugin: str, font: str | None = None) -> Path:
        return write_config(site, name, theme=theme, plugin=plugin, font=font)

    def cold(name: str) -> Callable[[int], None]:
        return lambda _round: _remove(root / "out" / name, root / ".cache" / f"pictify-{name}")

    def retitle(round_number: int) -> None:
        set_title(site, f"{site.changed_title} (revision {round_number + 1})")

    n = site.pages
    rows = [
        Scenario("base", "baseline (mkdocs theme)", cfg("base", "mkdocs", "none"), "base"),
        Scenario("cold", "pictify cold", cfg("pictify", "mkdocs", "pictify"), "base"),
        Scenario("warm", "pictify warm", root / "pictify.yml", "base", expect_rendered=0),
        Scenario(
            "change", "pictify 1 title changed", root / "pictify.yml", "base", expect_rendered=1
        ),
        Scenario("m-base", "baseline (material)", cfg("m-base", "material", "none"), "m-base"),
        Scenario("m-cold", "pictify cold (material)", cfg("m-pictify", "material", "pictify"),
                 "m-base"),
        Scenario("m-warm", "pictify warm (material)", root / "m-pictify.yml", "m-base",
                 expect_rendered=0),
    ]  # fmt: skip
    rows[1].prepare = cold("pictify")
    rows[1].expect_rendered = n
    rows[3].prepare = retitle
    rows[5].prepare = cold("m-pictify")
    rows[5].expect_rendered = n
    if social:
        family = seed_font(site)
        config = cfg("m-social", "material", "social", family)
        rows += [
            Scenario("s-cold", "material social cold", config, "m-base", count_social=True,
                     expect_rendered=n),
            Scenario("s-warm", "material social warm", config, "m-base", count_social=True,
                     expect_rendered=0),
        ]  # fmt: skip

        def social_cold(_round: int) -> None:
            _remove(root / "out" / "m-social")
            clear_social_cache(site)

        rows[-2].prepare = social_cold
    return rows


def run_scenario(scenario: Scenario, round_number: int) -> None:
    """Prepare, build once, check the cards rendered; exits with the log on a failed build."""
    scenario.prepare(round_number)
    before = social_cards_of(scenario)
    sample, code = run_build(scenario.config)
    if code != 0:
        sys.exit(f"{scenario.label}: mkdocs build failed ({code}):\n{sample.log[-3000:]}")
    if scenario.count_social:
        after = social_cards_of(scenario)
        sample.rendered = sum(1 for path, mtime in after.items() if before.get(path) != mtime)
    expected = scenario.expect_rendered
    if expected is not None and sample.rendered != expected:
        summary = SUMMARY.search(sample.log)
        sys.exit(
            f"{scenario.label}: expected {expected} cards rendered, got {sample.rendered} "
            f"({summary.group(0) if summary else 'no pictify summary line'})"
        )
    scenario.samples.append(sample)
    print(
        f"  {scenario.label:<28} {sample.wall_s:6.2f} s  {sample.maxrss_mb:6.1f} MB  "
        f"cards {sample.rendered if sample.rendered is not None else '-'}",
        flush=True,
    )


def social_cards_of(scenario: Scenario) -> dict[str, int]:
    """Material's cached card files, for the scenarios that count them."""
    if not scenario.count_social:
        return {}
    return social_cards(Site(scenario.config.parent, 0, Path(), ""))


# -- report ---------------------------------------------------------------------------------

HEADERS = (
    "scenario",
    "wall s",
    "x base",
    "spread",
    "CPU s",
    "CPU x base",
    "peak RSS MB",
    "Δ RSS MB",
    "tree anon MB",
    "cards",
)


def table_rows(rows: Sequence[Scenario]) -> list[list[str]]:
    """Formatted cells: best times, ratios to the row's baseline, median RSS and deltas."""
    by_key = {row.key: row for row in rows}
    cells = []
    for row in rows:
        base = by_key[row.group]
        wall, base_wall = row.best("wall_s"), base.best("wall_s")
        rss, base_rss = row.median("maxrss_mb"), base.median("maxrss_mb")
        cells.append(
            [
                row.label,
                f"{wall:.2f}",
                f"{wall / base_wall:.2f}x",
                f"{row.spread():.2f}",
                f"{row.best('cpu_s'):.2f}",
                f"{row.best('cpu_s') / base.best('cpu_s'):.2f}x",
                f"{rss:.0f}",
                "-" if row is base else f"{rss - base_rss:+.0f}",
                f"{row.median('tree_anon_mb'):.0f}",
                row.rendered,
            ]
        )
    return cells


def print_tables(rows: Sequence[Scenario], pages: int, repeat: int) -> None:
    """The aligned table, then the same numbers as Markdown."""
    cells = table_rows(rows)
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(HEADERS)]
    print(
        f"\nmkdocs build, {pages} pages, {repeat} builds per row: best wall time, median memory "
        "(ratios against the baseline of the same theme)\n"
    )
    print("  ".join(h.ljust(w) for h, w in zip(HEADERS, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in cells:
        padded = [
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        print("  ".join(padded))
    print("\nMarkdown:\n")
    print("| " + " | ".join(HEADERS) + " |")
    print("|" + "|".join(["---"] + ["---:"] * (len(HEADERS) - 1)) + "|")
    for row in cells:
        print("| " + " | ".join(row) + " |")


def core_seconds(row: Scenario) -> float | None:
    """The core's own build time from the summary line (best over the repeats)."""
    found = [float(m.group(1)) for s in row.samples if (m := CORE_TIME.search(s.log))]
    return min(found) if found else None


def verdict(rows: Sequence[Scenario], pages: int) -> bool:
    """Print PASS/FAIL per target; True when the warm targets passed."""
    by_key = {row.key: row for row in rows}

    def ratio(key: str, base: str = "base") -> float:
        return by_key[key].best("wall_s") / by_key[base].best("wall_s")

    def cpu_ratio(key: str, base: str = "base") -> float:
        return by_key[key].best("cpu_s") / by_key[base].best("cpu_s")

    def delta_rss(key: str, base: str = "base") -> float:
        return by_key[key].median("maxrss_mb") - by_key[base].median("maxrss_mb")

    def per_card_ms(key: str, base: str) -> float:
        return (by_key[key].best("wall_s") - by_key[base].best("wall_s")) / pages * 1000

    def mark(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    warm, warm_rss, change = ratio("warm"), delta_rss("warm"), ratio("change")
    m_warm, m_warm_rss = ratio("m-warm", "m-base"), delta_rss("m-warm", "m-base")
    warm_ok = warm <= WARM_TIME_TARGET and m_warm <= WARM_TIME_TARGET
    rss_ok = warm_rss <= WARM_RSS_TARGET_MB and m_warm_rss <= WARM_RSS_TARGET_MB
    print("\nVerdict")
    print(
        f"  {mark(warm_ok)}  warm build ≤ {WARM_TIME_TARGET}x baseline: "
        f"{warm:.2f}x (mkdocs theme), {m_warm:.2f}x (material); CPU time "
        f"{cpu_ratio('warm'):.2f}x and {cpu_ratio('m-warm', 'm-base'):.2f}x"
    )
    print(
        f"  {mark(rss_ok)}  warm Δ RSS ≤ {WARM_RSS_TARGET_MB:.0f} MB: "
        f"{warm_rss:+.0f} MB (mkdocs theme), {m_warm_rss:+.0f} MB (material)"
    )
    print(
        f"  {mark(change <= CHANGE_TIME_TARGET)}  one-change rebuild ≤ {CHANGE_TIME_TARGET}x "
        f"baseline: {change:.2f}x; CPU time {cpu_ratio('change'):.2f}x"
    )
    change_core = core_seconds(by_key["change"])
    if change_core is not None:
        print(
            f"        the 1-card rebuild spends {change_core:.2f} s (best) in the core's build: "
            "a single miss starts the local renderer (Playwright driver + Chromium) for one card"
        )
    cold_tree, warm_tree = (
        by_key["cold"].median("tree_anon_mb"),
        by_key["warm"].median("tree_anon_mb"),
    )
    print(
        f"  INFO  cold cost per card (cold - baseline)/N: {per_card_ms('cold', 'base'):.0f} ms "
        f"(mkdocs theme), {per_card_ms('m-cold', 'm-base'):.0f} ms (material); no target set. "
        f"Cold build {ratio('cold'):.2f}x baseline; with its renderer it peaks at "
        f"~{cold_tree:.0f} MB anonymous RSS (warm build: {warm_tree:.0f} MB)"
    )
    if "s-cold" in by_key:
        print(
            f"  INFO  material social: cold {ratio('s-cold', 'm-base'):.2f}x baseline "
            f"({per_card_ms('s-cold', 'm-base'):.0f} ms/card), warm "
            f"{ratio('s-warm', 'm-base'):.2f}x (published: ~8x uncached, ~2x cached, "
            f"mkdocs-material#2948/#2967); pictify on the same theme: cold "
            f"{ratio('m-cold', 'm-base'):.2f}x, warm {m_warm:.2f}x"
        )
    return warm_ok and rss_ok


# -- explain: where a warm build's extra time and memory go -----------------------------------


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
            f"  core build inside on_env (its summary line): {core:.2f} s (best of the warm "
            "builds); the rest of the gap is start-up (imports) and the other hooks"
        )
    cards_dir = warm_config.parent / "out" / "pictify" / "assets" / "social"
    files = list(cards_dir.glob("*.*")) if cards_dir.is_dir() else []
    size_mb = sum(f.stat().st_size for f in files) / 2**20
    print(
        f"  card files written into the site by every warm build: {len(files)}, "
        f"{size_mb:.1f} MB (streamed from the cache one file at a time)"
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
        if filename.endswith(os.path.join("pictify_mkdocs", "plugin.py")) and name.startswith(
            ("on_", "load_config")
        ):
            hooks[name] = hooks.get(name, 0.0) + cumulative
    print(f"  plugin hooks (cProfile, one warm build of {total:.2f} s in-process, profiled):")
    for name, seconds in sorted(hooks.items(), key=lambda kv: -kv[1]):
        print(f"    {name:<24} {seconds * 1000:7.1f} ms")
    print(f"  peak RSS of that profiled build: {profiled.maxrss_mb:.0f} MB")


# -- main -----------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Generate the site, build every scenario ``--repeat`` times, print table and verdict."""
    parser = argparse.ArgumentParser(
        description="MkDocs build time and memory with and without the pictify plugin."
    )
    parser.add_argument("--pages", type=int, default=200, help="pages in the site (200)")
    parser.add_argument("--repeat", type=int, default=3, help="builds per scenario (3)")
    parser.add_argument("--explain", action="store_true", help="profile a warm build too")
    parser.add_argument("--keep", action="store_true", help="keep the generated site")
    parser.add_argument("--no-social", action="store_true", help="skip material's social rows")
    args = parser.parse_args(argv)
    if args.pages < 2 or args.repeat < 1:
        parser.error("--pages must be at least 2 and --repeat at least 1")

    problem = "skipped by --no-social" if args.no_social else social_problem()
    root = Path(tempfile.mkdtemp(prefix="pictify-site-bench-"))
    try:
        site = generate_site(root, args.pages)
        rows = build_scenarios(site, social=problem is None)
        if problem:
            print(f"material social rows skipped: {problem}")
        else:
            font = offline_font()
            assert font is not None
            print(
                f"material social: offline, font {font[0]!r} ({font[1].name}) seeded where it "
                "keeps downloaded Google fonts"
            )
        print(f"site: {args.pages} pages in {root} (python {sys.version.split()[0]})")
        # Untimed warm-up: byte-code caches, the page cache and Chromium's first start land
        # here rather than on whichever row happens to run first.
        print("warm-up (not measured)...", flush=True)
        for key in ("base", "m-base", "cold"):
            row = next(r for r in rows if r.key == key)
            row.prepare(0)
            _, code = run_build(row.config)
            if code != 0:
                sys.exit(f"warm-up build {row.label} failed")
        for round_number in range(args.repeat):
            print(f"round {round_number + 1}/{args.repeat}", flush=True)
            for row in rows:
                run_scenario(row, round_number)
        print_tables(rows, args.pages, args.repeat)
        warm_ok = verdict(rows, args.pages)
        if args.explain or not warm_ok:
            explain(rows)
    finally:
        if args.keep:
            print(f"site kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
