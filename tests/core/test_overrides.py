"""Per-page overrides from front matter."""

from __future__ import annotations

from typing import Any

import pytest

from pictify_ssg.core.errors import PageError
from pictify_ssg.core.overrides import PageOverrides, read_overrides


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ({}, PageOverrides()),
        ({"pictify": None}, PageOverrides()),
        ({"pictify": True}, PageOverrides()),
        ({"pictify": False}, PageOverrides(enabled=False)),
        ({"pictify": {"enabled": False}}, PageOverrides(enabled=False)),
        ({"pictify": {"template": " ABC "}}, PageOverrides(template="ABC")),
        ({"pictify": {"template_file": "c.html"}}, PageOverrides(template_file="c.html")),
        (
            {"pictify": {"template": "cards/blog.html"}},
            PageOverrides(template_file="cards/blog.html"),
        ),
        ({"pictify": {"template": "x/y"}}, PageOverrides(template_file="x/y")),
        ({"pictify": {"title": "<b>Short</b> &amp; sweet"}}, PageOverrides(title="Short & sweet")),
        ({"pictify": {"description": "D"}}, PageOverrides(description="D")),
        ({"pictify": {"image": "/img/x.png"}}, PageOverrides(image="/img/x.png")),
        (
            {"pictify": {"variables": {"badge": "New", "n": 3, "gone": None}}},
            PageOverrides(variables={"badge": "New", "n": "3", "gone": None}),
        ),
    ],
)
def test_shapes(meta: dict[str, Any], expected: PageOverrides) -> None:
    assert read_overrides("p.md", meta) == expected


@pytest.mark.parametrize(
    ("meta", "message"),
    [
        ({"pictify": "yes"}, "page 'p.md': 'pictify' must be false or a mapping"),
        ({"pictify": {"titel": "x"}}, "unknown entry 'pictify.titel' (did you mean 'title'?)"),
        ({"pictify": {"zzz": 1}}, "unknown entry 'pictify.zzz'; use one of enabled"),
        ({"pictify": {"enabled": "no"}}, "'pictify.enabled' must be true or false"),
        ({"pictify": {"title": ["a"]}}, "'pictify.title' must be text"),
        ({"pictify": {"variables": ["a"]}}, "'pictify.variables' must be a mapping"),
        ({"pictify": {"variables": {"a": "{{ x"}}}, "'pictify.variables.a': invalid Jinja2"),
    ],
)
def test_bad_shapes_name_the_page(meta: dict[str, Any], message: str) -> None:
    with pytest.raises(PageError) as info:
        read_overrides("p.md", meta)
    assert message in str(info.value)
