"""The public API: lazily loaded, complete, and importing the package stays light."""

from __future__ import annotations

import subprocess
import sys

import pictify_ssg
import pictify_ssg.core

CONTRACT = [
    "BuildError",
    "BuildReport",
    "CardBuild",
    "CardResult",
    "MetaTag",
    "PageRecord",
    "Pipeline",
    "Settings",
    "SettingsError",
    "SiteInfo",
    "build",
    "inject_meta_tags",
]


def test_all_is_sorted_and_complete() -> None:
    assert pictify_ssg.__all__ == CONTRACT
    assert pictify_ssg.core.__all__ == CONTRACT
    for name in CONTRACT:
        assert getattr(pictify_ssg, name) is getattr(pictify_ssg.core, name)


def test_import_is_light() -> None:
    code = (
        "import sys, pictify_ssg, pictify_ssg.core; "
        "heavy = [m for m in ('pydantic', 'httpx', 'diskcache', 'jinja2', 'pictify_ssg.client')"
        " if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_core_never_imports_an_ssg() -> None:
    code = (
        "import sys, pictify_ssg.core.pipeline; "
        "print([m for m in sys.modules if m.split('.')[0] in ('mkdocs', 'pelican')])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_unknown_attribute() -> None:
    import pytest

    with pytest.raises(AttributeError):
        _ = pictify_ssg.nope
    with pytest.raises(AttributeError):
        _ = pictify_ssg.core.nope
