"""A small SVG chart of a ``bench/site_builds.py`` run, written by hand (no plotting library).

Run: ``.venv/bin/python bench/_site_chart.py RESULTS.json OUT.svg`` to redraw a chart from
saved results; ``site_builds.py`` calls :func:`render` itself after every run.

One panel per target family, a horizontal bar per measured row, the target as a dashed line.
Bars are green when they meet their target, orange when they miss it, grey for the competitor
(mkdocs-material's social plugin) and for reference rows that have no target.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

if not __package__:  # run as `python bench/_site_chart.py`: make the `bench.*` helpers importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._site_report import (
    BYTES_KB_TARGET,
    CHANGE_TARGET,
    COLD_MS_TARGET,
    PEAK_TREE_MB_TARGET,
    WARM_TARGET,
)

WIDTH, LABEL_W, BAR_W, ROW_H, TITLE_H, GAP = 820, 290, 400, 22, 30, 14
WARM_PCT, CHANGE_PCT = (WARM_TARGET - 1) * 100, (CHANGE_TARGET - 1) * 100
GREEN, ORANGE, GREY, LIGHT, RED = "#16a34a", "#ea580c", "#64748b", "#cbd5e1", "#b91c1c"


@dataclass(frozen=True)
class Bar:
    """One bar: its label, value (None: not measured), target and colour rule."""

    label: str
    value: float | None
    target: float | None = None
    competitor: bool = False
    text: str | None = None  # the printed value (default: the number)


@dataclass(frozen=True)
class Panel:
    """A titled group of bars sharing one scale."""

    title: str
    unit: str
    bars: list[Bar]


def _colour(bar: Bar) -> str:
    if bar.competitor:
        return GREY
    if bar.target is None or bar.value is None:
        return LIGHT
    return GREEN if bar.value <= bar.target else ORANGE


def _panel(panel: Panel, top: int) -> tuple[list[str], int]:
    """SVG elements of one panel starting at ``top``; returns them and the next free y."""
    values = [b.value for b in panel.bars if b.value is not None]
    targets = [b.target for b in panel.bars if b.target is not None]
    scale_max = max([*values, *targets, 1e-9]) * 1.08
    out = [
        f'<text x="10" y="{top + 19}" font-size="14" font-weight="600">{escape(panel.title)}</text>'
    ]
    y = top + TITLE_H
    for bar in panel.bars:
        out.append(
            f'<text x="{LABEL_W - 8}" y="{y + 15}" text-anchor="end">{escape(bar.label)}</text>'
        )
        value = max(bar.value or 0.0, 0.0)
        width = BAR_W * value / scale_max
        out.append(
            f'<rect x="{LABEL_W}" y="{y + 3}" width="{width:.1f}" height="{ROW_H - 6}" '
            f'fill="{_colour(bar)}" rx="2"/>'
        )
        text = bar.text or ("n/a" if bar.value is None else f"{bar.value:.1f} {panel.unit}")
        target_x = BAR_W * bar.target / scale_max if bar.target is not None else 0.0
        text_x = LABEL_W + max(width, target_x) + 6  # right of the bar and of its target line
        out.append(f'<text x="{text_x:.1f}" y="{y + 15}">{escape(text)}</text>')
        if bar.target is not None:
            x = LABEL_W + target_x
            out.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y + 1}" y2="{y + ROW_H - 1}" '
                f'stroke="{RED}" stroke-width="2" stroke-dasharray="3,2"/>'
            )
        y += ROW_H
    return out, y + GAP


def _rows(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["key"]: row for row in data["rows"]}


def _extra_percent(row: dict[str, Any] | None) -> float | None:
    return None if row is None else (row["x_base"] - 1) * 100


def panels(data: dict[str, Any]) -> list[Panel]:
    """The panels of a run's results (``bench/_site_results.py`` data)."""
    rows = _rows(data)
    warm_rows = sorted(
        (r for r in data["rows"] if r["kind"] == "warm" and r.get("scale")),
        key=lambda r: r["pages"],
    )
    kb = []
    for design in data["designs"]:
        if design["default"] is not None:
            kb.append(
                Bar(f"pictify, {design['name']}", design["default"]["kb_median"], BYTES_KB_TARGET)
            )
        kb.append(
            Bar(
                f"{design['name']}, lossless render",
                design["reference"]["kb_median"],
                None if design["default"] is not None else BYTES_KB_TARGET,
            )
        )
    social = rows["s-cold"].get("card_bytes")
    kb.append(Bar("mkdocs-material social", social and social["kb_median"], competitor=True))
    return [
        Panel(
            f"Added build time over the plain build, % ({data['pages']} pages; lower is better)",
            "%",
            [
                Bar("pictify warm, mkdocs theme", _extra_percent(rows["warm"]), WARM_PCT),
                Bar("pictify warm, material theme", _extra_percent(rows["m-warm"]), WARM_PCT),
                Bar("pictify, one page changed", _extra_percent(rows["change"]), CHANGE_PCT),
                Bar(
                    "mkdocs-material social, warm", _extra_percent(rows["s-warm"]), competitor=True
                ),
            ],
        ),
        Panel(
            "Cold build: added ms per card",
            "ms",
            [
                Bar("pictify, mkdocs theme", rows["cold"]["extra_ms_per_page"], COLD_MS_TARGET),
                Bar("pictify, material theme", rows["m-cold"]["extra_ms_per_page"], COLD_MS_TARGET),
                Bar("mkdocs-material social", rows["s-cold"]["extra_ms_per_page"], competitor=True),
            ],
        ),
        Panel("KB per card (median)", "KB", kb),
        Panel(
            "Warm build: added ms per page, by site size (scale sites: short nav)",
            "ms",
            [
                Bar(f"{r['pages']:,} pages".replace(",", " "), r["extra_ms_per_page"])
                for r in warm_rows
            ],
        ),
        Panel(
            "Cold build: peak memory of the process tree",
            "MB",
            [
                Bar("pictify, mkdocs theme", rows["cold"]["peak_tree_mb"], PEAK_TREE_MB_TARGET),
                Bar("pictify, material theme", rows["m-cold"]["peak_tree_mb"], PEAK_TREE_MB_TARGET),
                Bar("mkdocs-material social", rows["s-cold"]["peak_tree_mb"], competitor=True),
            ],
        ),
    ]


def render(data: dict[str, Any]) -> str:
    """The whole SVG document."""
    started = str(data.get("started", ""))[:10]
    machine = data.get("machine", {})
    label = f"{data['label']}: " if data.get("label") else ""
    heading = (
        f"{label}bench/site_builds.py, {data['pages']} pages, {data['rounds']} round(s), "
        f"{started}, {machine.get('cpus', '?')} cores"
    )
    legend = "dashed line: target; green: met; orange: missed; grey: competitor or reference"
    body = [
        f'<text x="10" y="20" fill="{GREY}">{escape(heading)}</text>',
        f'<text x="10" y="37" fill="{GREY}">{escape(legend)}</text>',
    ]
    y = 48
    for panel in panels(data):
        elements, y = _panel(panel, y)
        body += elements
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{y}" '
        f'viewBox="0 0 {WIDTH} {y}" font-family="DejaVu Sans, Verdana, sans-serif" '
        'font-size="12" fill="#0f172a">\n'
        f'<rect width="{WIDTH}" height="{y}" fill="#ffffff"/>\n' + "\n".join(body) + "\n</svg>\n"
    )


def main(argv: list[str]) -> int:
    """Redraw a chart from saved results."""
    if len(argv) != 2:
        print(__doc__)
        return 2
    data = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    Path(argv[1]).write_text(render(data), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
