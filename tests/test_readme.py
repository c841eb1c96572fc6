"""The README is the front door: the two commands, install lines that work, links that resolve;
the configuration reference is generated from Settings."""

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


def test_readme_links_resolve_inside_the_repository() -> None:
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\((?!https?://)([^)#]+)\)", readme)
    assert "docs/configuration.md" in targets
    missing = [target for target in targets if not (ROOT / target).exists()]
    assert missing == []


def test_docs_configuration_page_uses_the_generated_table() -> None:
    page = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert "<!-- configuration-table -->" in page
    hooks = (ROOT / "scripts" / "docs_hooks.py").read_text(encoding="utf-8")
    assert "config_reference.py" in hooks


def test_readme_install_lines_name_extras_that_exist() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'pip install "pictify-ssg[mkdocs] @ git+https://' in readme
    assert 'pip install ".[mkdocs]"' in readme
    for extra in ("mkdocs", "pelican", "local"):
        assert f"\n{extra} = [" in pyproject


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
    assert (ROOT / "scripts" / "check").exists()
