"""Random templates and random data never make the engine raise anything but TemplateError.

A seeded generator glues together fragments that matter to the lexer and parser (braces, sigils,
quotes, keywords, helper names) so that many inputs get deep into the parser, not just the lexer.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any, TypeVar

import pytest

from pictify_ssg.local.templating import HELPERS, TemplateError, compile_template

T = TypeVar("T")

FRAGMENTS = [
    "{{",
    "}}",
    "{{{",
    "}}}",
    "{{~",
    "~}}",
    "{{#",
    "{{/",
    "{{^",
    "{{&",
    "{{!",
    "{{!--",
    "--}}",
    "{{else}}",
    "{{else if ",
    "{{^}}",
    "if ",
    "unless ",
    "each ",
    "with ",
    "as |x i| ",
    "|",
    "this",
    "../",
    "./",
    ".",
    "/",
    "@index",
    "@root.",
    "@key",
    "@first",
    "@../index",
    "[",
    "]",
    "(",
    ")",
    "=",
    "includeZero=true",
    "'str'",
    '"q\\"s"',
    "'",
    '"',
    "1",
    "-2.5",
    "true",
    "null",
    "undefined",
    " ",
    "\n",
    "\\",
    "\\{{",
    "title",
    "items",
    "o",
    "n",
    "missing",
    "x.y",
    "text",
    "<b>",
    "&",
    "~",
    "}",
    "{",
    "*",
    ">",
    "#",
    "!",
    "suffix=",
    "2",
    "0",
    "items.length",
    *HELPERS,
]

VARIABLES: dict[str, Any] = {
    "title": "<T & t>",
    "items": [1, "two", None, [3, 4], {"k": "v"}, True, 2.5],
    "o": {"a": {"b": [1, 2]}, "": "empty-key"},
    "n": -3.75,
    "text": "a, b ,c",
    "x": {"y": float("nan")},
    "nested": [[[]]],
}


def random_template(rng: random.Random) -> str:
    size = rng.randint(1, 14)
    return "".join(rng.choice(FRAGMENTS) for _ in range(size))


def random_value(rng: random.Random, depth: int = 0) -> Any:
    choices: list[Any] = [None, True, False, 0, -1, 3.5, float("inf"), "", "x<y", "2026-01-05"]
    if depth < 2:
        choices += [
            [random_value(rng, depth + 1) for _ in range(rng.randint(0, 3))],
            {key: random_value(rng, depth + 1) for key in rng.sample(["a", "b", "0"], 2)},
        ]
    return rng.choice(choices)


def outcome(action: Callable[[], T]) -> T | TemplateError:
    """Run ``action``; a TemplateError is returned, any other exception fails the test."""
    try:
        return action()
    except TemplateError as error:
        return error


@pytest.mark.parametrize("seed", range(20))
def test_random_templates_only_raise_template_error(seed: int) -> None:
    rng = random.Random(seed)
    compiled = 0
    for _ in range(300):
        source = random_template(rng)
        template = outcome(lambda: compile_template(source))  # noqa: B023 - called at once
        if isinstance(template, TemplateError):
            assert template.code in {"HANDLEBARS_COMPILE_ERROR", "HELPER_NOT_ALLOWED"}, source
            assert template.line is not None, source
            continue
        compiled += 1
        for strict in (False, True):
            result = outcome(lambda: template.render(VARIABLES, strict))  # noqa: B023
            if isinstance(result, TemplateError):
                assert result.code in {"UNDEFINED_VARIABLE", "ITERATION_LIMIT_EXCEEDED"}, source
            else:
                assert isinstance(result, str)
    assert compiled > 0


@pytest.mark.parametrize("name", sorted(HELPERS))
def test_every_helper_accepts_any_value(name: str) -> None:
    spec = HELPERS[name]
    rng = random.Random(name)
    for _ in range(200):
        count = spec.required + rng.randint(0, len(spec.options) + (2 if spec.variadic else 0))
        args = [random_value(rng) for _ in range(count)]
        result = spec.func(*args)
        assert result is not NotImplemented
