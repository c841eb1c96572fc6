"""Warm builds against plain builds running at the same time, one on each core.

Run from the repository root::

    .venv/bin/python bench/warm_pairs.py                  # 1000 pages, 5 pairs per theme
    .venv/bin/python bench/warm_pairs.py --pages 1000 --pairs 7

Why: the warm target of issue 9 is 2 %, and on a shared machine two builds of the same site run
one after the other differ by up to 10 % (``site_builds.py``'s spread column; the CPU time
varies as much as the wall time, so it is the machine's speed that drifts, not the scheduler).
Builds that run *at the same time* live through the same drift. Each pair starts a warm
pictify build and the plain build of the same site and theme together, one per core (a MkDocs
build is one thread; a replayed warm build starts no renderer), and compares their wall times.

Three groups, all in one run: the mkdocs theme, the material theme, and mkdocs-material's own
``social`` plugin against a plain build in its virtual environment. An A/A group (the plain
build against a copy of itself) shows how far apart two identical builds land this way: a
ratio the method itself cannot tell from 1.00 is the noise floor.

Every pictify warm build must render nothing (checked through its summary line), and every
social warm build must leave the competitor's card cache untouched.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if not __package__:  # run as `python bench/warm_pairs.py`: make the `bench.*` helpers importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._site_gen import generate_site, write_config
from bench._site_report import WARM_TARGET
from bench._site_run import Sample, run_build
from bench._site_social import prepare_competitor, seed_fonts, social_cards

BENCH = Path(__file__).resolve().parent


@dataclass
class Group:
    """A warm config and its plain config (or a plain config and its twin, for A/A)."""

    label: str
    plain: Path
    warm: Path
    python: Path | None = None  # interpreter of both builds (None: this one)
    social: bool = False  # the warm build is mkdocs-material's social plugin
    pairs: list[tuple[Sample, Sample]] = field(default_factory=list)

    def ratios(self) -> list[float]:
        """Warm over plain wall time, pair by pair."""
        return [warm.wall_s / plain.wall_s for plain, warm in self.pairs]

    def cpu_ratios(self) -> list[float]:
        """The same for user + system time."""
        return [warm.cpu_s / plain.cpu_s for plain, warm in self.pairs]


def run_together(group: Group) -> tuple[Sample, Sample]:
    """Start the plain and the warm build at the same moment; exit with the log on a failure."""
    results: dict[str, tuple[Sample, int]] = {}

    def build(name: str, config: Path) -> None:
        results[name] = run_build(config, python=group.python)

    threads = [
        threading.Thread(target=build, args=(name, config))
        for name, config in (("plain", group.plain), ("warm", group.warm))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for name, (sample, code) in results.items():
        if code != 0:
            sys.exit(f"{group.label}: {name} build failed ({code}):\n{sample.log[-3000:]}")
    return results["plain"][0], results["warm"][0]


def measure(group: Group) -> None:
    """One pair, checked: a pictify warm build renders nothing."""
    root = group.warm.parent
    before = social_cards(root) if group.social else {}
    plain, warm = run_together(group)
    if group.social and social_cards(root) != before:
        print(f"  note: {group.label}: the social plugin rewrote card files", flush=True)
    if warm.rendered not in (None, 0):
        sys.exit(f"{group.label}: the warm build rendered {warm.rendered} cards")
    group.pairs.append((plain, warm))
    print(
        f"  {group.label:<34} plain {plain.wall_s:6.2f} s, other {warm.wall_s:6.2f} s, "
        f"ratio {warm.wall_s / plain.wall_s:.3f}",
        flush=True,
    )


def _summary(group: Group) -> dict[str, Any]:
    ratios = group.ratios()
    return {
        "label": group.label,
        "pairs": len(ratios),
        "median": round(statistics.median(ratios), 4),
        "min": round(min(ratios), 4),
        "max": round(max(ratios), 4),
        "cpu_median": round(statistics.median(group.cpu_ratios()), 4),
        "plain_wall_s": [round(p.wall_s, 3) for p, _ in group.pairs],
        "other_wall_s": [round(w.wall_s, 3) for _, w in group.pairs],
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Generate the site, warm every config, run the pairs, print the verdict."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "warm-pairs.json")
    args = parser.parse_args(argv)
    started = time.time()
    competitor = prepare_competitor()
    with tempfile.TemporaryDirectory(prefix="pictify-warm-pairs-") as tmp:
        site = generate_site(Path(tmp) / f"site-{args.pages}", args.pages)
        seed_fonts(site.root, competitor.fonts)

        def config(name: str, theme: str, plugin: str) -> Path:
            return write_config(site, name, theme=theme, plugin=plugin)

        groups = [
            Group("A/A: plain against plain (mkdocs)", config("base", "mkdocs", "none"),
                  config("base-twin", "mkdocs", "none")),
            Group("pictify warm (mkdocs)", config("base", "mkdocs", "none"),
                  config("pictify", "mkdocs", "pictify")),
            Group("pictify warm (material)", config("m-base", "material", "none"),
                  config("m-pictify", "material", "pictify")),
            Group("material social warm (own venv)", config("s-base", "material", "none"),
                  config("s-social", "material", "social"), python=competitor.python,
                  social=True),
        ]  # fmt: skip
        print(f"{args.pages} pages in {site.root}; warm-up: each config twice", flush=True)
        warmed: set[Path] = set()
        for group in groups:
            for path in (group.plain, group.warm):
                if path in warmed:
                    continue
                warmed.add(path)
                for _ in range(2):  # the first fills the card cache, the second replays it
                    sample, code = run_build(path, python=group.python)
                    if code != 0:
                        sys.exit(f"warm-up of {path.name} failed:\n{sample.log[-3000:]}")
        for round_number in range(args.pairs):
            print(f"round {round_number + 1}/{args.pairs}", flush=True)
            for group in groups:
                measure(group)
    summaries = [_summary(group) for group in groups]
    print(f"\n{args.pages} pages, {args.pairs} pairs per group, builds of a pair run together:")
    for summary in summaries:
        spread = f"min {summary['min']:.3f}, max {summary['max']:.3f}"
        print(
            f"  {summary['label']:<34} median {summary['median']:.3f}x "
            f"({spread}; CPU {summary['cpu_median']:.3f}x)"
        )
    verdict = all(summary["median"] <= WARM_TARGET for summary in summaries[1:3])
    print(
        f"{'PASS' if verdict else 'MISS'} warm build <= {WARM_TARGET}x the plain build "
        f"(mkdocs and material themes, median of the pairs)"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "command": " ".join(["bench/warm_pairs.py", *(argv or sys.argv[1:])]),
        "started": started,
        "duration_s": round(time.time() - started, 1),
        "pages": args.pages,
        "groups": summaries,
        "competitor_versions": competitor.versions,
        "warm_target_met": verdict,
    }
    args.out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"results: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
