"""User mistakes in real ``mkdocs build`` runs: one clear message each, no traceback, no loss.

Each case runs the ``mkdocs`` command a user would, and reads what it printed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from .helpers import EXAMPLE_SITE, meta_values, soup

pytestmark = pytest.mark.slow

FALLBACK = "https://example.org/fallback.png"


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for the module: the good pages are rendered once."""
    return tmp_path_factory.mktemp("mistakes-cache")


@dataclass
class Run:
    returncode: int
    output: str
    site_dir: Path


def mkdocs(root: Path, *args: str, env: dict[str, str] | None = None) -> Run:
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    environment.pop("PICTIFY_API_KEY", None)
    environment.pop("MIKE_DOCS_VERSION", None)
    if env and "PICTIFY_API_KEY" in env:
        environment["PICTIFY_API_KEY"] = env["PICTIFY_API_KEY"]
    result = subprocess.run(
        [str(Path(sys.executable).with_name("mkdocs")), "build", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env=environment,
    )
    return Run(result.returncode, result.stdout + result.stderr, root / "site")


def site(root: Path, plugin_yaml: str, pages: dict[str, str] | None = None) -> Path:
    pages = pages or {"index.md": "# Home\n", "guide.md": "# Guide\n"}
    for name, text in pages.items():
        (root / "docs" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "docs" / name).write_text(text, encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: Mistakes\nsite_url: https://example.org/m/\n"
        f"plugins:\n  - pictify:\n{plugin_yaml}",
        encoding="utf-8",
    )
    return root


def warnings_of(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("WARNING")]


@pytest.mark.parametrize(
    ("plugin_yaml", "expected"),
    [
        # One message, not MkDocs' "Unrecognised configuration name" warning as well.
        ("      templat: x\n", "unknown option 'templat' (did you mean 'template'?)"),
        # pydantic would read true as 1 and make 1-pixel cards.
        ("      width: true\n", "option 'width': must be a number, not true/false"),
        ("      template_file: nope.html\n", "option 'template_file': file"),
        ("      fallback_image: missing.png\n", "option 'fallback_image': file"),
    ],
)
def test_configuration_mistakes_stop_the_build_with_one_message(
    tmp_path: Path, plugin_yaml: str, expected: str
) -> None:
    run = mkdocs(site(tmp_path, plugin_yaml))
    assert run.returncode == 1
    assert expected in run.output
    assert warnings_of(run.output) == []
    assert "Unrecognised configuration name" not in run.output
    assert [line for line in run.output.splitlines() if line.startswith("ERROR")] == [
        f"ERROR   -  invalid pictify settings in {tmp_path / 'mkdocs.yml'}: plugins.pictify:"
    ]
    assert "Traceback" not in run.output


@pytest.mark.parametrize(
    ("front_matter", "field"),
    [
        ("image: 42", "'image' must be an image path or URL"),
        ("description: {a: 1}", "'description' must be text"),
        ("title: [a, b]", "'title' must be text"),
        ('pictify: "yes"', "'pictify' must be false or a mapping"),
        ("pictify: {titel: x}", "unknown entry 'pictify.titel' (did you mean 'title'?)"),
        ("pictify: {image: 42}", "'pictify.image' must be an image path or URL"),
        ("pictify: {template_file: nope.html}", "'pictify.template_file': the template file"),
    ],
)
def test_bad_front_matter_falls_back_with_one_warning(
    tmp_path: Path, shared_cache: Path, front_matter: str, field: str
) -> None:
    plugin = f"      cache_dir: {shared_cache}\n      fallback_image: {FALLBACK}\n"
    pages = {"index.md": "# Home\n", "bad.md": f"---\n{front_matter}\n---\n# Bad\n"}
    root = site(tmp_path, plugin, pages)
    run = mkdocs(root)
    assert run.returncode == 0, run.output
    [warning] = warnings_of(run.output)
    assert warning.startswith(f"WARNING -  pictify: no new card for page 'bad.md': {field}")
    bad = soup(run.site_dir / "bad" / "index.html")
    assert meta_values(bad, "property", "og:image") == [FALLBACK]
    assert meta_values(bad, "name", "twitter:image") == [FALLBACK]
    strict = mkdocs(root, "--strict")
    assert strict.returncode == 1
    assert "Aborted with 1 warnings in strict mode" in strict.output


def test_a_script_title_is_text_on_the_card_and_escaped_in_tags(
    tmp_path: Path, shared_cache: Path
) -> None:
    title = "<script>alert(1)</script>"
    pages = {"xss.md": f'---\ntitle: "{title}"\n---\nBody\n'}
    run = mkdocs(site(tmp_path, f"      cache_dir: {shared_cache}\n", pages), "--strict")
    assert run.returncode == 0, run.output
    html = (run.site_dir / "xss" / "index.html").read_text("utf-8")
    page = soup(run.site_dir / "xss" / "index.html")
    assert meta_values(page, "property", "og:title") == [title]
    assert meta_values(page, "property", "og:image:alt") == [f"{title} \u2013 Mistakes"]
    assert 'content="&lt;script&gt;alert(1)&lt;/script&gt;"' in html
    assert len(meta_values(page, "property", "og:image")) == 1


def test_a_damaged_cache_is_replaced_with_a_warning(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    root = site(tmp_path, f"      cache_dir: {cache}\n      template_file: card.html\n")
    (root / "card.html").write_text((EXAMPLE_SITE / "card.html").read_text("utf-8"), "utf-8")
    assert mkdocs(root).returncode == 0
    (cache / "cache.db").write_bytes(b"garbage, not sqlite" * 500)
    run = mkdocs(root)
    assert run.returncode == 0, run.output
    assert "Traceback" not in run.output
    [warning] = warnings_of(run.output)
    assert "was damaged" in warning
    assert "starting with an empty cache" in warning
    assert len(meta_values(soup(run.site_dir / "index.html"), "property", "og:image")) == 1


def test_hosted_backend_without_a_key_warns_once(tmp_path: Path) -> None:
    run = mkdocs(site(tmp_path, f"      backend: hosted\n      cache_dir: {tmp_path / 'c'}\n"))
    assert run.returncode == 0, run.output
    [warning] = warnings_of(run.output)
    assert "no new card for 2 pages" in warning
    assert "backend 'hosted' needs an API key: set PICTIFY_API_KEY" in warning


def test_a_key_with_a_curly_quote_stops_the_build_naming_the_key(tmp_path: Path) -> None:
    key = "sk-live\u2019copied"
    run = mkdocs(site(tmp_path, "      template_file: card.html\n"), env={"PICTIFY_API_KEY": key})
    assert run.returncode == 1
    assert "option 'api_key': the key contains characters an HTTP header cannot" in run.output
    assert "PICTIFY_API_KEY" in run.output
    assert key not in run.output
    assert "Traceback" not in run.output
    assert "codec" not in run.output
