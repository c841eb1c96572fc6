"""The README stays true to the code: its configuration table is generated from Settings."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def _load_script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_configuration_reference_matches_settings() -> None:
    reference = _load_script("config_reference")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert reference.render(readme) == readme, "run: .venv/bin/python scripts/config_reference.py"


def test_configuration_reference_lists_every_option() -> None:
    from pictify_ssg.core import Settings

    reference = _load_script("config_reference")
    rows = reference.table().splitlines()[2:]
    assert [row.split("`")[1] for row in rows] == list(Settings.model_fields)


def test_readme_names_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "scripts/build-examples" in readme
    assert "scripts/check" in readme
    assert (ROOT / "scripts" / "build-examples").exists()
