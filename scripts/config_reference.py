"""Generate the configuration reference from the settings model.

The documentation site puts this table into ``docs/configuration.md`` at build time
(``scripts/docs_hooks.py``); `python scripts/config_reference.py` prints it.
"""

from __future__ import annotations

import sys
from typing import Any

from pydantic import SecretStr
from pydantic_core import PydanticUndefined

from pictify_ssg.core import Settings
from pictify_ssg.core.settings import field_descriptions

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
    descriptions = field_descriptions()
    for name, info in Settings.model_fields.items():
        value = info.default if info.default_factory is None else defaults.get(name)
        doc = " ".join(descriptions[name].split()).replace("|", "\\|")
        rows.append(f"| `{name}` | `PICTIFY_{name.upper()}` | {_default(name, value)} | {doc} |")
    return "\n".join(rows)


def main(argv: list[str]) -> int:
    """Print the table."""
    print(table())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
