"""Settings: defaults, validation messages naming the field, secrets never shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pictify_ssg.core import Settings, SettingsError
from pictify_ssg.core.settings import field_descriptions

#: The whole option list with defaults; adapters generate their option declarations from it.
DEFAULTS: dict[str, Any] = {
    "enabled": True,
    "backend": "auto",
    "api_key": None,
    "base_url": None,
    "renderer_hosts": [],
    "template": None,
    "template_file": None,
    "layout": "default",
    "layout_options": {},
    "width": 1200,
    "height": 630,
    "format": "png",
    "quality": 0.9,
    "variables": {},
    "include": [],
    "allowed_dirs": [],
    "exclude": [],
    "cache_dir": Path(".cache/pictify"),
    "cache_max_age_days": 30,
    "render_mode": "auto",
    "batch_size": 100,
    "direct_threshold": 10,
    "concurrency": 4,
    "timeout": 120.0,
    "on_error": "warn",
    "fallback_image": None,
    "hosting": "site",
    "output_dir": "assets/social",
    "site_url": None,
    "meta_tags": True,
    "gallery": False,
    "title_max_length": 90,
    "description_max_length": 200,
    "size_warning_kb": 300,
    "png_optimize": "palette",
}


@pytest.fixture(autouse=True)
def _no_env_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PICTIFY_API_KEY", raising=False)


def test_defaults_are_pinned() -> None:
    assert Settings().model_dump() == DEFAULTS


def test_every_field_is_documented() -> None:
    descriptions = field_descriptions()
    assert set(descriptions) == set(DEFAULTS)
    assert all(len(text) > 20 for text in descriptions.values()), descriptions


def test_api_key_defaults_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PICTIFY_API_KEY", "sk-from-env")
    settings = Settings()
    assert settings.api_key is not None
    assert settings.api_key.get_secret_value() == "sk-from-env"
    assert "sk-from-env" not in repr(settings)
    assert "sk-from-env" not in str(settings)
    assert "api_key" not in repr(settings)


def test_bad_api_key_value_is_not_echoed() -> None:
    with pytest.raises(SettingsError) as info:
        Settings.from_mapping({"api_key": ["sk-secret-in-a-list"]})
    assert "sk-secret-in-a-list" not in str(info.value)
    assert "'api_key'" in str(info.value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"templat": "x"}, "unknown option 'templat' (did you mean 'template'?)"),
        ({"widht": 5}, "unknown option 'widht' (did you mean 'width'?)"),
        ({"zzz": 1}, "unknown option 'zzz'; known options: enabled, backend"),
        ({"width": "wide"}, "option 'width': must be a whole number (got 'wide')"),
        ({"width": 0}, "option 'width': must be greater than or equal to 1"),
        # pydantic reads true as 1: a 1-pixel card, so booleans are refused for numbers.
        ({"width": True}, "option 'width': must be a number, not true/false"),
        ({"quality": False}, "option 'quality': must be a number, not true/false"),
        ({"width": 1200.5}, "option 'width': must be a whole number"),
        ({"timeout": "soon"}, "option 'timeout': must be a number"),
        ({"enabled": "maybe"}, "option 'enabled': must be true or false"),
        ({"cache_dir": 5}, "option 'cache_dir': must be a folder or file path (text)"),
        ({"include": 5}, "option 'include': must be a list (or one text value)"),
        ({"variables": ["a"]}, "option 'variables': must be a mapping of name: value"),
        ({"format": "gif"}, "option 'format': must be 'png', 'jpeg' or 'webp' (got 'gif')"),
        ({"batch_size": 500}, "option 'batch_size': must be less than or equal to 100"),
        ({"quality": 2}, "option 'quality'"),
        ({"backend": "cloud"}, "option 'backend': must be 'auto', 'hosted', 'local'"),
        ({"on_error": "ignore"}, "option 'on_error'"),
        ({"site_url": "example.org"}, "site_url must be an absolute http(s) URL"),
        ({"base_url": "ftp://x"}, "base_url must be an absolute http(s) URL"),
        ({"output_dir": "../out"}, "must be a relative folder inside the built site"),
        ({"output_dir": "/abs"}, "must be a relative folder inside the built site"),
        ({"variables": {"title": "{{ page.title"}}, "option 'variables': 'title': invalid Jinja2"),
        ({"variables": {"1bad": "x"}}, "'1bad' is not a valid template variable name"),
        ({"template": "A", "template_file": "c.html"}, "set either 'template'"),
        ({"template": "card.html"}, "'card.html' looks like a file; use 'template_file'"),
    ],
)
def test_messages_name_the_field(raw: dict[str, Any], expected: str) -> None:
    with pytest.raises(SettingsError) as info:
        Settings.from_mapping(raw, source="mkdocs.yml plugins.pictify")
    text = str(info.value)
    assert text.startswith("invalid pictify settings in mkdocs.yml plugins.pictify:")
    assert expected in text
    assert "Traceback" not in text
    assert info.value.__cause__ is None


def test_every_problem_is_listed() -> None:
    with pytest.raises(SettingsError) as info:
        Settings.from_mapping({"templat": "x", "width": "wide", "height": -1}, source="pelicanconf")
    assert len(info.value.problems) == 3
    assert info.value.source == "pelicanconf"


@pytest.mark.parametrize(
    ("raw", "field", "expected"),
    [
        ({"format": "JPG"}, "format", "jpeg"),
        ({"format": "webp"}, "format", "webp"),
        ({"exclude": "drafts/**"}, "exclude", ["drafts/**"]),
        ({"base_url": "http://127.0.0.1:8000/"}, "base_url", "http://127.0.0.1:8000"),
        ({"template": "  "}, "template", None),
        ({"output_dir": "img\\cards/"}, "output_dir", "img/cards"),
        ({"template_file": "cards/card.html"}, "template_file", Path("cards/card.html")),
        ({"api_key": ""}, "api_key", None),
        ({"width": "800"}, "width", 800),
    ],
)
def test_values_are_normalised(raw: dict[str, Any], field: str, expected: object) -> None:
    assert getattr(Settings.from_mapping(raw), field) == expected


def test_settings_are_frozen() -> None:
    settings = Settings()
    with pytest.raises(ValueError, match="frozen"):
        settings.width = 10


def test_check_files_fails_fast_naming_the_option(tmp_path: Path) -> None:
    (tmp_path / "card.html").write_text("<h1>{{title}}</h1>")
    Settings.from_mapping({"template_file": "card.html"}).check_files(tmp_path)
    Settings.from_mapping({"fallback_image": "https://x.org/a.png"}).check_files(tmp_path)
    settings = Settings.from_mapping({"template_file": "nope.html", "fallback_image": "f.png"})
    with pytest.raises(SettingsError) as info:
        settings.check_files(tmp_path, source="pelicanconf.py")
    text = str(info.value)
    assert "option 'template_file': file" in text
    assert "nope.html does not exist" in text
    assert "option 'fallback_image'" in text
    assert text.startswith("invalid pictify settings in pelicanconf.py:")


def test_check_files_names_a_folder_given_as_a_file(tmp_path: Path) -> None:
    (tmp_path / "card.html").mkdir()
    with pytest.raises(SettingsError, match=r"card\.html is a folder; name a file in it"):
        Settings.from_mapping({"template_file": "card.html"}).check_files(tmp_path)


def test_a_secret_in_a_bad_field_is_never_echoed() -> None:
    with pytest.raises(SettingsError) as info:
        Settings.from_mapping({"api_key": ["secret-test-key"]})
    assert "secret-test-key" not in str(info.value)
    assert "option 'api_key': must be text" in str(info.value)


def test_none_means_default() -> None:
    settings = Settings.from_mapping({"include": None, "variables": None, "width": None})
    assert settings.include == []
    assert settings.variables == {}
    assert settings.width == 1200
