"""The table and the verdict of ``bench/site_builds.py``.

One table holds every row of the run: the timed builds (ratios to the plain build of the same
site and environment, paired round by round) and the card-bytes measurements (KB per card and
PSNR against the lossless render). The verdict checks the targets of issue 9, which are fixed
here and not tuned to what was measured.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bench._site_bytes import CardBytes
from bench._site_scenarios import Scenario

# -- targets (issue 9) ----------------------------------------------------------------------
BYTES_KB_TARGET = 40.0  # median KB per card, gradient design and example card ...
PSNR_TARGET_DB = 38.0  # ... with every card at least this close to the lossless render
WARM_TARGET = 1.02  # warm build / plain build, 1000 pages, mkdocs and material themes
CHANGE_TARGET = 1.10  # one changed page / plain build
COLD_MS_TARGET = 30.0  # cold build, added ms per card at 1000 cards
PEAK_TREE_MB_TARGET = 500.0  # peak memory of the whole process tree (cold build)
CACHE_RATIO_TARGET = 1.2  # cache folder on disk / bytes of the cards it holds
TARGET_PAGES = 1000  # the size the time targets are set at
SCALE_PAGES = 10_000  # the scale target's largest site


@dataclass(frozen=True)
class Design:
    """A card design's bytes: the lossless reference and the plugin's default output."""

    name: str
    reference: CardBytes  # png_optimize: off (or, without the option, the only output)
    default: CardBytes | None  # None while the plugin has no png_optimize option


@dataclass(frozen=True)
class CacheSize:
    """A pictify cache folder after a build, against the card files of that build's site."""

    label: str
    cache_bytes: int  # du of the cache folder
    card_bytes: int  # sum of the card files in the built site's card folder

    @property
    def ratio(self) -> float:
        """Cache size over card bytes."""
        return self.cache_bytes / self.card_bytes


@dataclass
class Run:
    """Everything measured in one run."""

    pages: int
    repeat: int
    rows: list[Scenario]
    designs: list[Design]
    caches: list[CacheSize]
    card_kb: dict[str, CardBytes]  # row key (cold rows) -> the cards of its built site
    png_optimize: bool
    by_key: dict[str, Scenario] = field(init=False)

    def __post_init__(self) -> None:
        self.by_key = {row.key: row for row in self.rows}

    def base(self, row: Scenario) -> Scenario:
        """The baseline row ``row`` is compared with."""
        return self.by_key[row.group]

    def ratio(self, key: str, attr: str = "wall_s") -> float:
        """Paired median ratio of a row to its baseline."""
        row = self.by_key[key]
        return row.paired(self.base(row), attr)

    def best_ratio(self, key: str) -> float:
        """Fastest build of a row over the fastest of its baseline."""
        row = self.by_key[key]
        return row.best_ratio(self.base(row))

    def extra_ms(self, key: str) -> float:
        """Added ms per page (per card for cold rows) over the baseline."""
        row = self.by_key[key]
        return row.extra_ms_per_page(self.base(row))


@dataclass(frozen=True)
class Target:
    """One line of the verdict."""

    key: str
    text: str
    status: str  # PASS, MISS, or n/a when this run did not measure it
    measured: str


# -- the table ------------------------------------------------------------------------------

HEADERS = (
    "row",
    "pages",
    "wall s",
    "x base",
    "CPU x base",
    "spread",
    "+ms/page",
    "peak tree MB",
    "KB/card",
    "PSNR dB",
    "cards",
)


def _db(value: float | None) -> str:
    if value is None:
        return "n/a"
    return "lossless" if math.isinf(value) else f"{value:.1f}"


def _ratio(value: float) -> str:
    # Three decimals where the targets are (1.02x, 1.10x); two are plenty for cold builds.
    return f"{value:.3f}x" if value < 2 else f"{value:.2f}x"


def _time_cells(run: Run, row: Scenario) -> list[str]:
    is_base = row.group == row.key
    kb = run.card_kb.get(row.key)
    return [
        row.label,
        str(row.pages),
        f"{row.median('wall_s'):.2f}",
        "-" if is_base else _ratio(run.ratio(row.key)),
        "-" if is_base else _ratio(run.ratio(row.key, "cpu_s")),
        f"{row.spread():.2f}",
        "-" if is_base else f"{run.extra_ms(row.key):+.2f}",
        f"{row.peak('tree_anon_mb'):.0f}",
        f"{kb.kb_median:.1f}" if kb else "",
        "",
        row.rendered,
    ]


def _bytes_cells(label: str, cards: CardBytes, *, psnr: bool) -> list[str]:
    quality = ""
    if psnr:
        quality = f"{_db(cards.psnr_min)} min, {_db(cards.psnr_median)} median"
        quality = quality if cards.psnrs else "n/a"
    return [
        label,
        str(cards.cards),
        *[""] * 6,
        f"{cards.kb_median:.1f} (max {cards.kb_max:.1f})",
        quality,
        "",
    ]


def table(run: Run) -> list[list[str]]:
    """Formatted cells: timed rows first, then the card-bytes rows."""
    cells = [_time_cells(run, row) for row in run.rows]
    for design in run.designs:
        if design.default is None:
            cells.append(
                _bytes_cells(
                    f"bytes: {design.name} (no png_optimize option yet)",
                    design.reference,
                    psnr=True,
                )
            )
            continue
        cells.append(
            _bytes_cells(f"bytes: {design.name}, png_optimize: off", design.reference, psnr=False)
        )
        cells.append(
            _bytes_cells(f"bytes: {design.name}, png_optimize default", design.default, psnr=True)
        )
    return cells


def print_table(run: Run) -> None:
    """The aligned table."""
    cells = table(run)
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(HEADERS)]
    print(
        f"\nmkdocs build, {run.pages} pages (scale rows: as marked), {run.repeat} rounds: median "
        "wall time; x base = median over rounds of build / plain build in the same round\n"
    )
    print("  ".join(h.ljust(w) for h, w in zip(HEADERS, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in cells:
        padded = [
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        print("  ".join(padded))


def markdown(run: Run) -> str:
    """The same table as Markdown (for the README)."""
    lines = ["| " + " | ".join(HEADERS) + " |"]
    lines.append("|" + "|".join(["---"] + ["---:"] * (len(HEADERS) - 1)) + "|")
    lines.extend("| " + " | ".join(row) + " |" for row in table(run))
    return "\n".join(lines)


# -- the verdict ----------------------------------------------------------------------------


def _mark(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def _bytes_target(design: Design) -> Target:
    text = (
        f"bytes, {design.name}: median ≤ {BYTES_KB_TARGET:.0f} KB per card at "
        f"≥ {PSNR_TARGET_DB:.0f} dB PSNR against the lossless render"
    )
    cards = design.default
    if cards is None:
        kb = design.reference.kb_median
        return Target(
            f"bytes-{design.name}",
            text,
            "MISS",
            f"median {kb:.1f} KB as rendered (the plugin has no png_optimize option yet, so "
            "there is no optimised output to measure)",
        )
    psnr = cards.psnr_min if cards.psnr_min is not None else 0.0
    ok = cards.kb_median <= BYTES_KB_TARGET and psnr >= PSNR_TARGET_DB
    return Target(
        f"bytes-{design.name}",
        text,
        _mark(ok),
        f"median {cards.kb_median:.1f} KB (max {cards.kb_max:.1f}, lossless "
        f"{design.reference.kb_median:.1f}), PSNR min {_db(cards.psnr_min)} dB, median "
        f"{_db(cards.psnr_median)} dB, {cards.cards} cards",
    )


def _at(run: Run) -> str:
    if run.pages == TARGET_PAGES:
        return ""
    return f" [target set at {TARGET_PAGES} pages; this run: {run.pages}]"


def _n(number: int) -> str:
    return f"{number:,}".replace(",", " ")  # 10 000, as the issue writes it


def _scale_target(run: Run) -> Target:
    """Per-page cost does not grow with size; a row within its own target counts as flat.

    "Flat" has no number in the issue. A fixed start-up cost spread over more pages makes the
    per-page cost fall with size, which is fine; what must not happen is a cost per page that
    grows (work that is quadratic in the pages, or per-page work that gets slower).
    """

    def series(kind: str) -> list[Scenario]:
        rows = [r for r in run.rows if r.kind == kind and r.scale]
        return sorted(rows, key=lambda row: row.pages)

    def grows(rows: Sequence[Scenario], within: Callable[[Scenario], bool]) -> bool:
        pairs = itertools.pairwise(rows)
        return any(
            run.extra_ms(large.key) > run.extra_ms(small.key) and not within(large)
            for small, large in pairs
        )

    warm, cold = series("warm"), series("cold")
    ok = not grows(warm, lambda r: run.ratio(r.key) <= WARM_TARGET) and not grows(
        cold, lambda r: run.extra_ms(r.key) <= COLD_MS_TARGET
    )
    measured = (
        "warm +ms/page "
        + ", ".join(f"{run.extra_ms(r.key):+.2f} @ {_n(r.pages)}" for r in warm)
        + "; cold ms/card "
        + ", ".join(f"{run.extra_ms(r.key):.1f} @ {_n(r.pages)}" for r in cold)
    )
    largest = warm[-1].pages if warm else 0
    if largest < SCALE_PAGES:
        measured += f" (no {_n(SCALE_PAGES)}-page row in this run: use --full)"
    return Target(
        "scale",
        f"scale: per-page cost flat from 100 to {_n(SCALE_PAGES)} pages (does not grow with "
        "size; a row within its own target counts as flat)",
        _mark(ok) if largest >= SCALE_PAGES else "n/a",
        measured,
    )


def _full_path(run: Run) -> str:
    """The warm rows that could not replay the last build (no snapshot), for reference."""
    if "warm-full" not in run.by_key or "m-warm-full" not in run.by_key:
        return ""
    return (
        f"; without the last build's snapshot (full path): {run.ratio('warm-full'):.3f}x "
        f"(mkdocs), {run.ratio('m-warm-full'):.3f}x (material)"
    )


def verdict(run: Run) -> list[Target]:
    """Every target, measured."""
    targets = [_bytes_target(design) for design in run.designs]
    warm, m_warm = run.ratio("warm"), run.ratio("m-warm")
    targets.append(
        Target(
            "warm",
            f"warm build ≤ {WARM_TARGET}x the plain build (mkdocs and material themes)",
            _mark(warm <= WARM_TARGET and m_warm <= WARM_TARGET),
            f"{warm:.3f}x (mkdocs), {m_warm:.3f}x (material); CPU {run.ratio('warm', 'cpu_s'):.3f}x"
            f", {run.ratio('m-warm', 'cpu_s'):.3f}x; fastest over fastest "
            f"{run.best_ratio('warm'):.3f}x, {run.best_ratio('m-warm'):.3f}x{_at(run)}"
            + _full_path(run),
        )
    )
    change = run.ratio("change")
    targets.append(
        Target(
            "change",
            f"one changed page ≤ {CHANGE_TARGET}x the plain build",
            _mark(change <= CHANGE_TARGET),
            f"{change:.3f}x; CPU {run.ratio('change', 'cpu_s'):.3f}x; fastest over fastest "
            f"{run.best_ratio('change'):.3f}x{_at(run)}",
        )
    )
    cold, m_cold = run.extra_ms("cold"), run.extra_ms("m-cold")
    targets.append(
        Target(
            "cold",
            f"cold build ≤ {COLD_MS_TARGET:.0f} ms per card (added to the plain build)",
            _mark(max(cold, m_cold) <= COLD_MS_TARGET),
            f"{cold:.1f} ms (mkdocs), {m_cold:.1f} ms (material){_at(run)}",
        )
    )
    peaks = {key: run.by_key[key].peak("tree_anon_mb") for key in ("cold", "m-cold")}
    targets.append(
        Target(
            "memory",
            f"process-tree peak ≤ {PEAK_TREE_MB_TARGET:.0f} MB (cold build, anonymous RSS of "
            "the build and every process it starts)",
            _mark(max(peaks.values()) <= PEAK_TREE_MB_TARGET),
            f"{peaks['cold']:.0f} MB (mkdocs), {peaks['m-cold']:.0f} MB (material), worst round",
        )
    )
    targets.append(_scale_target(run))
    worst = max(run.caches, key=lambda cache: cache.ratio)
    targets.append(
        Target(
            "cache",
            f"cache folder ≤ {CACHE_RATIO_TARGET}x the card bytes it holds",
            _mark(worst.ratio <= CACHE_RATIO_TARGET),
            "; ".join(
                f"{c.label}: {c.ratio:.2f}x ({c.cache_bytes / 1e6:.1f} MB on disk for "
                f"{c.card_bytes / 1e6:.1f} MB of cards)"
                for c in run.caches
            ),
        )
    )
    return targets


def competitor_line(run: Run) -> str:
    """mkdocs-material's social plugin next to pictify on the same site and theme."""
    social = run.card_kb["s-cold"]
    ours = run.card_kb.get("m-cold")
    return (
        f"mkdocs-material social (own venv): cold {run.ratio('s-cold'):.2f}x its plain build "
        f"({run.extra_ms('s-cold'):.1f} ms/card), warm {run.ratio('s-warm'):.3f}x, "
        f"{social.kb_median:.1f} KB/card median; pictify on the same theme: cold "
        f"{run.ratio('m-cold'):.2f}x ({run.extra_ms('m-cold'):.1f} ms/card), warm "
        f"{run.ratio('m-warm'):.3f}x" + (f", {ours.kb_median:.1f} KB/card" if ours else "")
    )


def print_verdict(run: Run, targets: Sequence[Target]) -> None:
    """One line per target, then the competitor."""
    print("\nVerdict (targets of issue 9)")
    for target in targets:
        print(f"  {target.status:<4}  {target.text}\n        {target.measured}")
    print(f"  INFO  {competitor_line(run)}")
