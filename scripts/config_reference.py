"""Generate the README's configuration reference from the settings model.

`python scripts/config_reference.py` rewrites the table between the README's
`<!-- configuration:start -->` and `<!-- configuration:end -->` markers;
`--check` only reports whether it is up to date (a test runs that).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from pydantic_core import PydanticUndefined

from pictify_ssg.core import Settings

README = Path(__file__).resolve().parent.parent / "README.md"
START = "<!-- configuration:start -->"
END = "<!-- configuration:end -->"
_DEFAULT_NOTES = {"api_key": "`PICTIFY_API_KEY` from the environment"}


def _default(name: str, value: Any) -> str:
    if name in _DEFAULT_NOTES:
        return _DEFAULT_NOTES[name]
    if value is PydanticUndefined or value is None:
        return "—"
    if isinstance(value, SecretStr):
        return "—"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, (list, dict)) and not value:
        return "empty"
    return f"`{value}`"


def table() -> str:
    """The Markdown table: one row per settings field, in declaration order."""
    rows = [
        "| `mkdocs.yml` option | `pelicanconf.py` setting | Default | What it does |",
        "|---|---|---|---|",
    ]
    defaults = Settings.model_construct().model_dump()
    for name, info in Settings.model_fields.items():
        value = info.default if info.default_factory is None else defaults.get(name)
        doc = " ".join((info.description or "").split()).replace("|", "\\|")
        rows.append(f"| `{name}` | `PICTIFY_{name.upper()}` | {_default(name, value)} | {doc} |")
    return "\n".join(rows)


def render(readme: str) -> str:
    """The README text with a fresh table between the markers."""
    head, _, rest = readme.partition(START)
    _, _, tail = rest.partition(END)
    if not rest:
        raise SystemExit(f"{README.name} lacks the {START} marker")
    return f"{head}{START}\n{table()}\n{END}{tail}"


def main(argv: list[str]) -> int:
    """Rewrite the README, or with --check say whether it is current."""
    current = README.read_text(encoding="utf-8")
    fresh = render(current)
    if "--check" in argv:
        if fresh != current:
            print("README configuration reference is stale: run scripts/config_reference.py")
            return 1
        return 0
    README.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
