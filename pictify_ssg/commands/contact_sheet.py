"""The live preview's ``index.html``: every sample card at a glance, refreshing itself."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass

#: Seconds between reloads of the contact sheet in the browser.
REFRESH_S = 2


@dataclass(frozen=True)
class SheetEntry:
    """One card on the sheet: its file name (beside the sheet), label and any problem."""

    file: str | None
    label: str
    problem: str | None = None


def contact_sheet(entries: Sequence[SheetEntry], *, round_number: int, error: str = "") -> str:
    """The HTML of the sheet; ``round_number`` busts the browser's image cache."""
    when = dt.datetime.now().strftime("%H:%M:%S")
    cells = []
    for entry in entries:
        if entry.file is not None:
            picture = (
                f'<img src="{html.escape(entry.file)}?v={round_number}" '
                f'alt="{html.escape(entry.label)}">'
            )
        else:
            picture = f'<p class="problem">{html.escape(entry.problem or "no card")}</p>'
        cells.append(
            f"<figure>{picture}<figcaption>{html.escape(entry.label)}</figcaption></figure>"
        )
    banner = f'<p class="problem">{html.escape(error)}</p>' if error else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="{REFRESH_S}">
<title>pictify-ssg live preview</title>
<style>
  body {{ font-family: system-ui, sans-serif; margin: 24px; background: #f4f4f5; color: #18181b; }}
  main {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 20px; }}
  figure {{ margin: 0; background: #fff; padding: 10px; border-radius: 8px;
            box-shadow: 0 1px 3px rgba(0,0,0,.15); }}
  img {{ width: 100%; display: block; }}
  figcaption {{ margin-top: 6px; font-size: 14px; color: #52525b; }}
  .problem {{ color: #b91c1c; white-space: pre-wrap; }}
</style>
</head>
<body>
<h1>Live preview</h1>
<p>Render {round_number} at {when}; this page reloads every {REFRESH_S} s.</p>
{banner}
<main>
{chr(10).join(cells)}
</main>
</body>
</html>
"""
