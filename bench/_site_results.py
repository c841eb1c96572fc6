"""The machine-readable results of ``bench/site_builds.py`` (JSON).

Everything the table and the verdict show, plus every round's raw sample, so a later reader
(or ``bench/_site_chart.py``) can recompute any figure. Infinite PSNR (identical images) is
written as ``null`` with ``"identical": true``, as JSON has no infinity.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench._site_bytes import CardBytes
from bench._site_report import Run, Target, markdown
from bench._site_scenarios import Scenario


def _db(value: float | None) -> float | None:
    return None if value is None or math.isinf(value) else round(value, 2)


def _cards(cards: CardBytes | None) -> dict[str, Any] | None:
    if cards is None:
        return None
    data: dict[str, Any] = {
        "cards": cards.cards,
        "kb_median": round(cards.kb_median, 2),
        "kb_max": round(cards.kb_max, 2),
    }
    if cards.psnrs:
        data |= {
            "psnr_min_db": _db(cards.psnr_min),
            "psnr_median_db": _db(cards.psnr_median),
            "identical": all(math.isinf(value) for value in cards.psnrs),
        }
    return data


def _row(run: Run, row: Scenario) -> dict[str, Any]:
    data: dict[str, Any] = {
        "key": row.key,
        "label": row.label,
        "kind": row.kind,
        "pages": row.pages,
        "baseline": row.group,
        "scale": row.scale,
        "wall_s_median": round(row.median("wall_s"), 3),
        "spread": round(row.spread(), 3),
        "peak_tree_mb": round(row.peak("tree_anon_mb"), 1),
        "maxrss_mb_median": round(row.median("maxrss_mb"), 1),
        "samples": [
            {
                "wall_s": round(s.wall_s, 3),
                "cpu_s": round(s.cpu_s, 3),
                "maxrss_mb": round(s.maxrss_mb, 1),
                "tree_anon_mb": round(s.tree_anon_mb, 1),
                "rendered": s.rendered,
            }
            for s in row.samples
        ],
    }
    if row.group != row.key:
        data |= {
            "x_base": round(run.ratio(row.key), 4),
            "x_base_fastest": round(run.best_ratio(row.key), 4),
            "cpu_x_base": round(run.ratio(row.key, "cpu_s"), 4),
            "extra_ms_per_page": round(run.extra_ms(row.key), 3),
        }
    if row.key in run.card_kb:
        data["card_bytes"] = _cards(run.card_kb[row.key])
    return data


def results(run: Run, targets: list[Target], meta: dict[str, Any]) -> dict[str, Any]:
    """The whole run as JSON-ready data."""
    return {
        "schema": 1,
        **meta,
        "pages": run.pages,
        "rounds": run.repeat,
        "png_optimize_available": run.png_optimize,
        "rows": [_row(run, row) for row in run.rows],
        "designs": [
            {
                "name": d.name,
                "reference": _cards(d.reference),
                "default": _cards(d.default),
            }
            for d in run.designs
        ],
        "caches": [asdict(c) | {"ratio": round(c.ratio, 3)} for c in run.caches],
        "targets": [asdict(t) for t in targets],
        "markdown_table": markdown(run),
    }


def write(data: dict[str, Any], path: Path) -> None:
    """Write the results, creating the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
