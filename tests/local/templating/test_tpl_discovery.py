"""discover_variables, CompiledTemplate attributes and the compile cache."""

from __future__ import annotations

import threading

import pytest

from pictify_ssg.local.templating import (
    CACHE_SIZE,
    CompiledTemplate,
    TemplateError,
    clear_template_cache,
    compile_template,
    discover_variables,
    render_template,
    template_cache_info,
)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("no tags", [], id="none"),
        pytest.param("{{b}} {{a}} {{b}}", ["b", "a"], id="first-seen-order"),
        pytest.param("{{page.title}} {{page.url}}", ["page"], id="root-of-path"),
        pytest.param("{{{raw}}} {{& amp}}", ["raw", "amp"], id="raw-outputs"),
        pytest.param("{{truncate title 60}}", ["title"], id="helper-not-a-variable"),
        pytest.param("{{default sub (uppercase fallback)}}", ["sub", "fallback"], id="subexpr"),
        pytest.param("{{truncate t n suffix=sfx}}", ["t", "n", "sfx"], id="hash-values"),
        pytest.param("{{coalesce a 'lit' 3 true null b}}", ["a", "b"], id="literals-skipped"),
        pytest.param("{{this}} {{.}} {{this.x}} {{./y}}", ["x", "y"], id="this"),
        pytest.param("{{@index}} {{@root.site}} {{@root}}", ["site"], id="data"),
        pytest.param(
            "{{#if show}}{{title}}{{else}}{{other}}{{/if}}", ["show", "title", "other"], id="if"
        ),
        pytest.param("{{#unless hide}}{{x}}{{/unless}}", ["hide", "x"], id="unless"),
        pytest.param(
            "{{#each items}}{{name}} {{@index}} {{../title}}{{else}}{{empty}}{{/each}}",
            ["items", "title", "empty"],
            id="each-scope",
        ),
        pytest.param(
            "{{#each items as |item|}}{{item.name}}{{other}}{{/each}}",
            ["items"],
            id="block-params",
        ),
        pytest.param(
            "{{#with author as |a|}}{{a.name}}{{../site}}{{/with}}{{a}}",
            ["author", "site", "a"],
            id="block-param-scope-ends",
        ),
        pytest.param(
            "{{#each rows}}{{#each cells}}{{../../title}}{{../label}}{{/each}}{{/each}}",
            ["rows", "title"],
            id="two-levels",
        ),
        pytest.param("{{#section}}{{inner}}{{/section}}", ["section"], id="section-scope"),
        pytest.param("{{^missing}}{{fallback}}{{/missing}}", ["missing", "fallback"], id="inverse"),
        pytest.param(
            "{{#if a}}{{else if b}}{{else}}{{c}}{{/if}}", ["a", "b", "c"], id="else-chain"
        ),
        pytest.param("{{#isEmpty tags}}{{none}}{{/isEmpty}}", ["tags", "none"], id="helper-block"),
        pytest.param("{{../outside}}", [], id="beyond-root"),
        pytest.param(
            "{{date}} {{if}} {{else_}}", ["date", "if", "else_"], id="names-like-keywords"
        ),
        pytest.param("{{[with space]}} {{a.[b c]}}", ["with space", "a"], id="brackets"),
        pytest.param("{{! {{hidden}} }}{{!-- {{gone}} --}}\\{{escaped}}", [], id="comments"),
    ],
)
def test_discover_variables(source: str, expected: list[str]) -> None:
    assert discover_variables(source) == expected


def test_discover_variables_reports_compile_errors() -> None:
    with pytest.raises(TemplateError) as caught:
        discover_variables("{{#if a}}")
    assert caught.value.code == "HANDLEBARS_COMPILE_ERROR"


def test_compiled_template_attributes() -> None:
    template = compile_template("{{{body}}} {{title}} {{& body}} {{{default x y}}}")
    assert template.variables == ("body", "title", "x", "y")
    assert template.raw_variables == ("body", "x", "y")
    assert template.source.startswith("{{{body}}}")
    assert repr(template) == "CompiledTemplate('{{{body}}} {{title}} {{& body}} {{{de...')"
    assert isinstance(template, CompiledTemplate)


def test_compile_cache_reuses_templates() -> None:
    clear_template_cache()
    first = compile_template("{{cached}}")
    assert compile_template("{{cached}}") is first
    info = template_cache_info()
    assert (info.hits, info.misses, info.currsize) == (1, 1, 1)
    render_template("{{cached}}", {"cached": 1})
    discover_variables("{{cached}}")
    assert template_cache_info().hits == 3
    assert compile_template("{{other}}") is not first


def test_compile_cache_is_bounded() -> None:
    clear_template_cache()
    oldest = compile_template("{{n}} 0")
    for number in range(1, CACHE_SIZE + 1):
        compile_template(f"{{{{n}}}} {number}")
    assert template_cache_info().currsize == CACHE_SIZE
    assert compile_template("{{n}} 0") is not oldest  # evicted and compiled again


def test_failed_compiles_are_not_cached() -> None:
    clear_template_cache()
    for _ in range(2):
        with pytest.raises(TemplateError):
            compile_template("{{#if}}")
    assert template_cache_info().currsize == 0


def test_one_compiled_template_renders_in_many_threads() -> None:
    template = compile_template("{{#each l}}{{../name}}{{@index}}{{/each}}")
    results: dict[int, str] = {}

    def work(number: int) -> None:
        for _ in range(50):
            results[number] = template.render({"name": f"t{number}-", "l": [0, 1, 2]})

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {n: f"t{n}-0t{n}-1t{n}-2" for n in range(8)}
