"""Render benchmark: milliseconds per social card through the local server, strategy by strategy.

Run from the repository root::

    .venv/bin/python bench/render_bench.py             # 3 rounds of 60 cards per strategy
    .venv/bin/python bench/render_bench.py --cards 200 --rounds 5

Every strategy renders 1200x630 example cards (title, description, site name) through
``POST /templates/{uid}/render`` over loopback HTTP, so the numbers include the whole server
path: HTTP, template filling, Chromium, file write. Cards are sent with enough concurrency to
keep every page busy; ms/card is wall time divided by cards (throughput, not latency), best of
several rounds. Results are printed side by side as speed ratios to the first row (Playwright's
default PNG screenshot), then checked against the target of 30 ms per card for the server's default
configuration and the example sites' own card (``example_site/card.html``); a simple flat card
and a full-bleed gradient card (the heavy case) are measured too.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from pictify_ssg.local import LocalServer, ServerOptions

TARGET_MS = 30.0

CARD_HTML = """<!doctype html>
<html><head><meta charset="utf-8"><style>
  html, body { margin: 0; width: 1200px; height: 630px; }
  body {
    box-sizing: border-box; padding: 72px 80px; display: flex; flex-direction: column;
    justify-content: space-between; font-family: "Noto Sans", "DejaVu Sans", sans-serif;
    color: #f8fafc; background: BACKGROUND;
  }
  h1 { font-size: 68px; line-height: 1.1; margin: 0; font-weight: 800; }
  p { font-size: 32px; line-height: 1.4; margin: 24px 0 0; color: #cbd5e1; }
  footer { font-size: 28px; font-weight: 600; display: flex; align-items: center; gap: 16px; }
  .dot { width: 28px; height: 28px; border-radius: 50%; background: #38bdf8; }
</style></head>
<body>
  <div><h1>{{title}}</h1><p>{{description}}</p></div>
  <footer><span class="dot"></span>{{site}}</footer>
</body></html>"""

CARDS = {
    # A solid brand colour, like mkdocs-material's default social card: the typical case.
    "flat": CARD_HTML.replace("BACKGROUND", "#1e3a8a"),
    # A full-bleed three-stop gradient: Chromium dithers gradients, so every pixel differs and
    # the PNG is ~10x larger and much slower to encode. The heavy case.
    "gradient": CARD_HTML.replace(
        "BACKGROUND", "linear-gradient(135deg, #0f172a 0%, #1e3a8a 55%, #7c3aed 100%)"
    ),
    # The card the example sites ship (example_site/card.html): the one the target is about.
    "example": (Path(__file__).resolve().parent.parent / "example_site" / "card.html").read_text(
        encoding="utf-8"
    ),
}


@dataclass(frozen=True)
class Strategy:
    """One server configuration (and card) to measure."""

    label: str
    options: ServerOptions
    format: str = "png"
    card: str = "flat"


STRATEGIES = (
    Strategy(
        "PNG, Playwright page.screenshot, 1 page", ServerOptions(capture="default", browsers=1)
    ),
    Strategy("PNG, CDP optimizeForSpeed, 1 page", ServerOptions(browsers=1)),
    Strategy(
        "PNG, CDP optimizeForSpeed, 2 pages in 1 Chromium",
        ServerOptions(browsers=1, pages_per_browser=2),
    ),
    Strategy("PNG, CDP optimizeForSpeed, 2 Chromiums x 1 page (default)", ServerOptions()),
    Strategy("JPEG q90, CDP, 2 Chromiums x 1 page", ServerOptions(), format="jpeg"),
    Strategy(
        "gradient card: PNG, Playwright page.screenshot, 1 page",
        ServerOptions(capture="default", browsers=1),
        card="gradient",
    ),
    Strategy("gradient card: PNG, default configuration", ServerOptions(), card="gradient"),
    Strategy("gradient card: JPEG q90, default configuration", ServerOptions(), "jpeg", "gradient"),
    Strategy(
        "example_site/card.html: PNG, Playwright page.screenshot, 1 page",
        ServerOptions(capture="default", browsers=1),
        card="example",
    ),
    Strategy("example_site/card.html: PNG, default configuration", ServerOptions(), card="example"),
)
DEFAULT_LABEL = STRATEGIES[3].label
GRADIENT_LABEL = STRATEGIES[6].label
EXAMPLE_LABEL = STRATEGIES[9].label


def card_variables(index: int) -> dict[str, str]:
    """Variables for the ``index``-th example card (every card differs)."""
    return {
        "title": f"Getting started with social cards, part {index}",
        "description": "Install the plugin, pick a template and every page of the site gets "
        "its own Open Graph image, rendered once and cached.",
        "site": "docs.example.org",
        "site_name": "Pictify Example Docs",
        "section": "Guides",
        "url": f"https://example.org/docs/guides/part-{index}/",
    }


async def measure(strategy: Strategy, cards: int, rounds: int, data_dir: str) -> float:
    """Milliseconds per card for one strategy: the best of ``rounds`` runs after a warm-up.

    The best run, not the mean: on a shared machine other work only ever adds time.
    """
    options = strategy.options
    pages = options.browsers * options.pages_per_browser
    with LocalServer(data_dir=data_dir, options=options) as server:
        headers = {"Authorization": f"Bearer {server.api_key}"}
        async with httpx.AsyncClient(
            base_url=server.base_url, headers=headers, timeout=120
        ) as client:
            created = await client.post(
                "/templates",
                json={"name": "bench", "html": CARDS[strategy.card], "width": 1200, "height": 630},
            )
            uid = created.raise_for_status().json()["template"]["uid"]
            limit = asyncio.Semaphore(pages * 2)  # one waiting request per page hides HTTP time

            async def render(index: int) -> None:
                async with limit:
                    response = await client.post(
                        f"/templates/{uid}/render",
                        json={"variables": card_variables(index), "format": strategy.format},
                    )
                    response.raise_for_status()

            await asyncio.gather(*(render(-i - 1) for i in range(pages * 3)))  # warm up
            best = float("inf")
            for round_number in range(rounds):
                started = time.perf_counter()
                await asyncio.gather(*(render(round_number * cards + i) for i in range(cards)))
                best = min(best, time.perf_counter() - started)
    return best * 1000 / cards


def report(results: Sequence[tuple[Strategy, float]], cards: int) -> bool:
    """Print the table and the target verdict; ``True`` when the target is met."""
    baseline = results[0][1]
    width = max(len(strategy.label) for strategy, _ in results)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\n{cards} cards of 1200x630 per round, best round per strategy, ", end="")
    print(f"{os.cpu_count()} CPU core(s), load average {load}")
    print("(other work on the machine inflates every row; compare the ratios)\n")
    print(f"{'strategy':<{width}}  {'ms/card':>8}  {'speed vs first row':>18}")
    for strategy, ms in results:
        print(f"{strategy.label:<{width}}  {ms:8.1f}  {baseline / ms:17.2f}x")
    by_label = {s.label: ms for s, ms in results}
    example_ms = by_label[EXAMPLE_LABEL]
    met = example_ms <= TARGET_MS
    verdict = "MET" if met else "NOT MET"
    print(
        f"\ntarget <= {TARGET_MS:.0f} ms/card, example_site/card.html, default PNG configuration: "
        f"{verdict} ({example_ms:.1f} ms/card)"
    )
    print(f"simple flat card, default PNG: {by_label[DEFAULT_LABEL]:.1f} ms/card")
    gradient_ms = by_label[GRADIENT_LABEL]
    heavy = "within" if gradient_ms <= TARGET_MS else "over"
    print(f"gradient card (heavy case), default PNG: {gradient_ms:.1f} ms/card ({heavy} target)")
    return met


def main(argv: Sequence[str] | None = None) -> int:
    """Run every strategy and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--cards", type=int, default=60, help="cards per round (default 60)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per strategy (default 3)")
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="pictify-bench-") as root:
        for number, strategy in enumerate(STRATEGIES):
            data_dir = os.path.join(root, str(number))
            ms = asyncio.run(measure(strategy, args.cards, args.rounds, data_dir))
            print(f"  {strategy.label}: {ms:.1f} ms/card", flush=True)
            results.append((strategy, ms))
    report(results, args.cards)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
