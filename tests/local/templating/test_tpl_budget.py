"""The output budget: a render stops at the size limit instead of building the whole result."""

from __future__ import annotations

import contextlib
import tracemalloc
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest

from pictify_ssg.local.templating import (
    DEFAULT_OUTPUT_LIMIT,
    RENDERED_HTML_TOO_LARGE,
    TemplateError,
    compile_template,
    render_template,
)

MIB = 1024 * 1024


class CountingItem(Mapping[str, str]):
    """A loop item that counts how often the template reads it."""

    reads = 0

    def __getitem__(self, key: str) -> str:
        CountingItem.reads += 1
        return "x" * 1000

    def __iter__(self) -> Iterator[str]:
        return iter(["text"])

    def __len__(self) -> int:
        return 1


def test_the_default_budget_is_2_mib() -> None:
    assert DEFAULT_OUTPUT_LIMIT == 2 * MIB


def test_a_2_kb_template_that_would_expand_to_100_mb_stops_at_the_budget() -> None:
    # 100 x 100 iterations of a 10 000-character pad: 100 MB if it ran to the end.
    source = '{{#each a}}{{#each ../a}}{{padStart "" 10000 "x"}}{{/each}}{{/each}}'
    assert len(source) < 2048

    with pytest.raises(TemplateError) as caught:
        render_template(source, {"a": list(range(100))})

    assert caught.value.code == RENDERED_HTML_TOO_LARGE
    assert "2097152 bytes" in caught.value.message
    assert (caught.value.line, caught.value.column) == (1, 26)


def test_the_render_stops_as_soon_as_the_budget_is_passed() -> None:
    template = compile_template("{{#each items}}{{text}}{{/each}}")
    CountingItem.reads = 0

    with pytest.raises(TemplateError):
        template.render({"items": [CountingItem() for _ in range(5000)]}, output_limit=10_500)

    # 1000 characters per item: the 11th item passes 10 500, and nothing after it is read.
    assert CountingItem.reads == 11


def test_output_right_at_the_budget_is_allowed() -> None:
    template = compile_template("{{#each items}}{{this}}{{/each}}")

    assert len(template.render({"items": ["ab"] * 5}, output_limit=10)) == 10
    with pytest.raises(TemplateError):
        template.render({"items": ["ab"] * 5 + ["c"]}, output_limit=10)


def test_the_budget_counts_utf8_bytes() -> None:
    template = compile_template("{{t}}")

    assert template.render({"t": "é" * 5}, output_limit=10) == "é" * 5
    with pytest.raises(TemplateError):
        template.render({"t": "é" * 6}, output_limit=10)


def test_literal_text_in_a_loop_counts_too() -> None:
    template = compile_template("{{#each l}}0123456789{{/each}}")

    with pytest.raises(TemplateError) as caught:
        template.render({"l": list(range(100))}, output_limit=500)

    assert caught.value.code == RENDERED_HTML_TOO_LARGE


def _peak_bytes(action: Callable[[], Any]) -> int:
    tracemalloc.start()
    try:
        with contextlib.suppress(TemplateError):
            action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _deep(levels: int, leaves: int) -> list[Any]:
    value: list[Any] = [1] * leaves
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("source", "variables"),
    [
        # 6 000 x 6 000 characters = 36 MB if built.
        ('{{replace x "a" x}}', {"x": "a" * 6000}),
        # 6 000 items joined by a 6 000-character separator: 36 MB.
        ("{{join (split x '') x}}", {"x": "a" * 6000}),
        # Indentation repeats per level: 100 000 leaves 30 levels deep, 10 spaces a level,
        # print as 31 MB from 200 KB of data.
        ("{{json x 10}}", {"x": _deep(30, 100_000)}),
        # Each mapping prints as "[object Object]": 16 MB from 3 MB of JSON.
        ("{{x}}", {"x": [{}] * 1_000_000}),
    ],
    ids=["replace", "join", "json-indent", "print-list"],
)
def test_helpers_refuse_a_result_over_the_budget_before_building_it(
    source: str, variables: dict[str, Any]
) -> None:
    template = compile_template(source)

    with pytest.raises(TemplateError) as caught:
        template.render(variables)
    peak = _peak_bytes(lambda: template.render(variables))

    assert caught.value.code == RENDERED_HTML_TOO_LARGE
    assert caught.value.line == 1
    # Built in full, the result alone would take 16 MB or more; refused early, the peak stays
    # within a few times the 2 MiB budget.
    assert peak < 8 * MIB, peak


def test_helpers_under_the_budget_still_work() -> None:
    assert render_template('{{replace x "a" "bb"}}', {"x": "aXa"}) == "bbXbb"
    assert render_template('{{join l "-"}}', {"l": [1, 2, 3]}) == "1-2-3"
    assert render_template("{{json x 2}}", {"x": {"a": [1]}}) == (
        "{\n  &quot;a&quot;: [\n    1\n  ]\n}"
    )
