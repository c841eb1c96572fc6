"""A page's card variables cannot make the build allocate gigabytes or loop for hours.

``pictify.variables`` is Jinja2 text written by page authors. Each expression below would
allocate hundreds of megabytes (or more) in an unbounded sandbox; here each is a page error.
"""

from __future__ import annotations

import pytest

from pictify_ssg.core.errors import PageError
from pictify_ssg.core.overrides import read_overrides
from pictify_ssg.core.variables import MAX_VARIABLE_CHARS, render_variables


def _render(expression: str) -> str:
    return render_variables({"v": expression}, page={"title": "Hi"}, site={}, page_key="p.md")["v"]


@pytest.mark.parametrize(
    "expression",
    [
        "{{ 'x' * 300000000 }}",
        "{{ ('x' * 10000) * 10000 }}",
        "{{ ['x'] * 100000000 }}",
        "{{ 'x'.ljust(10**9) }}",
        "{{ 'x'.zfill(1000000000) }}",
        "{{ 'x' | center(1000000000) }}",
        "{{ 'x' | indent(100000000, true) }}",
        "{{ '%1000000000d' % 1 }}",
        "{{ '%1000000000d' | format(1) }}",
        "{{ 9 ** 99999 }}",
        "{{ range(100000000) | list | length }}",
        "{{ ('ab' * 5000) ~ ('ab' * 5000) }}",
    ],
)
def test_oversized_expressions_are_page_errors(expression: str) -> None:
    with pytest.raises(PageError, match=r"page 'p\.md': card variable 'v'"):
        _render(expression)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("{{ page.title | upper }}", "HI"),
        ("{{ 'ab' * 3 }}", "ababab"),
        ("{{ '%s-%s' % ('a', 'b') }}", "a-b"),
        ("{{ 'x' | center(5) }}", "x"),
        ("{{ range(3) | join(',') }}", "0,1,2"),
        ("{{ ('y' * " + str(MAX_VARIABLE_CHARS) + ") | length }}", str(MAX_VARIABLE_CHARS)),
    ],
)
def test_ordinary_expressions_still_work(expression: str, expected: str) -> None:
    assert _render(expression) == expected


def test_page_variables_cannot_use_statements() -> None:
    nested = "{% for i in range(9999) %}{% for j in range(9999) %}x{% endfor %}{% endfor %}"
    with pytest.raises(PageError, match=r"'pictify.variables.v' may only use \{\{ \}\}"):
        read_overrides("p.md", {"pictify": {"variables": {"v": nested}}})
