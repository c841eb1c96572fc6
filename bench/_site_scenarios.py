"""The timed rows of ``bench/site_builds.py``: what each build is, and its statistics.

Every row is one ``mkdocs build`` configuration, built once per round; rounds run every row in
turn, so the noise of a shared machine lands on all rows alike. A row is compared with the
baseline of its group (the plain build of the same site, theme and environment) *in the same
round*: ``x base`` is the median over rounds of those paired ratios, as the issue measured.

Within a round (:func:`round_order`) each group's warm build and its plain build run back to
back, the plain one first in even rounds and second in odd ones, as the issue's alternating
pairs did: a warm target of 2 % is smaller than the drift of a shared machine over the minute
a cold build takes, so the two builds compared must not have one between them.
"""

from __future__ import annotations

import shutil
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench._site_gen import Site, pictify_cache, set_title, site_dir, write_config
from bench._site_run import SUMMARY, Sample, run_build
from bench._site_social import Competitor, clear_social_cache, seed_fonts, social_cards

#: Sizes up to this get a cold row in the scale series (a 10 000-card cold row per round
#: would take longer than the rest of the run; the 10 000-page site is filled once instead).
COLD_SCALE_LIMIT = 1000


def _nothing(_round: int) -> None:
    pass


@dataclass
class Scenario:
    """One row of the table: how to prepare the build, which config, what it must render."""

    key: str
    label: str
    config: Path
    group: str  # key of the baseline row this one is compared with
    pages: int
    kind: str  # base, cold, warm, change
    python: Path | None = None  # interpreter of the build (None: this one)
    prepare: Callable[[int], None] = _nothing
    expect_rendered: int | None = None  # checked after every timed build of this row
    count_social: bool = False  # cards rendered = material cache files written
    scale: bool = False  # one of the scale series (sites with a short nav, see _site_gen)
    samples: list[Sample] = field(default_factory=list)

    def median(self, attr: str) -> float:
        """Median of one numeric ``Sample`` attribute over the rounds."""
        return statistics.median(float(getattr(s, attr)) for s in self.samples)

    def peak(self, attr: str) -> float:
        """Largest value of one numeric ``Sample`` attribute over the rounds."""
        return max(float(getattr(s, attr)) for s in self.samples)

    def spread(self) -> float:
        """Slowest over fastest wall time of the rounds: how noisy the machine was."""
        walls = [s.wall_s for s in self.samples]
        return max(walls) / min(walls)

    def paired(self, base: Scenario, attr: str = "wall_s") -> float:
        """Median over rounds of this row's value over its baseline's in the same round."""
        pairs = zip(self.samples, base.samples, strict=True)
        return statistics.median(
            float(getattr(s, attr)) / float(getattr(b, attr)) for s, b in pairs
        )

    def best_ratio(self, base: Scenario) -> float:
        """Fastest build of this row over the fastest of its baseline (other work on the
        machine only ever adds time, so the fastest runs are the least disturbed)."""
        return min(s.wall_s for s in self.samples) / min(s.wall_s for s in base.samples)

    def extra_ms_per_page(self, base: Scenario) -> float:
        """Median over rounds of (this build - its baseline) per page, in ms."""
        pairs = zip(self.samples, base.samples, strict=True)
        return statistics.median((s.wall_s - b.wall_s) / self.pages * 1000 for s, b in pairs)

    @property
    def rendered(self) -> str:
        """Cards rendered per build (all rounds agree for a correct plugin)."""
        values = sorted({s.rendered for s in self.samples if s.rendered is not None})
        return "/".join(str(v) for v in values) if values else "-"


def _remove(*paths: Path) -> None:
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)


def _cold(config: Path) -> Callable[[int], None]:
    return lambda _round: _remove(site_dir(config), pictify_cache(config))


def pictify_rows(site: Site, theme: str, prefix: str, suffix: str = "") -> list[Scenario]:
    """Baseline, cold and warm builds of one site with one theme (pictify, example card)."""
    n, group = site.pages, f"{prefix}base{suffix}"
    base = write_config(site, f"{prefix}base", theme=theme, plugin="none")
    card = write_config(site, f"{prefix}pictify", theme=theme, plugin="pictify")
    return [
        Scenario(group, f"baseline ({theme} theme)", base, group, n, "base"),
        Scenario(f"{prefix}cold{suffix}", f"pictify cold ({theme})", card, group, n, "cold",
                 prepare=_cold(card), expect_rendered=n),
        Scenario(f"{prefix}warm{suffix}", f"pictify warm ({theme})", card, group, n, "warm",
                 expect_rendered=0),
    ]  # fmt: skip


def _no_snapshot(config: Path) -> Callable[[int], None]:
    return lambda _round: _remove(pictify_cache(config) / "snapshots")


def full_warm_row(rows: list[Scenario], theme: str, prefix: str) -> Scenario:
    """A warm build that cannot replay the last one (its snapshot removed first): what a build
    costs whose pages changed in ways no card shows, or the first build of a day."""
    warm = rows[2]
    return Scenario(
        f"{prefix}warm-full", f"pictify warm, full path ({theme})", warm.config, warm.group,
        warm.pages, "warm", prepare=_no_snapshot(warm.config), expect_rendered=0,
    )  # fmt: skip


def main_rows(site: Site) -> list[Scenario]:
    """Both themes at the main size, plus the one-changed-page build (mkdocs theme)."""
    rows = pictify_rows(site, "mkdocs", "")
    change = Scenario(
        "change", "pictify 1 page changed (mkdocs)", rows[1].config, "base", site.pages,
        "change", expect_rendered=1,
    )  # fmt: skip

    def retitle(round_number: int) -> None:
        set_title(site, f"{site.changed_title} (revision {round_number + 1})")

    change.prepare = retitle
    material = pictify_rows(site, "material", "m-")
    return [
        *rows, full_warm_row(rows, "mkdocs", ""), change,
        *material, full_warm_row(material, "material", "m-"),
    ]  # fmt: skip


def competitor_rows(site: Site, competitor: Competitor) -> list[Scenario]:
    """mkdocs-material's social plugin cold and warm, against a plain build in its own venv."""
    n, python = site.pages, competitor.python
    base = write_config(site, "s-base", theme="material", plugin="none")
    social = write_config(site, "s-social", theme="material", plugin="social")
    seed_fonts(site.root, competitor.fonts)

    def cold(_round: int) -> None:
        _remove(site_dir(social))
        clear_social_cache(site.root)

    return [
        Scenario("s-base", "baseline (material, competitor venv)", base, "s-base", n, "base",
                 python=python),
        Scenario("s-cold", "material social cold", social, "s-base", n, "cold", python=python,
                 prepare=cold, expect_rendered=n, count_social=True),
        Scenario("s-warm", "material social warm", social, "s-base", n, "warm", python=python,
                 expect_rendered=0, count_social=True),
    ]  # fmt: skip


def scale_rows(site: Site) -> list[Scenario]:
    """Baseline and warm (and up to :data:`COLD_SCALE_LIMIT` pages, cold) of a scale site."""
    rows = pictify_rows(site, "mkdocs", "", suffix=f"@{site.pages}")
    for row in rows:
        row.label = f"{row.label}, scale site {site.pages}"
        row.scale = True
    if site.pages > COLD_SCALE_LIMIT:
        rows = [rows[0], rows[2]]  # the warm row finds the cache the warm-up build filled
    return rows


def round_order(rows: list[Scenario], round_number: int) -> list[Scenario]:
    """The rows of one round, group by group: cold builds first (they empty the cache the
    others then find full), then other warm builds, then the plain and the warm build back to
    back (the plain one first in even rounds), then the one-changed-page builds."""
    ordered: list[Scenario] = []
    for group in dict.fromkeys(row.group for row in rows):
        members = [row for row in rows if row.group == group]
        base = [row for row in members if row.kind == "base"]
        warm = [row for row in members if row.kind == "warm"][:1]  # the replayed warm row
        pair = base + warm if round_number % 2 == 0 else warm + base
        cold = [row for row in members if row.kind == "cold"]
        changes = [row for row in members if row.kind == "change"]
        others = [row for row in members if row not in (*cold, *pair, *changes)]
        ordered += [*cold, *others, *pair, *changes]
    return ordered


def run_untimed(row: Scenario) -> None:
    """One build to warm caches (byte code, page cache, Chromium; for warm rows, the cards)."""
    row.prepare(0)
    sample, code = run_build(row.config, python=row.python)
    if code != 0:
        sys.exit(f"warm-up build {row.label} failed ({code}):\n{sample.log[-3000:]}")


def run_scenario(row: Scenario, round_number: int) -> None:
    """Prepare, build once, check the cards rendered; exits with the log on a failed build."""
    row.prepare(round_number)
    before = social_cards(row.config.parent) if row.count_social else {}
    sample, code = run_build(row.config, python=row.python)
    if code != 0:
        sys.exit(f"{row.label}: mkdocs build failed ({code}):\n{sample.log[-3000:]}")
    if row.count_social:
        after = social_cards(row.config.parent)
        sample.rendered = sum(1 for path, mtime in after.items() if before.get(path) != mtime)
    if row.count_social and sample.rendered != row.expect_rendered:
        # The competitor's count is read off its cache files' times, which it sometimes
        # rewrites without drawing a card: noted, not a reason to throw the run away.
        print(f"  note: {row.label} rewrote {sample.rendered} card file(s)", flush=True)
    elif row.expect_rendered is not None and sample.rendered != row.expect_rendered:
        summary = SUMMARY.search(sample.log)
        sys.exit(
            f"{row.label}: expected {row.expect_rendered} cards rendered, got {sample.rendered} "
            f"({summary.group(0) if summary else 'no pictify summary line'})"
        )
    row.samples.append(sample)
    cards = sample.rendered if sample.rendered is not None else "-"
    print(
        f"  {row.label:<44} {sample.wall_s:7.2f} s  cpu {sample.cpu_s:7.2f} s  "
        f"tree {sample.tree_anon_mb:5.0f} MB  cards {cards}",
        flush=True,
    )
