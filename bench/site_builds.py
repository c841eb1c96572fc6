"""Card efficiency of the pictify MkDocs plugin, side by side with plain builds and a competitor.

Run from the repository root::

    .venv/bin/python bench/site_builds.py                  # quick: 200 pages, 2 rounds (~6 min)
    .venv/bin/python bench/site_builds.py --full           # 1000 pages, 5 rounds, 10 000-page row
    .venv/bin/python bench/site_builds.py --pages 1000 --repeat 5 --scale 100
    .venv/bin/python bench/site_builds.py --full --publish # also bench/performance.json + chart

What it measures, against the targets of issue 9 (the verdict prints PASS/MISS per target):

* **Build time.** A generated MkDocs site (nested sections; titles short and long, with
  accents, CJK and emoji; front matter) is built with the real ``mkdocs build``, one child
  process per build (``_site_child.py``): plain (``baseline``), pictify cold (empty cache),
  warm (every card cached) and with one page's title changed, with the mkdocs and the material
  theme. Every page is in the nav, as MkDocs does by default.
* **Scale** (``--scale``; quick: 100 pages, ``--full``: 100, 1000 and 10 000): plain, warm and
  (up to 1000 pages) cold builds of sites whose ``nav`` lists only the home and section pages.
  With every page in the nav a plain build grows with the square of the pages (10 000 pages:
  over 15 minutes), which would bury the plugin's own cost per page.
* **The competitor**, mkdocs-material's ``social`` plugin, cold and warm on the main site with
  the material theme, in its own virtual environment that the bench makes
  (``bench/.venvs/material-social``, see ``_site_social.py``), against a plain build in that
  environment. Its rows are never skipped: if it cannot be set up, the bench stops and says why.
* **Card bytes and quality** (``_site_bytes.py``): the main site built with the example card
  (``example_site/card.html``) and with a full-bleed gradient card (``bench/gradient_card.html``)
  twice each, ``png_optimize: off`` (the lossless reference) and the default; cards paired by
  page, KB per card and PSNR against the reference.
* **Cache size**: the pictify cache folder on disk against the card files of the built site.

Every timed row is built ``--repeat`` times, interleaved round by round, so the noise of a
shared machine lands on all rows alike; in each round a warm build and its plain build run
back to back, in alternating order. Each config is built once, untimed, before the first
round (for the 10 000-page warm row, that build fills its cache). Columns:

* ``x base``: median over rounds of build time / plain build time of the same round (same
  site, theme and environment); ``CPU x base``: the same for user + system time of the build
  and the processes it reaped, steadier when the machine is busy; ``spread``: slowest /
  fastest round of the row, how noisy the machine was;
* ``+ms/page``: median over rounds of (build - plain build) / pages, in ms: for cold rows the
  cost per card, for warm rows the plugin's cost per page;
* ``peak tree MB``: the sampled peak (every 0.25 s) of the anonymous RSS summed over the build
  and every process it started (Chromium, Playwright's driver), worst round;
* ``KB/card``: median card file (bytes rows: median and max); ``PSNR dB``: against the
  lossless render of the same page, lowest and median.

Results go to ``bench/results/latest.json`` and ``latest.svg`` (``--publish``: also
``bench/performance.json`` and ``docs/performance.svg``, the ones the README shows; ``--label``
names the run in both). ``--explain`` (automatic when the warm target is missed) profiles one
warm build.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if not __package__:  # run as `python bench/site_builds.py`: make the `bench.*` helpers importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._site_bytes import CardBytes, compare, disk_usage, site_cards
from bench._site_chart import render
from bench._site_explain import explain
from bench._site_gen import SITE_URL, Site, generate_site, pictify_cache, site_dir, write_config
from bench._site_report import CacheSize, Design, Run, markdown, print_table, print_verdict, verdict
from bench._site_results import results, write
from bench._site_run import child_env, run_build
from bench._site_scenarios import (
    Scenario,
    competitor_rows,
    main_rows,
    round_order,
    run_scenario,
    run_untimed,
    scale_rows,
)
from bench._site_social import Competitor, CompetitorError, prepare_competitor

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PRESETS = {  # --quick (the default) and --full
    "quick": {"pages": 200, "repeat": 2, "scale": "100"},
    "full": {"pages": 1000, "repeat": 5, "scale": "100,1000,10000"},
}
DESIGNS = (("example card", "card.html"), ("gradient card", "gradient.html"))


@dataclass(frozen=True)
class Plugin:
    """The pictify the builds load: whether it has ``png_optimize``, and its source."""

    png_optimize: bool
    source: str  # git describe of its checkout, or its folder when that is no checkout


def inspect_plugin() -> Plugin:
    """Ask a child process with the builds' environment which pictify the builds import.

    ``png_optimize`` decides the bytes builds: older plugins reject an unknown option.
    """
    check = (
        "import json, pictify_ssg; from pictify_ssg.core import Settings; print(json.dumps("
        "['png_optimize' in Settings.model_fields, pictify_ssg.__file__]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", check], env=child_env(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"cannot import the plugin's settings:\n{done.stderr[-2000:]}")
    has_option, module = json.loads(done.stdout)
    folder = Path(module).parent.parent
    git = subprocess.run(
        ["git", "-C", str(folder), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        check=False,
    )
    source = git.stdout.strip() if git.returncode == 0 else f"{folder} (not a git checkout)"
    return Plugin(bool(has_option), source)


def _build_once(config: Path) -> None:
    sample, code = run_build(config)
    if code != 0:
        sys.exit(f"{config.name}: mkdocs build failed ({code}):\n{sample.log[-3000:]}")


def measure_designs(site: Site, optimize: bool) -> tuple[list[Design], list[CacheSize]]:
    """Build each card design with ``png_optimize: off`` and the default; compare the cards.

    Untimed, cold, mkdocs theme. Without the option (an older plugin) each design is built
    once, as the plugin writes it today, and its PSNR is not available.
    """
    designs, caches = [], []
    for name, template in DESIGNS:
        stem = f"bytes-{Path(template).stem}"

        def config(
            suffix: str, option: str | None, stem: str = stem, template: str = template
        ) -> Path:
            return write_config(
                site, stem + suffix, theme="mkdocs", plugin="pictify", template=template,
                png_optimize=option,
            )  # fmt: skip

        reference_config = config("-off", "off" if optimize else None)
        print(f"  {name}: lossless reference build ({site.pages} cards)...", flush=True)
        _build_once(reference_config)
        reference = site_cards(f"{name}, lossless", site_dir(reference_config), SITE_URL)
        default: CardBytes | None = None
        measured = reference_config
        if optimize:
            default_config = config("", None)
            print(f"  {name}: default build, then PSNR of every card...", flush=True)
            _build_once(default_config)
            default = compare(name, site_dir(reference_config), site_dir(default_config), SITE_URL)
            measured = default_config
        designs.append(Design(name, reference, default))
        caches.append(cache_size(f"{name} ({'default' if optimize else 'as rendered'})", measured))
    return designs, caches


def cache_size(label: str, config: Path) -> CacheSize:
    """The config's pictify cache on disk against the card files of its built site."""
    cards = site_dir(config) / "assets" / "social"
    card_bytes = sum(path.stat().st_size for path in cards.rglob("*") if path.is_file())
    return CacheSize(label, disk_usage(pictify_cache(config)), card_bytes)


def warm_up(rows: Sequence[Scenario]) -> None:
    """Build every config once, untimed: byte code, page cache, Chromium; fills warm caches."""
    seen: set[Path] = set()
    for row in rows:
        if row.config not in seen:
            seen.add(row.config)
            print(f"  {row.label} (config {row.config.name})", flush=True)
            run_untimed(row)


def _meta(
    args: argparse.Namespace, competitor: Competitor, plugin: Plugin, started: float
) -> dict[str, Any]:
    def version(name: str) -> str:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    return {
        "started": datetime.datetime.fromtimestamp(started, datetime.timezone.utc).isoformat(),
        "duration_s": round(time.time() - started, 1),
        "command": shlex.join(["bench/site_builds.py", *args.argv]),
        "label": args.label,
        "pictify_source": plugin.source,
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_end": [round(x, 2) for x in os.getloadavg()],
            "platform": platform.platform(),
            "python": sys.version.split()[0],
        },
        "versions": {n: version(n) for n in ("pictify-ssg", "mkdocs", "mkdocs-material")},
        "competitor_versions": competitor.versions,
    }


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Options; a preset fills what is not given explicitly."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="200 pages, 2 rounds (default)")
    mode.add_argument("--full", action="store_true", help="1000 pages, 5 rounds, 10 000-page row")
    parser.add_argument("--pages", type=int, help="pages in the main site")
    parser.add_argument("--repeat", type=int, help="rounds (builds per row)")
    parser.add_argument("--scale", help="other site sizes, comma-separated, e.g. 100,10000")
    parser.add_argument("--explain", action="store_true", help="profile a warm build too")
    parser.add_argument("--keep", action="store_true", help="keep the generated sites")
    parser.add_argument(
        "--publish", action="store_true", help="write bench/performance.json, docs/performance.svg"
    )
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "latest.json")
    parser.add_argument("--label", default="", help="a note for the results and the chart")
    args = parser.parse_args(argv)
    args.argv = list(argv if argv is not None else sys.argv[1:])
    preset = PRESETS["full" if args.full else "quick"]
    for name, value in preset.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    args.scale_pages = sorted({int(n) for n in str(args.scale).split(",") if n.strip()})
    if args.pages < 2 or args.repeat < 1 or any(n < 2 for n in args.scale_pages):
        parser.error("--pages and --scale sizes must be at least 2, --repeat at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Set up, build every row ``--repeat`` times, print table and verdict, save results."""
    args = parse_args(argv)
    started = time.time()
    try:
        competitor = prepare_competitor()
    except CompetitorError as error:
        sys.exit(f"the competitor (mkdocs-material social) cannot run: {error}")
    plugin = inspect_plugin()
    optimize = plugin.png_optimize
    print(
        f"competitor: mkdocs-material {competitor.versions['mkdocs-material']} in "
        f"{competitor.python.parent.parent} (Roboto seeded offline)\n"
        f"pictify: {plugin.source}; png_optimize option: "
        f"{'available' if optimize else 'NOT YET AVAILABLE in the plugin'}"
    )
    root = Path(tempfile.mkdtemp(prefix="pictify-site-bench-"))
    try:
        site = generate_site(root / f"site-{args.pages}", args.pages)
        rows = main_rows(site) + competitor_rows(site, competitor)
        for pages in args.scale_pages:
            rows += scale_rows(generate_site(root / f"scale-{pages}", pages, short_nav=True))
        print(f"sites in {root} (python {sys.version.split()[0]}, {os.cpu_count()} cores)")
        print("warm-up: every config once, not measured", flush=True)
        warm_up(rows)
        print("card bytes (untimed builds)", flush=True)
        designs, caches = measure_designs(site, optimize)
        for round_number in range(args.repeat):
            print(f"round {round_number + 1}/{args.repeat}", flush=True)
            for row in round_order(rows, round_number):
                run_scenario(row, round_number)
        by_key = {row.key: row for row in rows}
        card_kb = {
            key: site_cards(by_key[key].label, site_dir(by_key[key].config), SITE_URL)
            for key in ("cold", "m-cold", "s-cold")
        }
        caches.insert(0, cache_size("timed builds (material)", by_key["m-cold"].config))
        run = Run(args.pages, args.repeat, rows, designs, caches, card_kb, optimize)
        targets = verdict(run)
        print_table(run)
        print_verdict(run, targets)
        print("\nMarkdown:\n\n" + markdown(run))
        data = results(run, targets, _meta(args, competitor, plugin, started))
        save(data, args.out, publish=args.publish)
        print(f"\nfinished in {data['duration_s'] / 60:.1f} min")
        if args.explain or any(t.key == "warm" and t.status == "MISS" for t in targets):
            explain(rows)
    finally:
        if args.keep:
            print(f"sites kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 0


def save(data: dict[str, Any], out: Path, *, publish: bool) -> None:
    """Write the JSON and the chart (and, to publish, the copies the README shows)."""
    chart = render(data)
    write(data, out)
    out.with_suffix(".svg").write_text(chart, encoding="utf-8")
    print(f"\nresults: {out}, chart: {out.with_suffix('.svg')}")
    if publish:
        write(data, BENCH / "performance.json")
        (REPO / "docs").mkdir(exist_ok=True)
        (REPO / "docs" / "performance.svg").write_text(chart, encoding="utf-8")
        print("published: bench/performance.json, docs/performance.svg")


if __name__ == "__main__":
    sys.exit(main())
