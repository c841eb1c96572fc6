"""The JSONPath subset of binding mappings: what it finds, and what it refuses with a reason."""

from __future__ import annotations

from typing import Any

import pytest

from pictify_ssg.local.jsonpath import JsonPathError, find, parse

DATA: dict[str, Any] = {
    "a": {"b": 1, "n": None},
    "items": [{"name": "first"}, {"name": "second"}],
    "odd key": {"it's": "quoted", 'say "hi"': "double"},
    "x-y": {"$ref": "dollar"},
}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("$", (True, DATA)),
        ("$.a.b", (True, 1)),
        ("$.a.n", (True, None)),
        ("$.items[0].name", (True, "first")),
        ("$.items[-1].name", (True, "second")),
        ("$['odd key']['it\\'s']", (True, "quoted")),
        ('$["odd key"]["say \\"hi\\""]', (True, "double")),
        ("$.x-y.$ref", (True, "dollar")),
        ("$.a.missing", (False, None)),
        ("$.items[2].name", (False, None)),
        ("$.items[-3]", (False, None)),
        ("$.a.b.c", (False, None)),
        ("$.a[0]", (False, None)),
        ("$.items.name", (False, None)),
    ],
)
def test_find(path: str, expected: tuple[bool, Any]) -> None:
    assert find(DATA, parse(path)) == expected


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("a.b", "must start with '\\$'"),
        ("$.items[*]", "unsupported syntax at position 8"),
        ("$..name", "unsupported syntax at position 2"),
        ("$.items[0:2]", "unsupported syntax"),
        ("$.items[?(@.a)]", "unsupported syntax"),
        ("$['open", "unterminated quoted name"),
        ("$.", "unsupported syntax"),
        ("$a", "unsupported syntax at position 1"),
    ],
)
def test_paths_outside_the_subset_are_refused(path: str, reason: str) -> None:
    with pytest.raises(JsonPathError, match=reason):
        parse(path)
