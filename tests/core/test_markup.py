"""Values a template prints raw keep inline formatting and nothing else."""

from __future__ import annotations

import pytest

from pictify_ssg.core.card_templates import handlebars_raw_variables, handlebars_variables
from pictify_ssg.core.markup import inline_html
from pictify_ssg.core.text import clean_text, shorten


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Plain title", "Plain title"),
        ("AT&T", "AT&amp;T"),
        ("a < b > c", "a &lt; b &gt; c"),
        ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("<svg/onload=alert(1)>", "&lt;svg/onload=alert(1)&gt;"),
        ('<a href="javascript:x">l</a>', '&lt;a href="javascript:x"&gt;l&lt;/a&gt;'),
        ("<style>*{}</style>", "&lt;style&gt;*{}&lt;/style&gt;"),
        ("<!-- hidden -->x", "&lt;!-- hidden --&gt;x"),
        ("<b>bold</b> and <em>em</em>", "<b>bold</b> and <em>em</em>"),
        ('<i class="x" onclick="y">it</i>', "<i>it</i>"),
        ('<span style="position:fixed">s</span>', "<span>s</span>"),
        ("line<br/>break", "line<br>break"),
        ("<b><i>x</b>", "<b><i>x</i></b>"),
        ("unclosed <strong>bold", "unclosed <strong>bold</strong>"),
        ("</b> stray", "&lt;/b&gt; stray"),
        ("cut mid-tag <img src=x onerr", "cut mid-tag &lt;img src=x onerr"),
        ("&lt;img onerror=x&gt;", "&lt;img onerror=x&gt;"),
        ("<textarea><b>x</b></textarea>", "&lt;textarea&gt;<b>x</b>&lt;/textarea&gt;"),
    ],
)
def test_inline_html(value: str, expected: str) -> None:
    assert inline_html(value) == expected


def test_entity_encoded_markup_in_a_page_title_never_becomes_live() -> None:
    # Text cleaning decodes entities: the title reads "<img …>" as text...
    title = clean_text("Beware &lt;img src=x onerror=alert(1)&gt;", keep_code=True)
    assert title == "Beware <img src=x onerror=alert(1)>"
    # ...and printed raw, it stays text.
    assert "<img" not in inline_html(title)


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Title<script>alert(1)</script>", 12, "Title\u2026"),
        ("A very long <strong>heading", 17, "A very long\u2026"),
        ("Vec<T> in Rust and C++ templates", 12, "Vec<T> in\u2026"),
        ("short <b", 7, "short\u2026"),
    ],
)
def test_truncation_never_leaves_half_a_tag(text: str, limit: int, expected: str) -> None:
    assert shorten(text, limit) == expected


@pytest.mark.parametrize(
    ("html", "raw", "all_names"),
    [
        ("{{title}}", set(), {"title"}),
        ("{{{title}}} {{description}}", {"title"}, {"title", "description"}),
        ("{{& title}}", {"title"}, {"title"}),
        ("{{{uppercase title}}}", {"title"}, {"title"}),
        ("{{#if badge}}{{{badge}}}{{/if}}", {"badge"}, {"badge"}),
    ],
)
def test_raw_variables_are_found(html: str, raw: set[str], all_names: set[str]) -> None:
    assert handlebars_raw_variables(html) >= raw
    assert handlebars_variables(html) >= all_names
