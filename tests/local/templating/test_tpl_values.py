"""The JavaScript-flavoured value rules the engine and helpers share."""

from __future__ import annotations

import copy
import pickle
from decimal import Decimal

import pytest

from pictify_ssg.local.templating.escaping import escape_html
from pictify_ssg.local.templating.values import (
    UNDEFINED,
    Undefined,
    format_js_number,
    is_truthy,
    js_equal,
    to_int,
    to_number,
)


def test_undefined_is_a_falsy_singleton() -> None:
    assert Undefined() is UNDEFINED
    assert copy.deepcopy(UNDEFINED) is UNDEFINED
    assert pickle.loads(pickle.dumps(UNDEFINED)) is UNDEFINED
    assert not UNDEFINED
    assert repr(UNDEFINED) == "UNDEFINED"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (123, "123"),
        (10**30, "1000000000000000000000000000000"),
        (2.0**53, "9007199254740992"),
        (1e20, "100000000000000000000"),
        (1.23e21, "1.23e+21"),
        (0.5, "0.5"),
        (123.456, "123.456"),
        (1e-6, "0.000001"),
        (1.234e-7, "1.234e-7"),
        (-5e-324, "-5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (Decimal("2.50"), "2.5"),
    ],
)
def test_format_js_number(value: float | int | Decimal, expected: str) -> None:
    assert format_js_number(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (3, 3),
        (2.5, 2.5),
        (Decimal("1.5"), 1.5),
        (" 42 ", 42),
        ("-1.5", -1.5),
        ("1e3", 1000.0),
        ("", None),
        ("  ", None),
        ("abc", None),
        ("nan", None),
        ("Infinity", None),
        (True, None),
        (None, None),
        (UNDEFINED, None),
        ([1], None),
    ],
)
def test_to_number(value: object, expected: float | None) -> None:
    assert to_number(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(2.9, 2), (-2.9, -2), ("7", 7), (float("inf"), None), (float("nan"), None), ("x", None)],
)
def test_to_int(value: object, expected: int | None) -> None:
    assert to_int(value) == expected


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        (1, 1.0, True),
        (1, True, False),
        (True, True, True),
        ("1", 1, False),
        ("a", "a", True),
        (None, None, True),
        (None, UNDEFINED, False),
        ([1], [1], False),
    ],
)
def test_js_equal(left: object, right: object, expected: bool) -> None:
    assert js_equal(left, right) is expected


@pytest.mark.parametrize(
    ("value", "include_zero", "expected"),
    [
        (0, False, False),
        (0, True, True),
        (0.0, True, True),
        (float("nan"), True, False),
        ("", True, False),
        ([], True, False),
        ({}, False, True),
        (Decimal(0), False, False),
        (object(), False, True),
    ],
)
def test_is_truthy(value: object, include_zero: bool, expected: bool) -> None:
    assert is_truthy(value, include_zero=include_zero) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain", "plain"),
        ("&amp;", "&amp;amp;"),
        ("<a href='x'>", "&lt;a href&#x3D;&#x27;x&#x27;&gt;"),
        ('"`', "&quot;&#x60;"),
        ("", ""),
    ],
)
def test_escape_html(text: str, expected: str) -> None:
    assert escape_html(text) == expected
