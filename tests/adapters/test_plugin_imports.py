"""What loading a plugin costs: MkDocs imports it before it reads ``enabled``, and Pelican
imports every installed namespace plugin, configured or not.

Each check runs in a fresh interpreter, so modules other tests loaded do not count.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

#: Modules only a build that makes cards needs (HTTP stack, cache, pipeline, local server).
HEAVY = (
    "httpx",
    "rich",
    "diskcache",
    "pictify_ssg.client",
    "pictify_ssg.core.pipeline",
    "pictify_ssg.core.phases.run",
    "pictify_ssg.local.server",
)


def _loaded_after(code: str, cwd: Path, watched: tuple[str, ...] = HEAVY) -> set[str]:
    script = f"import sys\n{code}\nprint(' '.join(m for m in {watched!r} if m in sys.modules))"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PICTIFY_")}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return set(result.stdout.split())


def test_importing_the_plugin_loads_no_pipeline(tmp_path: Path) -> None:
    watched = (*HEAVY, "mkdocs.livereload")  # the dev server: only in annotations
    assert _loaded_after("import pictify_mkdocs.plugin", tmp_path, watched) == set()


def test_a_disabled_plugin_builds_without_loading_the_pipeline(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n\nText.\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Docs\nsite_url: https://example.org/\n"
        "plugins:\n  - pictify:\n      enabled: false\n",
        encoding="utf-8",
    )
    code = (
        "from mkdocs.commands.build import build\n"
        "from mkdocs.config import load_config\n"
        "config = load_config('mkdocs.yml')\n"
        "config.plugins.on_startup(command='build', dirty=False)\n"
        "build(config)\n"
        "config.plugins.on_shutdown()\n"
        "assert config.plugins['pictify'].last_report is None\n"
    )
    assert _loaded_after(code, tmp_path) == set()
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "og:image" not in html


def test_importing_the_pelican_plugin_loads_no_pipeline(tmp_path: Path) -> None:
    # A Pelican site that never mentions pictify still imports it: it must cost next to nothing.
    # rich is Pelican's own console, loaded by Pelican itself.
    ours = tuple(module for module in HEAVY if module != "rich")
    watched = (*ours, "pydantic", "pictify_ssg.core.settings")
    assert _loaded_after("import pelican.plugins.pictify", tmp_path, watched) == set()
