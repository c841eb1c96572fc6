"""The MkDocs plugin's options: the core settings' list, pinned defaults, clear errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError

from pictify_mkdocs.config import PictifyConfig
from pictify_mkdocs.plugin import PictifyPlugin
from pictify_ssg.core import Settings

from .helpers import build_mkdocs


@pytest.fixture(autouse=True)
def _no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PICTIFY_API_KEY", raising=False)


def test_options_are_the_settings_fields_in_order() -> None:
    assert [name for name, _ in PictifyConfig._schema] == list(Settings.model_fields)


def test_defaults_are_the_settings_defaults() -> None:
    # tests/core/test_settings.py pins every default; here the plugin must show the same ones.
    assert dict(PictifyConfig()) == Settings.from_mapping({}).model_dump()


def test_every_option_is_documented() -> None:
    for name, option in PictifyConfig._schema:
        assert getattr(option, "description", ""), f"option {name!r} has no description"


def test_plugin_config_validates_without_errors_or_warnings() -> None:
    plugin = PictifyPlugin()
    errors, warnings = plugin.load_config({"template_file": "card.html", "width": 1200})
    assert errors == []
    assert warnings == []


def _write(tmp_path: Path, plugin_yaml: str) -> Path:
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        "site_name: Options\nsite_url: https://example.org/\n"
        f"plugins:\n  - pictify:\n{plugin_yaml}",
        encoding="utf-8",
    )
    return config


def test_env_tag_sets_api_key_and_enabled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_PICTIFY_KEY", "sk-test-from-env")
    monkeypatch.setenv("TEST_PICTIFY_ON", "false")
    config_file = _write(
        tmp_path,
        "      api_key: !ENV TEST_PICTIFY_KEY\n      enabled: !ENV [TEST_PICTIFY_ON, true]\n",
    )
    config = load_config(str(config_file))
    plugin = config.plugins["pictify"]
    assert isinstance(plugin, PictifyPlugin)
    assert plugin.config["api_key"] == "sk-test-from-env"
    assert plugin.config["enabled"] is False


def test_disabled_plugin_builds_without_cards(tmp_path: Path) -> None:
    config_file = _write(tmp_path, "      enabled: false\n")
    result = build_mkdocs(config_file, site_dir=str(tmp_path / "site"))
    assert result.report is None
    assert "og:image" not in (result.site_dir / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("plugin_yaml", "expected"),
    [
        ("      templat: abc\n", "unknown option 'templat' (did you mean 'template'?)"),
        ("      width: wide\n", "option 'width'"),
        ("      format: gif\n", "option 'format'"),
        ("      template: abc\n      template_file: card.html\n", "not both"),
    ],
)
def test_settings_errors_name_the_option(tmp_path: Path, plugin_yaml: str, expected: str) -> None:
    config_file = _write(tmp_path, plugin_yaml)
    config = load_config(str(config_file))
    with pytest.raises(PluginError, match="invalid pictify settings") as caught:
        config.plugins.on_config(config)
    assert expected in str(caught.value)
    assert "Traceback" not in str(caught.value)


def test_settings_error_aborts_the_build(tmp_path: Path) -> None:
    config_file = _write(tmp_path, "      height: -1\n")
    with pytest.raises(Abort, match="BuildError"):
        build_mkdocs(config_file, site_dir=str(tmp_path / "site"))


def test_api_key_never_appears_in_errors(tmp_path: Path) -> None:
    config_file = _write(tmp_path, "      api_key: sk-secret-value\n      width: wide\n")
    config = load_config(str(config_file))
    with pytest.raises(PluginError) as caught:
        config.plugins.on_config(config)
    assert "sk-secret-value" not in str(caught.value)


def test_cli_reports_a_settings_error_without_traceback(tmp_path: Path) -> None:
    config_file = _write(tmp_path, "      api_key: sk-do-not-print\n      concurrency: lots\n")
    mkdocs = Path(sys.executable).with_name("mkdocs")
    result = subprocess.run(
        [str(mkdocs), "build", "-f", str(config_file)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "option 'concurrency'" in output
    assert "Traceback" not in output
    assert "sk-do-not-print" not in output
