"""inject_meta_tags: replaces image tags, adds the others only when missing, idempotent."""

from __future__ import annotations

import re

import pytest

from pictify_ssg.core import MetaTag, inject_meta_tags

TAGS = (
    MetaTag("property", "og:image", "https://ex.org/a.png?x=1&y=2"),
    MetaTag("property", "og:image:width", "1200"),
    MetaTag("property", "og:image:alt", 'Say "hi" <now>'),
    MetaTag("name", "twitter:card", "summary_large_image"),
    MetaTag("name", "twitter:image", "https://ex.org/a.png?x=1&y=2"),
    MetaTag("property", "og:title", "Card title"),
    MetaTag("property", "og:site_name", "Docs"),
)


def metas(html: str) -> list[str]:
    return re.findall(r"<meta [^>]*>", html)


def keys(html: str) -> list[str]:
    return re.findall(r'<meta (?:property|name)="([^"]+)"', html)


PAGES = {
    "plain": (
        "<!doctype html>\n<html>\n<head>\n  <title>T</title>\n</head>\n"
        "<body><p>x</p></body>\n</html>\n"
    ),
    "theme-tags": (
        "<html><head>\n"
        '  <meta property="og:image" content="old.png">\n'
        '  <meta property="og:image:width" content="10">\n'
        '  <META NAME="twitter:card" CONTENT="summary">\n'
        "  <meta name='twitter:image' content='old.png'/>\n"
        '  <meta property="og:title" content="Theme title">\n'
        "</head><body></body></html>"
    ),
    "uppercase-head": "<HTML><HEAD><TITLE>x</TITLE></HEAD><BODY></BODY></HTML>",
    "no-head": "<html><body><p>hi</p></body></html>",
    "fragment": "<p>just a fragment</p>",
    "head-no-close": "<html><head><title>x</title><body>text</body></html>",
    "header-element": "<html><head></head><body><header>h</header></body></html>",
    "commented": (
        '<html><head>\n<!-- <meta property="og:title" content="commented"> -->\n'
        '<script>var s = \'<meta property="og:image" content="js">\';</script>\n'
        "</head><body></body></html>"
    ),
    "gt-in-attr": (
        '<html><head><meta property="og:image" content="a>b.png"><meta name="x" content="1">'
        "</head><body></body></html>"
    ),
    "body-meta": (
        '<html><head></head><body><meta property="og:image" content="in-body"></body></html>'
    ),
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_injection_is_idempotent_and_complete(name: str) -> None:
    once = inject_meta_tags(PAGES[name], TAGS)
    twice = inject_meta_tags(once, TAGS)
    assert twice == once
    head_end = once.lower().find("</head>")
    if head_end < 0:
        head_end = once.lower().find("<body")
    # what a crawler sees in the head: no comments, no scripts
    visible = re.sub(
        r"<!--(?! pictify| /pictify).*?-->|<script.*?</script>", "", once[:head_end], flags=re.S
    )
    found = keys(visible)
    for key in ("og:image", "og:image:width", "og:image:alt", "twitter:card", "twitter:image"):
        assert found.count(key) == 1, (key, once)
    assert found.count("og:title") == 1
    assert 0 <= once.find("pictify-ssg") < head_end


def test_theme_image_tags_are_replaced_other_tags_kept() -> None:
    html = inject_meta_tags(PAGES["theme-tags"], TAGS)
    assert "old.png" not in html
    assert 'content="summary"' not in html.replace("summary_large_image", "")
    assert 'content="Theme title"' in html
    assert 'content="Card title"' not in html
    assert "\n\n" not in html  # removed tags take their lines with them


def test_values_are_escaped() -> None:
    html = inject_meta_tags(PAGES["plain"], TAGS)
    assert 'content="https://ex.org/a.png?x=1&amp;y=2"' in html
    assert 'content="Say &quot;hi&quot; &lt;now&gt;"' in html


def test_comments_and_scripts_are_untouched() -> None:
    html = inject_meta_tags(PAGES["commented"], TAGS)
    assert 'content="commented"' in html
    assert 'content="js"' in html
    assert keys(html.split("pictify-ssg: social card")[1]).count("og:title") == 1


def test_quoted_gt_in_attribute() -> None:
    html = inject_meta_tags(PAGES["gt-in-attr"], TAGS)
    assert "a>b.png" not in html
    assert '<meta name="x" content="1">' in html


def test_meta_in_body_is_left_alone() -> None:
    html = inject_meta_tags(PAGES["body-meta"], TAGS)
    assert 'content="in-body"' in html


def test_new_tags_replace_the_previous_block() -> None:
    first = inject_meta_tags(PAGES["plain"], TAGS)
    changed = (MetaTag("property", "og:image", "https://ex.org/b.png"),)
    second = inject_meta_tags(first, changed)
    assert "a.png" not in second
    assert keys(second) == ["og:image"]


def test_no_tags_removes_our_block_only() -> None:
    first = inject_meta_tags(PAGES["theme-tags"], TAGS)
    assert inject_meta_tags(first, ()) == first.replace(
        first[first.index("<!-- pictify-ssg") : first.index("<!-- /pictify-ssg -->") + 22], ""
    )
    assert inject_meta_tags(PAGES["plain"], ()) == PAGES["plain"]


def test_new_head_goes_inside_html() -> None:
    html = inject_meta_tags(PAGES["no-head"], TAGS)
    assert html.startswith("<html>\n<head>\n<!-- pictify-ssg")
    assert "</head>\n<body>" in html
