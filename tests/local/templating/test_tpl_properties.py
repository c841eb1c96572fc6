"""Properties of the Handlebars engine over generated data and generated template text.

A small reference set of templates, each with the result Handlebars 4.7 gives for any input;
hypothesis supplies the input. Seeds are fixed (``derandomize``) so CI runs the same examples.
"""

from __future__ import annotations

from typing import Any

import pytest

hypothesis = pytest.importorskip("hypothesis")

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from pictify_ssg.local.templating import TemplateError, compile_template  # noqa: E402

PROPERTY = settings(max_examples=100, derandomize=True, database=None, deadline=None)

# Written out here rather than imported, so the test checks the engine against Handlebars'
# escapeExpression table instead of against itself.
_ENTITIES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "'": "&#x27;",
    "`": "&#x60;",
    "=": "&#x3D;",
}


def expected_escape(text: str) -> str:
    return "".join(_ENTITIES.get(char, char) for char in text)


text = st.text(max_size=200)
# Integers print like str() in JavaScript too; floats do not (1.0 prints "1"), so none here.
scalars = st.one_of(text, st.integers(min_value=-(10**15), max_value=10**15))


@PROPERTY
@given(value=scalars)
def test_double_stash_prints_the_escaped_text(value: str | int) -> None:
    assert compile_template("{{x}}").render({"x": value}) == expected_escape(str(value))


@PROPERTY
@given(value=text)
def test_triple_stash_prints_the_raw_text(value: str) -> None:
    assert compile_template("{{{x}}}").render({"x": value}) == value


@PROPERTY
@given(value=text)
def test_ampersand_prints_the_raw_text(value: str) -> None:
    assert compile_template("{{&x}}").render({"x": value}) == value


@PROPERTY
@given(items=st.lists(scalars, max_size=20))
def test_each_prints_every_item_escaped_in_order(items: list[str | int]) -> None:
    rendered = compile_template("{{#each xs}}{{this}}{{/each}}").render({"xs": items})
    assert rendered == "".join(expected_escape(str(item)) for item in items)


@PROPERTY
@given(items=st.lists(text, max_size=20))
def test_each_index_counts_from_zero(items: list[str]) -> None:
    rendered = compile_template("{{#each xs}}{{@index}},{{/each}}").render({"xs": items})
    assert rendered == "".join(f"{index}," for index in range(len(items)))


def handlebars_truthy(value: Any) -> bool:
    """Handlebars' ``#if``: false, null, "", 0 and [] are falsy; all else (even {}) is truthy."""
    if isinstance(value, list):
        return len(value) > 0
    if isinstance(value, dict):
        return True
    return bool(value)


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=6,
)


@pytest.mark.parametrize(
    "value", [None, False, True, 0, 1, -1, "", "0", "false", [], [0], {}, {"a": 0}]
)
def test_if_follows_handlebars_truthiness_for_the_edge_values(value: Any) -> None:
    rendered = compile_template("{{#if x}}a{{else}}b{{/if}}").render({"x": value})
    assert rendered == ("a" if handlebars_truthy(value) else "b")


@PROPERTY
@given(value=json_values)
def test_if_and_unless_follow_handlebars_truthiness(value: Any) -> None:
    truthy = handlebars_truthy(value)
    assert compile_template("{{#if x}}a{{else}}b{{/if}}").render({"x": value}) == (
        "a" if truthy else "b"
    )
    assert compile_template("{{#unless x}}a{{else}}b{{/unless}}").render({"x": value}) == (
        "b" if truthy else "a"
    )


def test_a_missing_variable_is_falsy() -> None:
    assert compile_template("{{#if x}}a{{else}}b{{/if}}").render({}) == "b"


# Fragments that matter to the lexer and parser, glued together at random.
_TOKENS = ["{", "}", "#", "/", " ", "x", "xs", "this", "if", "each", "else", "with", "unless"]
template_sources = st.lists(st.sampled_from(_TOKENS), max_size=40).map("".join)
fuzz_variables = st.fixed_dictionaries({"x": json_values, "xs": st.lists(json_values, max_size=4)})
OUTPUT_LIMIT = 64


def _render(source: str, variables: dict[str, Any], **options: Any) -> str | None:
    """The rendered text, or None when the engine refused with its own error type and a code."""
    refused: TemplateError | None = None
    try:
        return compile_template(source).render(variables, **options)
    except TemplateError as error:
        refused = error
    assert refused.code, refused
    return None


@PROPERTY
@given(source=template_sources, variables=fuzz_variables, strict=st.booleans())
def test_arbitrary_template_text_only_raises_template_error(
    source: str, variables: dict[str, Any], strict: bool
) -> None:
    _render(source, variables, strict=strict)


@PROPERTY
@given(source=template_sources, variables=fuzz_variables)
def test_arbitrary_template_text_stays_within_the_output_budget(
    source: str, variables: dict[str, Any]
) -> None:
    rendered = _render(source, variables, output_limit=OUTPUT_LIMIT)
    if rendered is not None:
        assert len(rendered.encode("utf-8")) <= OUTPUT_LIMIT


@PROPERTY
@given(value=st.text(min_size=1, max_size=300), limit=st.integers(min_value=0, max_value=400))
def test_a_value_is_printed_whole_or_refused_at_the_budget(value: str, limit: int) -> None:
    size = len(expected_escape(value).encode("utf-8"))
    rendered = _render("{{x}}", {"x": value}, output_limit=limit)
    if size <= limit:
        assert rendered == expected_escape(value)
    else:
        assert rendered is None
