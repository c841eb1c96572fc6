"""Cleaning page text: tags, entities, whitespace, attribute lists, cutting at a word."""

from __future__ import annotations

import random

import pytest

from pictify_ssg.core import text
from pictify_ssg.core.text import (
    ELLIPSIS,
    clean_text,
    drop_code_listings,
    drop_code_marks,
    shorten,
    strip_html,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Install <em>it</em>", "Install it"),
        ("A &amp; B", "A & B"),
        ("&lt;b&gt; is literal", "<b> is literal"),
        ("  many \n\t spaces\u00a0here ", "many spaces here"),
        ("a < b and c > d", "a < b and c > d"),
        ("Setup { #setup .big }", "Setup"),
        ("Setup {: #setup }", "Setup"),
        ("Keep {braces} inside", "Keep {braces} inside"),
        ("<!-- hidden -->Shown", "Shown"),
        ("<script>alert(1)</script>Title", "Title"),
        ("<style>p{}</style>Title", "Title"),
        ("Caf&eacute; &#8212; menu", "Caf\u00e9 \u2014 menu"),
        ("日本語の<b>タイトル</b> 🎉", "日本語のタイトル 🎉"),
        ("one<br>two<p>three</p>", "one two three"),
        ("foo<code>bar</code>", "foobar"),
        ("Vec<T> and Option<Value>", "Vec<T> and Option<Value>"),
        ("std::vector<int>", "std::vector<int>"),
        ("<abbr title='x'>HTML</abbr> &amp; <span class=\"a\">CSS</span>", "HTML & CSS"),
        (None, ""),
        (42, "42"),
        ('<a href="x>y">link</a> text', "link text"),
    ],
)
def test_clean_text(raw: object, expected: str) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 10, "short"),
        ("exactly ten", 11, "exactly ten"),
        ("hello wonderful world", 15, "hello" + ELLIPSIS),
        ("hello wonderful world", 16, "hello wonderful" + ELLIPSIS),
        ("hello wonderful world", 17, "hello wonderful" + ELLIPSIS),
        ("one, two, three", 10, "one, two" + ELLIPSIS),
        ("Supercalifragilistic", 8, "Superca" + ELLIPSIS),
        ("anything", 0, "anything"),
        ("ab", 1, ELLIPSIS),
    ],
)
def test_shorten_cuts_at_a_word(text: str, limit: int, expected: str) -> None:
    result = shorten(text, limit)
    assert result == expected
    assert limit == 0 or len(result) <= limit


def test_clean_text_applies_the_limit_after_cleaning() -> None:
    assert clean_text("<b>hello</b> wonderful world", 15) == "hello" + ELLIPSIS


def test_strip_html_keeps_text_of_unclosed_comment_out() -> None:
    assert strip_html("Title <!-- never closed").strip() == "Title"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("The `Client` class", "The Client class"),
        ("``a`b`` and `c`", "a`b and c"),
        ("No code", "No code"),
        ("A lone ` backtick", "A lone ` backtick"),
    ],
)
def test_code_marks_leave_their_text(raw: str, clean: str) -> None:
    assert drop_code_marks(raw) == clean


def test_code_listings_leave_the_summary() -> None:
    summary = (
        '<p>Intro.</p><div class="highlight"><pre><span>x = 1</span>\n</pre></div>'
        "<p>After.</p><PRE class='x'>y</PRE>"
    )
    assert clean_text(drop_code_listings(summary)) == "Intro. After."


def test_fast_paths_match_the_regular_expressions() -> None:
    """fold_whitespace and drop_controls skip their regular expressions for printable text;
    on every mix of spaces, controls and Unicode separators they must agree with them."""
    pieces = [" ", "  ", "\t", "\n", "\r", "\xa0", "\u2003", "\u2028", "\x00", "\x1f", "\x7f"]
    pieces += ["\x85", "\x9f", "\u200b", "a", "é", "日", "🚀", "<b>", "&amp;"]
    rnd = random.Random(7)
    for _ in range(20000):
        sample = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 8)))
        without = text._CONTROL.sub("", sample)
        assert text.drop_controls(sample) == without, repr(sample)
        assert text.fold_whitespace(sample) == text._SPACE.sub(" ", without).strip(), repr(sample)
