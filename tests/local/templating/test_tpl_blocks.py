"""Block constructs: if/unless/else chains, each, with, sections, block params and @data."""

from __future__ import annotations

from typing import Any

import pytest

from pictify_ssg.local.templating import render_template

FALSY: list[object] = [None, False, 0, 0.0, "", [], (), float("nan")]
TRUTHY: list[object] = [True, 1, -1, 0.5, "x", "0", "false", [0], {}, {"a": 1}]


@pytest.mark.parametrize("value", FALSY, ids=repr)
def test_if_falsy(value: object) -> None:
    source = "{{#if v}}yes{{else}}no{{/if}}|{{#unless v}}U{{/unless}}"
    assert render_template(source, {"v": value}) == "no|U"


@pytest.mark.parametrize("value", TRUTHY, ids=repr)
def test_if_truthy(value: object) -> None:
    source = "{{#if v}}yes{{else}}no{{/if}}|{{#unless v}}U{{/unless}}"
    assert render_template(source, {"v": value}) == "yes|"


def test_if_missing_variable_is_falsy() -> None:
    assert render_template("{{#if nope}}yes{{else}}no{{/if}}", {}) == "no"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("{{#if z includeZero=true}}y{{else}}n{{/if}}", "y", id="include-zero"),
        pytest.param("{{#if z includeZero=false}}y{{else}}n{{/if}}", "n", id="exclude-zero"),
        pytest.param("{{#unless z includeZero=true}}u{{else}}n{{/unless}}", "n", id="unless"),
        pytest.param("{{#if e includeZero=true}}y{{else}}n{{/if}}", "n", id="empty-stays-false"),
    ],
)
def test_include_zero(source: str, expected: str) -> None:
    assert render_template(source, {"z": 0, "e": ""}) == expected


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        pytest.param({"a": 1}, "A", id="first"),
        pytest.param({"b": 1}, "B", id="second"),
        pytest.param({"c": 1}, "C", id="third"),
        pytest.param({}, "none", id="else"),
    ],
)
def test_else_if_chain(variables: dict[str, Any], expected: str) -> None:
    source = "{{#if a}}A{{else if b}}B{{else if c}}C{{else}}none{{/if}}"
    assert render_template(source, variables) == expected


@pytest.mark.parametrize(
    ("source", "variables", "expected"),
    [
        pytest.param(
            "{{#if a}}A{{else unless b}}not-b{{/if}}", {"b": False}, "not-b", id="else-unless"
        ),
        pytest.param(
            "{{#if a}}A{{else each l}}{{this}}{{/if}}", {"l": [1, 2]}, "12", id="else-each"
        ),
        pytest.param(
            "{{#if a}}A{{else with o}}{{n}}{{/if}}", {"o": {"n": "N"}}, "N", id="else-with"
        ),
        pytest.param("{{^a}}no-a{{/a}}", {}, "no-a", id="inverse-section"),
        pytest.param("{{^a}}no-a{{else}}has-a{{/a}}", {"a": 1}, "has-a", id="inverse-else"),
        pytest.param("{{#if a}}A{{^}}not-a{{/if}}", {}, "not-a", id="caret-else"),
    ],
)
def test_other_chains(source: str, variables: dict[str, Any], expected: str) -> None:
    assert render_template(source, variables) == expected


@pytest.mark.parametrize(
    ("source", "variables", "expected"),
    [
        pytest.param("{{#each l}}{{this}},{{/each}}", {"l": ["a", "b"]}, "a,b,", id="list"),
        pytest.param("{{#each l}}{{.}}{{/each}}", {"l": (1, 2)}, "12", id="tuple"),
        pytest.param("{{#each l}}x{{else}}empty{{/each}}", {"l": []}, "empty", id="empty-else"),
        pytest.param("{{#each l}}x{{else}}empty{{/each}}", {}, "empty", id="missing-else"),
        pytest.param("{{#each l}}x{{else}}empty{{/each}}", {"l": "ab"}, "empty", id="string"),
        pytest.param("{{#each l}}x{{else}}empty{{/each}}", {"l": 5}, "empty", id="number"),
        pytest.param("{{#each l}}x{{else}}empty{{/each}}", {"l": {}}, "empty", id="empty-map"),
        pytest.param(
            "{{#each l}}{{@index}}{{#if @first}}F{{/if}}{{#if @last}}L{{/if}} {{/each}}",
            {"l": ["a", "b", "c"]},
            "0F 1 2L ",
            id="index-first-last",
        ),
        pytest.param(
            "{{#each o}}{{@key}}={{this}}@{{@index}}{{#if @last}}.{{/if}} {{/each}}",
            {"o": {"x": 1, "y": 2}},
            "x=1@0 y=2@1. ",
            id="object",
        ),
        pytest.param(
            "{{#each l}}{{name}}:{{../title}}:{{@root.title}} {{/each}}",
            {"title": "T", "l": [{"name": "a"}, {"name": "b"}]},
            "a:T:T b:T:T ",
            id="parent-access",
        ),
        pytest.param(
            "{{#each l}}{{title}}{{/each}}",
            {"title": "T", "l": [{"name": "a"}]},
            "",
            id="no-implicit-parent-lookup",
        ),
        pytest.param(
            "{{#each rows}}{{#each this}}{{@../index}}.{{@index}}={{this}} {{/each}}{{/each}}",
            {"rows": [["a", "b"], ["c"]]},
            "0.0=a 0.1=b 1.0=c ",
            id="nested-data-parent",
        ),
        pytest.param(
            "{{#each rows}}{{#each cells}}{{../label}}{{../../title}}{{this}} {{/each}}{{/each}}",
            {"title": "T", "rows": [{"label": "r", "cells": [1, 2]}]},
            "rT1 rT2 ",
            id="two-levels-up",
        ),
        pytest.param(
            "{{#each l}}{{#if this}}{{../x}}{{/if}}{{/each}}",
            {"x": "X", "l": [1]},
            "X",
            id="if-does-not-add-a-level",
        ),
        pytest.param(
            "{{#each l as |item i|}}{{i}}={{item.n}} {{/each}}",
            {"l": [{"n": "a"}, {"n": "b"}]},
            "0=a 1=b ",
            id="block-params",
        ),
        pytest.param(
            "{{#each o as |value key|}}{{key}}:{{value}} {{/each}}",
            {"o": {"k": "v"}},
            "k:v ",
            id="block-params-object",
        ),
        pytest.param(
            "{{#each a as |x|}}{{#each ../b as |y|}}{{x}}{{y}} {{/each}}{{/each}}",
            {"a": [1, 2], "b": ["a"]},
            "1a 2a ",
            id="nested-block-params",
        ),
        pytest.param(
            "{{#each l as |item|}}{{this.item}}|{{item}}{{/each}}",
            {"l": [{"item": "own"}]},
            "own|[object Object]",
            id="this-skips-block-params",
        ),
        pytest.param(
            "{{#each s}}{{this}}{{/each}}", {"s": {"b", "a"} and ["only"]}, "only", id="iterable"
        ),
    ],
)
def test_each(source: str, variables: dict[str, Any], expected: str) -> None:
    assert render_template(source, variables) == expected


def test_each_over_a_generator() -> None:
    assert render_template("{{#each g}}{{this}}{{/each}}", {"g": (n for n in range(3))}) == "012"


@pytest.mark.parametrize(
    ("source", "variables", "expected"),
    [
        pytest.param(
            "{{#with a}}{{name}}/{{../site}}{{/with}}",
            {"a": {"name": "Ann"}, "site": "S"},
            "Ann/S",
            id="context",
        ),
        pytest.param("{{#with a}}x{{else}}none{{/with}}", {}, "none", id="missing-else"),
        pytest.param("{{#with a}}x{{else}}none{{/with}}", {"a": []}, "none", id="empty-list"),
        pytest.param("{{#with a}}[{{this}}]{{/with}}", {"a": 0}, "[0]", id="zero-is-a-value"),
        pytest.param(
            "{{#with a as |p|}}{{p.name}}{{/with}}", {"a": {"name": "N"}}, "N", id="block-param"
        ),
        pytest.param("{{#with this}}{{../x}}{{/with}}", {"x": "X"}, "", id="same-context"),
    ],
)
def test_with(source: str, variables: dict[str, Any], expected: str) -> None:
    assert render_template(source, variables) == expected


@pytest.mark.parametrize(
    ("source", "variables", "expected"),
    [
        pytest.param("{{#s}}[{{this}}]{{/s}}", {"s": [1, 2]}, "[1][2]", id="list-loops"),
        pytest.param("{{#s}}[{{@index}}]{{/s}}", {"s": ["a"]}, "[0]", id="list-has-index"),
        pytest.param("{{#s}}x{{else}}none{{/s}}", {"s": []}, "none", id="empty-list"),
        pytest.param("{{#s}}{{t}}{{/s}}", {"s": True, "t": "T"}, "T", id="true-keeps-context"),
        pytest.param("{{#s}}x{{else}}no{{/s}}", {"s": False}, "no", id="false"),
        pytest.param("{{#s}}x{{else}}no{{/s}}", {}, "no", id="missing"),
        pytest.param("{{#s}}{{n}}{{/s}}", {"s": {"n": "N"}}, "N", id="object-is-context"),
        pytest.param("{{#s}}[{{this}}]{{/s}}", {"s": 0}, "[0]", id="zero-is-context"),
        pytest.param("{{#s}}[{{this}}]{{/s}}", {"s": ""}, "[]", id="empty-string-is-context"),
        pytest.param("{{^s}}none{{/s}}", {"s": [1]}, "", id="inverse-nonempty"),
        pytest.param("{{^s}}none{{/s}}", {"s": "x"}, "", id="inverse-string"),
        pytest.param("{{#a.b}}{{c}}{{/a.b}}", {"a": {"b": {"c": "C"}}}, "C", id="dotted-name"),
    ],
)
def test_sections(source: str, variables: dict[str, Any], expected: str) -> None:
    assert render_template(source, variables) == expected


@pytest.mark.parametrize(
    ("source", "variables", "expected"),
    [
        pytest.param("{{#isEmpty l}}none{{else}}some{{/isEmpty}}", {"l": []}, "none", id="true"),
        pytest.param("{{#isEmpty l}}none{{else}}some{{/isEmpty}}", {"l": [1]}, "some", id="false"),
        pytest.param(
            "{{#contains tags 'py'}}{{title}}{{/contains}}",
            {"tags": ["py"], "title": "T"},
            "T",
            id="keeps-context",
        ),
        pytest.param("{{#first l}}yes{{else}}no{{/first}}", {"l": [0]}, "no", id="value-is-tested"),
    ],
)
def test_value_helpers_as_blocks(source: str, variables: dict[str, Any], expected: str) -> None:
    assert render_template(source, variables) == expected


def test_deep_but_allowed_nesting() -> None:
    depth = 60
    source = "{{#if t}}" * depth + "deep" + "{{/if}}" * depth
    assert render_template(source, {"t": True}) == "deep"


def test_card_template_end_to_end() -> None:
    source = (
        '<div class="card">\n'
        "  <h1>{{truncate title 20}}</h1>\n"
        "  {{#if tags}}\n"
        "  <ul>\n"
        "    {{#each tags as |tag|}}\n"
        "    <li>#{{lowercase tag}}{{#unless @last}},{{/unless}}</li>\n"
        "    {{/each}}\n"
        "  </ul>\n"
        "  {{/if}}\n"
        "  <footer>{{default author 'Anonymous'}} · {{date published 'long'}}</footer>\n"
        "</div>\n"
    )
    variables = {
        "title": "A <very> long title for a card",
        "tags": ["Python", "Docs"],
        "published": "2026-03-01",
    }
    assert render_template(source, variables) == (
        '<div class="card">\n'
        "  <h1>A &lt;very&gt; long title…</h1>\n"
        "  <ul>\n"
        "    <li>#python,</li>\n"
        "    <li>#docs</li>\n"
        "  </ul>\n"
        "  <footer>Anonymous · March 1, 2026</footer>\n"
        "</div>\n"
    )
