"""Template identity helpers: variables a Handlebars file reads, file fingerprints."""

from __future__ import annotations

from pathlib import Path

import pytest

from pictify_ssg.core.card_templates import (
    BUILTIN_TEMPLATE,
    handlebars_variables,
    load_file_template,
)
from pictify_ssg.core.errors import PageError


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<h1>{{title}}</h1>", {"title"}),
        ("{{{ description }}}", {"description"}),
        ("{{#if section}}{{section}}{{else}}x{{/if}}", {"section"}),
        ("{{#each tags}}{{this}}{{/each}}", {"tags"}),
        ("{{uppercase title}}", {"title"}),
        ("{{! a comment {{title}} }}", set()),
        ('{{default subtitle "none"}}', {"subtitle"}),
        ("{{page.title}}", {"page"}),
        ("{{~title~}}", {"title"}),
        ("no variables at all", set()),
    ],
)
def test_handlebars_variables(html: str, expected: set[str]) -> None:
    assert handlebars_variables(html) == frozenset(expected)


def test_builtin_template_reads_the_default_variables() -> None:
    names = handlebars_variables(BUILTIN_TEMPLATE.read_text(encoding="utf-8"))
    assert {"title", "description", "site_name", "section", "lang"} <= names


def test_file_identity_is_its_content(tmp_path: Path) -> None:
    card = tmp_path / "card.html"
    card.write_text("<h1>{{title}}</h1>", encoding="utf-8")
    first = load_file_template(card, what="option 'template_file'")
    again = load_file_template(card, what="option 'template_file'")
    card.write_text("<h2>{{title}}</h2>", encoding="utf-8")
    changed = load_file_template(card, what="option 'template_file'")
    assert first.identity == again.identity != changed.identity
    assert first.variables == frozenset({"title"})
    assert first.uid is None


def test_missing_file_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(PageError) as info:
        load_file_template(tmp_path / "nope.html", what="option 'template_file'")
    assert "option 'template_file': cannot read the template file" in str(info.value)
