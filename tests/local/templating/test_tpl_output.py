"""Output tags, escaping, stringification, paths, literals, comments and whitespace control."""

from __future__ import annotations

from typing import Any

import pytest

from pictify_ssg.local.templating import render_template

PAGE = {
    "title": "Install <it>",
    "page": {"author": {"name": "Ann"}, "tags": ["a", "b"]},
    "items": ["x", "y", "z"],
    "my key": "spaced",
    "0": "zero-key",
}


@pytest.mark.parametrize(
    ("source", "variables", "expected"),
    [
        pytest.param("plain text", {}, "plain text", id="no-tags"),
        pytest.param("", {}, "", id="empty"),
        pytest.param("{{title}}", PAGE, "Install &lt;it&gt;", id="escaped"),
        pytest.param("{{{title}}}", PAGE, "Install <it>", id="triple-raw"),
        pytest.param("{{& title}}", PAGE, "Install <it>", id="ampersand-raw"),
        pytest.param("{{ title }}", PAGE, "Install &lt;it&gt;", id="inner-spaces"),
        pytest.param(
            "{{v}}",
            {"v": "& < > \" ' ` ="},
            "&amp; &lt; &gt; &quot; &#x27; &#x60; &#x3D;",
            id="all-seven-escapes",
        ),
        pytest.param(
            "<h1>{{t}}</h1>",
            {"t": "<script>alert(1)</script>"},
            "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>",
            id="script-title",
        ),
        pytest.param(
            '<meta content="{{t}}">',
            {"t": '" onload="x'},
            '<meta content="&quot; onload&#x3D;&quot;x">',
        ),
        pytest.param("{{missing}}", {}, "", id="missing-is-empty"),
        pytest.param("{{page.author.name}}", PAGE, "Ann", id="dotted"),
        pytest.param("{{page/author/name}}", PAGE, "Ann", id="slashed"),
        pytest.param("{{page.nothing.deeper}}", PAGE, "", id="missing-intermediate"),
        pytest.param("{{this.title}}", PAGE, "Install &lt;it&gt;", id="this-dot"),
        pytest.param("{{./title}}", PAGE, "Install &lt;it&gt;", id="dot-slash"),
        pytest.param("{{items.length}}", PAGE, "3", id="list-length"),
        pytest.param("{{title.length}}", PAGE, "12", id="string-length"),
        pytest.param("{{items.[1]}}", PAGE, "y", id="bracket-index"),
        pytest.param("{{items.1}}", PAGE, "y", id="number-index"),
        pytest.param("{{items.9}}", PAGE, "", id="index-out-of-range"),
        pytest.param("{{[my key]}}", PAGE, "spaced", id="bracket-segment"),
        pytest.param('{{"my key"}}', PAGE, "spaced", id="string-head-is-lookup"),
        pytest.param("{{page.tags.[0]}}", PAGE, "a", id="nested-index"),
        pytest.param("{{@root.title}}", PAGE, "Install &lt;it&gt;", id="at-root"),
        pytest.param("{{this}}", {"a": 1}, "[object Object]", id="this-object"),
        pytest.param("{{.}}", {"a": 1}, "[object Object]", id="dot-this"),
        pytest.param("{{title.upper}}", PAGE, "", id="no-python-attributes"),
        pytest.param("{{title.__class__}}", PAGE, "", id="no-dunder-attributes"),
    ],
)
def test_paths_and_escaping(source: str, variables: dict[str, Any], expected: str) -> None:
    assert render_template(source, variables) == expected


class _Opaque:
    def __str__(self) -> str:
        return "opaque!"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(True, "true", id="true"),
        pytest.param(False, "false", id="false"),
        pytest.param(None, "", id="none"),
        pytest.param(0, "0", id="zero"),
        pytest.param(-12, "-12", id="negative-int"),
        pytest.param(1.0, "1", id="integral-float"),
        pytest.param(1.5, "1.5", id="float"),
        pytest.param(-0.0, "0", id="negative-zero"),
        pytest.param(0.1 + 0.2, "0.30000000000000004", id="float-noise-like-js"),
        pytest.param(1e21, "1e+21", id="big-exponent"),
        pytest.param(123456789012345680000.0, "123456789012345680000", id="below-1e21"),
        pytest.param(1e-7, "1e-7", id="small-exponent"),
        pytest.param(0.000001, "0.000001", id="small-plain"),
        pytest.param(1.5e-10, "1.5e-10", id="small-mantissa"),
        pytest.param(float("nan"), "NaN", id="nan"),
        pytest.param(float("inf"), "Infinity", id="infinity"),
        pytest.param(float("-inf"), "-Infinity", id="minus-infinity"),
        pytest.param([1, "a", None, True], "1,a,,true", id="list-joined"),
        pytest.param([[1, 2], [3]], "1,2,3", id="nested-list"),
        pytest.param((1, 2), "1,2", id="tuple"),
        pytest.param([], "", id="empty-list"),
        pytest.param({"a": 1}, "[object Object]", id="mapping"),
        pytest.param(_Opaque(), "opaque!", id="other-object"),
        pytest.param(b"bytes", "bytes", id="bytes"),
    ],
)
def test_values_print_like_javascript(value: object, expected: str) -> None:
    assert render_template("{{{v}}}", {"v": value}) == expected


def test_cyclic_list_prints_without_recursing() -> None:
    cyclic: list[object] = [1]
    cyclic.append(cyclic)
    assert render_template("{{v}}", {"v": cyclic}) == "1,"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("a{{! a comment }}b", "ab", id="short-comment"),
        pytest.param("a{{!-- has }} inside --}}b", "ab", id="long-comment"),
        pytest.param("a{{!-- multi\nline --}}b", "ab", id="multiline-comment"),
        pytest.param("a {{~! trim ~}} b", "ab", id="comment-with-strip"),
        pytest.param("x\n  {{! standalone }}\ny", "x\ny", id="standalone-comment"),
        pytest.param("\\{{title}}", "{{title}}", id="escaped-mustache"),
        pytest.param("\\{{a}} {{b}}", "{{a}} B", id="escape-ends-at-next-tag"),
        pytest.param("\\\\{{b}}", "\\B", id="escaped-backslash"),
        pytest.param("{{b}}}", "B}", id="extra-brace-is-text"),
        pytest.param("a }} b", "a }} b", id="stray-close-is-text"),
    ],
)
def test_comments_and_escapes(source: str, expected: str) -> None:
    assert render_template(source, {"title": "T", "b": "B"}) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("a  {{~v}}  b", "aV  b", id="strip-left"),
        pytest.param("a  {{v~}}  b", "a  Vb", id="strip-right"),
        pytest.param("a \n {{~v~}} \n b", "aVb", id="strip-both-newlines"),
        pytest.param("a  {{~{v}~}}  b", "aVb", id="strip-triple"),
        pytest.param("a {{~#if t~}} x {{~/if~}} b", "axb", id="strip-block"),
        pytest.param("{{#if t}} x {{~else~}} y {{/if}}", " x", id="strip-else"),
        pytest.param("<p>\n  {{v}}\n</p>", "<p>\n  V\n</p>", id="mustache-not-standalone"),
        pytest.param("<p>\n  {{#if t}}\n  x\n  {{/if}}\n</p>", "<p>\n  x\n</p>", id="standalone"),
        pytest.param("{{#if t}}\nx\n{{/if}}\n", "x\n", id="standalone-at-edges"),
        pytest.param("{{#if f}}\nx\n{{else}}\ny\n{{/if}}\n", "y\n", id="standalone-else"),
        pytest.param(
            "{{#if f}}\nx\n{{else if t}}\ny\n{{/if}}\n", "y\n", id="standalone-else-chain"
        ),
        pytest.param("a {{#if t}}x{{/if}} b", "a x b", id="inline-block-keeps-spaces"),
        pytest.param("\r\n  {{#if t}}\r\nx\r\n  {{/if}}\r\n", "\r\nx\r\n", id="crlf"),
        pytest.param(
            "<ul>\n  {{#each l}}\n  <li>{{this}}</li>\n  {{/each}}\n</ul>",
            "<ul>\n  <li>1</li>\n  <li>2</li>\n</ul>",
            id="each-lines",
        ),
    ],
)
def test_whitespace_control(source: str, expected: str) -> None:
    assert render_template(source, {"v": "V", "t": True, "f": False, "l": [1, 2]}) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param('{{default missing "str"}}', "str", id="double-quoted"),
        pytest.param("{{default missing 'single'}}", "single", id="single-quoted"),
        pytest.param(
            '{{default missing "say \\"hi\\""}}', "say &quot;hi&quot;", id="escaped-quote"
        ),
        pytest.param("{{default missing 'it\\'s'}}", "it&#x27;s", id="escaped-single"),
        pytest.param('{{default missing "a }} b"}}', "a }} b", id="braces-in-string"),
        pytest.param("{{default missing 42}}", "42", id="int"),
        pytest.param("{{default missing -1.5}}", "-1.5", id="negative-float"),
        pytest.param("{{default missing true}}", "true", id="true"),
        pytest.param("{{default missing false}}", "false", id="false"),
        pytest.param("{{default missing null}}", "", id="null"),
        pytest.param("{{default missing undefined}}", "", id="undefined"),
        pytest.param("{{{default missing '<b>'}}}", "<b>", id="raw-literal"),
    ],
)
def test_literals(source: str, expected: str) -> None:
    assert render_template(source, {}) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("{{uppercase (lowercase 'AbC')}}", "ABC", id="nested"),
        pytest.param("{{truncate (uppercase t) 4 suffix='.'}}", "HEL.", id="hash-in-outer"),
        pytest.param("{{join (split (lowercase 'A;B') ';') '+'}}", "a+b", id="three-deep"),
        pytest.param("{{(uppercase t)}}", "HELLO", id="subexpression-as-head"),
        pytest.param("{{#if (isEmpty none)}}empty{{/if}}", "empty", id="in-block-param"),
        pytest.param("{{truncate t 3 suffix=''}}", "hel", id="empty-suffix-by-hash"),
    ],
)
def test_subexpressions_and_hash(source: str, expected: str) -> None:
    assert render_template(source, {"t": "hello"}) == expected


def test_bare_helper_name_reads_the_variable() -> None:
    # Card data often has fields named like helpers; a bare name is always the variable.
    variables = {"date": "yesterday", "number": 7, "length": "long"}
    assert render_template("{{date}} {{number}} {{length}}", variables) == "yesterday 7 long"


def test_unicode_passes_through() -> None:
    assert render_template("{{t}} ✓", {"t": "日本語 😀"}) == "日本語 😀 ✓"
