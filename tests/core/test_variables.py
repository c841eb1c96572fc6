"""Card variables: Jinja2 text over page and site, sandboxed, errors naming page and variable."""

from __future__ import annotations

from typing import Any

import pytest

from pictify_ssg.core.errors import PageError
from pictify_ssg.core.variables import (
    DEFAULT_VARIABLES,
    check_expression,
    merge_expressions,
    render_variables,
)

PAGE: dict[str, Any] = {
    "title": "Install",
    "description": "",
    "url": "https://example.org/install/",
    "section": None,
    "date": "2024-01-02",
    "author": None,
    "tags": ["a", "b"],
    "lang": None,
    "meta": {"badge": "New"},
}
SITE: dict[str, Any] = {"name": "Docs", "description": "Site text", "lang": "en", "url": None}


def test_defaults_render_sensibly() -> None:
    values = render_variables(DEFAULT_VARIABLES, page=PAGE, site=SITE, page_key="p")
    assert values == {
        "title": "Install",
        "description": "Site text",
        "site_name": "Docs",
        "url": "https://example.org/install/",
        "section": "",
        "date": "2024-01-02",
        "author": "",
        "tags": "a, b",
        "lang": "en",
    }


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("plain text", "plain text"),
        ("{{ page.title }} | {{ site.name }}", "Install | Docs"),
        ("{{ page.meta.badge }}", "New"),
        ("{{ page.title | upper }}", "INSTALL"),
        ("{{ page.tags | length }}", "2"),
        ("{% if page.date %}{{ page.date[:4] }}{% endif %}", "2024"),
        ("  {{ page.title }}  ", "Install"),
    ],
)
def test_expressions(expression: str, expected: str) -> None:
    values = render_variables({"v": expression}, page=PAGE, site=SITE, page_key="p")
    assert values["v"] == expected


@pytest.mark.parametrize(
    "expression",
    [
        "{{ page.titel }}",
        "{{ page.meta.missing }}",
        "{{ page.__class__.__mro__ }}",
        "{{ page.tags.append(1) }}",
        "{{ 1 / 0 }}",
    ],
)
def test_errors_name_page_and_variable(expression: str) -> None:
    with pytest.raises(PageError) as info:
        render_variables({"subtitle": expression}, page=PAGE, site=SITE, page_key="guide/a.md")
    assert "page 'guide/a.md'" in str(info.value)
    assert "card variable 'subtitle'" in str(info.value)


def test_check_expression() -> None:
    assert check_expression("{{ page.title }}") is None
    problem = check_expression("{{ page.title")
    assert problem is not None
    assert "invalid Jinja2 text" in problem


def test_merge_later_layers_win_and_none_removes() -> None:
    merged = merge_expressions({"a": "1", "b": "2"}, {"b": "3", "c": "4"}, {"a": None})
    assert merged == {"b": "3", "c": "4"}


def test_card_context_uses_card_texts_and_absolute_urls() -> None:
    from pictify_ssg.core import PageRecord, SiteInfo
    from pictify_ssg.core.variables import card_context

    page = PageRecord.create(key="a.md", url="guide/a/", title="Page title", lang=None)
    site = SiteInfo(name="Docs", lang="fr")
    page_ctx, site_ctx = card_context(page, "Card title", "Card text", site, "https://ex.org/d")
    assert page_ctx["title"] == "Card title"
    assert page_ctx["url"] == "https://ex.org/d/guide/a/"
    assert page_ctx["path"] == "guide/a/"
    assert page_ctx["lang"] == "fr"
    assert site_ctx["url"] == "https://ex.org/d"
    page_ctx, _ = card_context(page, "T", "", site, None)
    assert page_ctx["url"] == "guide/a/"
