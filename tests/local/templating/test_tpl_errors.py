"""Errors: codes, messages and positions for bad templates, strict variables, limits, raw HTML."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from pictify_ssg.local.templating import (
    HANDLEBARS_COMPILE_ERROR,
    HELPER_NOT_ALLOWED,
    ITERATION_LIMIT_EXCEEDED,
    RAW_HTML_NOT_ALLOWED,
    UNDEFINED_VARIABLE,
    TemplateError,
    compile_template,
    render_template,
)

COMPILE = HANDLEBARS_COMPILE_ERROR


@pytest.mark.parametrize(
    ("source", "code", "line", "column", "fragment"),
    [
        # unbalanced and mismatched blocks
        ("{{#if a}}x", COMPILE, 1, 1, "never closed"),
        ("ok\n  {{#each l}}\n{{#if a}}x{{/if}}", COMPILE, 2, 3, "{{#each}} is never closed"),
        ("x{{/if}}", COMPILE, 1, 2, "without an opening block"),
        ("{{#if a}}\n  x{{/each}}", COMPILE, 2, 4, "does not match {{#if}}"),
        ("{{#if a}}{{/if b}}", COMPILE, 1, 10, "does not match"),
        ("{{#a.b}}{{/a}}", COMPILE, 1, 9, "does not match"),
        ("{{else}}", COMPILE, 1, 1, "outside a block"),
        ("{{#if a}}x{{else}}y{{else}}z{{/if}}", COMPILE, 1, 20, "only one plain {{else}}"),
        ("{{#if a}}x{{else}}y{{else if b}}z{{/if}}", COMPILE, 1, 20, "only one plain"),
        # malformed tags
        ("{{title", COMPILE, 1, 1, "not closed with }}"),
        ("a\n{{{title}}", COMPILE, 2, 1, "must be closed with }}}"),
        ("{{}}", COMPILE, 1, 1, "empty tag"),
        ("{{ }}", COMPILE, 1, 1, "empty tag"),
        ("{{! open", COMPILE, 1, 1, "{{! is not closed"),
        ("{{!-- open }}", COMPILE, 1, 1, "{{!-- is not closed"),
        ("{{title!}}", COMPILE, 1, 8, "unexpected '!'"),
        ('{{default a "open}}', COMPILE, 1, 13, "string literal is not closed"),
        ("{{[open}}", COMPILE, 1, 3, "not closed with ]"),
        ("{{a.}}", HELPER_NOT_ALLOWED, 1, 1, "'a'"),  # like Handlebars: `{{a .}}`
        ("{{a/../b}}", COMPILE, 1, 3, "invalid path"),
        ("{{a = b}}", COMPILE, 1, 5, "unexpected '='"),
        ("{{#if}}x{{/if}}", COMPILE, 1, 1, "takes exactly one argument"),
        ("{{#if a b}}x{{/if}}", COMPILE, 1, 1, "takes exactly one argument"),
        ("{{#each a b}}x{{/each}}", COMPILE, 1, 1, "takes exactly one argument"),
        ("{{#each a foo=1}}x{{/each}}", COMPILE, 1, 1, "has no option 'foo'"),
        ("{{#if a includezero=true}}x{{/if}}", COMPILE, 1, 1, "has no option 'includezero'"),
        ("{{#each l as |a b c|}}{{/each}}", COMPILE, 1, 1, "2 block parameter"),
        ("{{#with l as |a b|}}{{/with}}", COMPILE, 1, 1, "1 block parameter"),
        ("{{#if l as |a|}}{{/if}}", COMPILE, 1, 1, "0 block parameter"),
        ("{{#each l as ||}}{{/each}}", COMPILE, 1, 1, "as |item index|"),
        ("{{#each l as |a}}{{/each}}", COMPILE, 1, 1, "as |item index|"),
        ("{{title as |x|}}", COMPILE, 1, 1, "only allowed on blocks"),
        ("{{#'lit'}}{{/'lit'}}", COMPILE, 1, 1, "must start with a name"),
        ("{{^a b}}x{{/a}}", COMPILE, 1, 1, "single value"),
        ("{{(uppercase a) b}}", COMPILE, 1, 1, "cannot be called like a helper"),
        ("{{uppercase (a)}}", HELPER_NOT_ALLOWED, 1, 13, "helper 'a' is not allowed"),
        ("{{uppercase (lowercase a}}", COMPILE, 1, 13, "not closed with )"),
        ("{{a/}}", COMPILE, 1, 3, "expected a name"),
        ("{{a/ (b)}}", COMPILE, 1, 6, "expected a name"),
        ("{{uppercase ('x')}}", COMPILE, 1, 13, "must call a helper"),
        ("{{#each (parseJson js).tags}}{{/each}}", COMPILE, 1, 23, "unexpected"),
        ("{{truncate a 5 suffix='x' 3}}", COMPILE, 1, 27, "must come before key=value"),
        ("{{default a b=1 b=2}}", COMPILE, 1, 17, "given twice"),
        # helpers: safelist and arity
        ("{{foo bar}}", HELPER_NOT_ALLOWED, 1, 1, "helper 'foo' is not allowed"),
        ("x\n  {{#link url}}a{{/link}}", HELPER_NOT_ALLOWED, 2, 3, "'link' is not allowed"),
        ("{{{raw-helper a}}}", HELPER_NOT_ALLOWED, 1, 1, "'raw-helper'"),
        ("{{lookup this 'a'}}", HELPER_NOT_ALLOWED, 1, 1, "'lookup'"),
        ("{{log a}}", HELPER_NOT_ALLOWED, 1, 1, "'log'"),
        ("{{eq a b}}", HELPER_NOT_ALLOWED, 1, 1, "'eq'"),
        ("{{if a 'x'}}", COMPILE, 1, 1, "block helper: use {{#if"),
        ("{{this.foo bar}}", COMPILE, 1, 1, "not a helper"),
        ("{{#this.foo bar}}{{/this.foo}}", COMPILE, 1, 1, "not a helper"),
        ("{{@index a}}", COMPILE, 1, 1, "not a helper"),
        ("{{truncate a}}", COMPILE, 1, 1, "needs 2 argument(s) (usage: truncate text length"),
        ("{{uppercase a b}}", COMPILE, 1, 1, "takes at most 1"),
        ("{{truncate a 5 sufix='x'}}", COMPILE, 1, 1, "no option 'sufix'"),
        ("{{truncate a 5 '.' suffix='x'}}", COMPILE, 1, 1, "got 'suffix' twice"),
        ("{{truncate a length=5}}", COMPILE, 1, 1, "no option 'length'"),
        ("{{date format='YYYY' value=d}}", COMPILE, 1, 1, "no option 'value'"),
        # unsupported Handlebars features
        ("{{> partial}}", COMPILE, 1, 1, "partials are not supported"),
        ("{{#> layout}}x{{/layout}}", COMPILE, 1, 1, "partials are not supported"),
        ("{{#*inline 'x'}}y{{/inline}}", COMPILE, 1, 1, "decorators are not supported"),
        ("{{*decorator}}", COMPILE, 1, 1, "decorators are not supported"),
        ("{{{{raw}}}} {{x}} {{{{/raw}}}}", COMPILE, 1, 1, "raw blocks"),
    ],
)
def test_compile_errors(source: str, code: str, line: int, column: int, fragment: str) -> None:
    with pytest.raises(TemplateError) as caught:
        compile_template(source)
    error = caught.value
    assert error.code == code
    assert fragment in error.message
    assert (error.line, error.column) == (line, column)
    assert str(error) == f"{code}: {error.message} (line {line}, column {column})"
    assert error.context == {"line": line, "column": column}


def test_too_deep_nesting_is_a_compile_error() -> None:
    with pytest.raises(TemplateError, match="nested deeper than 64") as caught:
        compile_template("{{#if a}}" * 65 + "{{/if}}" * 65)
    assert caught.value.code == COMPILE
    with pytest.raises(TemplateError, match="nested deeper than 64"):
        compile_template("{{uppercase " + "(uppercase " * 65 + "a" + ")" * 65 + "}}")


def test_error_without_position() -> None:
    error = TemplateError("X", "went wrong")
    assert str(error) == "X: went wrong"
    assert error.context == {}
    assert repr(error) == "TemplateError('X', 'went wrong', line=None, column=None)"
    assert isinstance(error, Exception)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.code, copy.message) == ("X", "went wrong")


STRICT_VARS: dict[str, Any] = {
    "title": "T",
    "page": {"name": "N"},
    "l": [{"a": 1}],
    "none": None,
    "flag": False,
}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("{{title}} {{page.name}}", "T N", id="defined"),
        pytest.param("[{{none}}]", "[]", id="null-is-defined"),
        pytest.param("{{#if subtitle}}x{{else}}no{{/if}}", "no", id="if-may-test-missing"),
        pytest.param("{{default subtitle 'd'}}", "d", id="helper-arg-may-be-missing"),
        pytest.param("{{#unless page.missing}}u{{/unless}}", "u", id="missing-last-segment-arg"),
        pytest.param("{{#each l}}{{a}}{{/each}}", "1", id="inside-each"),
        pytest.param("{{#each missing}}x{{else}}e{{/each}}", "e", id="each-arg-may-be-missing"),
        pytest.param("{{#flag}}x{{else}}f{{/flag}}", "f", id="section-defined-false"),
        pytest.param("{{#each l}}{{#if @first}}F{{/if}}{{/each}}", "F", id="data-in-each"),
        pytest.param("{{#if @first}}F{{/if}}", "", id="data-arg-may-be-missing"),
    ],
)
def test_strict_mode_allows(source: str, expected: str) -> None:
    assert render_template(source, STRICT_VARS, strict=True) == expected


@pytest.mark.parametrize(
    ("source", "name", "column"),
    [
        pytest.param("{{subtitle}}", "subtitle", 3, id="printed"),
        pytest.param("x {{{subtitle}}}", "subtitle", 6, id="printed-raw"),
        pytest.param("{{page.missing}}", "page.missing", 3, id="last-segment-printed"),
        pytest.param("{{#if nope.deeper}}x{{/if}}", "nope.deeper", 7, id="missing-intermediate"),
        pytest.param("{{uppercase nope.x}}", "nope.x", 13, id="intermediate-in-helper"),
        pytest.param("{{#each l}}{{b}}{{/each}}", "b", 14, id="missing-item-field"),
        pytest.param("{{#section}}x{{/section}}", "section", 4, id="section"),
        pytest.param("{{../up}}", "../up", 3, id="beyond-root"),
        pytest.param("{{@index}}", "@index", 3, id="data-outside-each"),
        pytest.param("{{@root.nope}}", "@root.nope", 3, id="root-path"),
    ],
)
def test_strict_mode_rejects(source: str, name: str, column: int) -> None:
    assert render_template(source, STRICT_VARS) is not None  # fine when not strict
    with pytest.raises(TemplateError) as caught:
        render_template(source, STRICT_VARS, strict=True)
    error = caught.value
    assert error.code == UNDEFINED_VARIABLE
    assert f"'{name}' is not defined" in error.message
    assert (error.line, error.column) == (1, column)


def test_iteration_limit_counts_all_loops_together() -> None:
    template = compile_template("{{#each rows}}{{#each ../cols}}.{{/each}}{{/each}}")
    hundred = list(range(100))
    # 100 rows + 100 * 99 cells = 10 000 iterations: exactly at the default limit.
    assert len(template.render({"rows": hundred, "cols": hundred[:99]})) == 9_900
    with pytest.raises(TemplateError) as caught:
        template.render({"rows": hundred, "cols": hundred})
    assert caught.value.code == ITERATION_LIMIT_EXCEEDED
    assert "10000" in caught.value.message
    assert (caught.value.line, caught.value.column) == (1, 15)


def test_iteration_limit_applies_to_sections_and_is_configurable() -> None:
    template = compile_template("{{#l}}x{{/l}}")
    assert template.render({"l": [1, 2, 3]}, iteration_limit=3) == "xxx"
    with pytest.raises(TemplateError) as caught:
        template.render({"l": [1, 2, 3, 4]}, iteration_limit=3)
    assert caught.value.code == ITERATION_LIMIT_EXCEEDED


def test_iteration_count_starts_fresh_on_every_render() -> None:
    template = compile_template("{{#each l}}x{{/each}}")
    for _ in range(3):
        assert template.render({"l": [0] * 8_000}) == "x" * 8_000


@pytest.mark.parametrize(
    ("source", "allow", "offender"),
    [
        pytest.param("{{{body}}}", [], "body", id="triple"),
        pytest.param("ok {{& body}}", ["other"], "body", id="ampersand"),
        pytest.param("{{{default body html}}}", ["body"], "html", id="helper-argument"),
        pytest.param("{{#with page}}{{{../body}}}{{/with}}", [], "body", id="parent-path"),
    ],
)
def test_raw_html_needs_opt_in(source: str, allow: list[str], offender: str) -> None:
    template = compile_template(source)
    variables = {"body": "<b>x</b>", "html": "<i>", "page": {}}
    template.render(variables)  # raw output is allowed when no allow-list is given
    with pytest.raises(TemplateError) as caught:
        template.render(variables, allow_raw=allow)
    assert caught.value.code == RAW_HTML_NOT_ALLOWED
    assert f"'{offender}'" in caught.value.message
    assert caught.value.line == 1


def test_raw_html_allowed_when_listed() -> None:
    template = compile_template("{{{body}}} {{title}}")
    assert template.render({"body": "<b>x</b>", "title": "<t>"}, allow_raw={"body"}) == (
        "<b>x</b> &lt;t&gt;"
    )


@pytest.mark.parametrize("bad", [None, ["a"], "text", 3])
def test_variables_must_be_a_mapping(bad: Any) -> None:
    with pytest.raises(TypeError, match="variables must be a mapping"):
        render_template("{{a}}", bad)


def test_source_must_be_text() -> None:
    with pytest.raises(TypeError, match="template source must be str"):
        compile_template(b"{{a}}")  # type: ignore[arg-type]
