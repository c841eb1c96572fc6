"""HeadSlot writes a page's tags while Jinja renders it; has_tag_block vouches for the result.

The promise: a page rendered through an armed slot, then given to the adapter's check, comes
out exactly as the edit afterwards (``inject_meta_tags``) would have made it, whatever the
template does; the slot only saves the copy when it can.
"""

from __future__ import annotations

import pytest
from jinja2 import DictLoader, Environment

from pictify_ssg.core import MetaTag, inject_meta_tags
from pictify_ssg.core.head_slot import HeadSlot
from pictify_ssg.core.html_head import has_tag_block, render_tag_block

TAGS = tuple(
    MetaTag("name" if key.startswith("twitter:") else "property", key, content)
    for key, content in (
        ("og:image", "https://ex.org/a.png?x=1&y=2"),
        ("og:image:alt", 'Say "hi" <now>'),
        ("twitter:card", "summary_large_image"),
        ("twitter:image", "https://ex.org/a.png?x=1&y=2"),
        ("og:title", "Card title"),
    )
)
NAV = "{% for i in range(200) %}<li><a href='/p{{ i }}/'>Page {{ i }} ✨</a></li>{% endfor %}"

TEMPLATES = {
    "plain": "<!doctype html>\n<html>\n<head>\n  <title>{{ title }}</title>\n</head>\n"
    f"<body><ul>{NAV}</ul></body>\n</html>\n",
    "uppercase": "<HTML><HEAD><TITLE>{{ title }}</TITLE></HEAD><BODY>x</BODY></HTML>",
    "spaced-close": "<html><head><title>t</title>\n  </head   >\n<body></body></html>",
    "theme-image": "<html><head>\n<meta property='og:image' content='/theme.png'>\n"
    "<meta name='twitter:card' content='summary'>\n</head><body></body></html>",
    "theme-title": '<html><head>\n<meta property="og:title" content="Theme">\n'
    "</head><body></body></html>",
    "close-in-comment": "<html><head><!-- </head> --><title>t</title></head><body></body></html>",
    "close-in-script": "<html><head><script>var s = '</head>';</script></head><body></body></html>",
    "no-close": "<html><head><title>t</title><body>text</body></html>",
    "no-head": "<html><body><p>{{ title }}</p></body></html>",
    "close-from-macro": "{% macro end() %}</head>{% endmacro %}<html><head><title>t</title>"
    "{{ end() }}<body>{% set inner %}<i>{{ title }}</i>{% endset %}{{ inner }}</body></html>",
    "set-block-with-close": "{% set trap %}</head>{% endset %}<html><head><title>t</title>"
    "</head><body>{{ trap | length }}</body></html>",
    "extends": "{% extends 'base' %}{% block head %}{{ super() }}<title>x</title>{% endblock %}",
    "base": "<html><head>{% block head %}<meta charset='utf-8'>{% endblock %}</head>"
    "<body></body></html>",
    "our-block-already": "<html><head>"
    + render_tag_block((MetaTag("property", "og:image", "https://ex.org/old.png"),))
    + "</head><body></body></html>",
}


def environment() -> Environment:
    return Environment(loader=DictLoader(TEMPLATES), autoescape=True)


def render_armed(name: str, title: str = "T") -> tuple[str, str, bool]:
    """The template rendered through a slot armed with TAGS, the block it wrote, and whether
    the slot vouched for the page as it joined it."""
    env = environment()
    slot = HeadSlot(env)
    block = slot.arm(TAGS)
    assert block == render_tag_block(TAGS)
    page = env.get_template(name).render(title=title)
    vouched = slot.wrote(page)
    # The check made while joining never vouches for a page the full check would not.
    if vouched:
        assert has_tag_block(page, TAGS, block)
    assert not slot.wrote(page)  # asked once per render
    return page, block, vouched


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_the_checked_page_is_the_edited_page(name: str) -> None:
    plain = environment().get_template(name).render(title="T & <t>")
    expected = inject_meta_tags(plain, TAGS)

    written, block, _ = render_armed(name, "T & <t>")

    if has_tag_block(written, TAGS, block):
        assert written == expected
    else:
        assert inject_meta_tags(written, TAGS) == expected


@pytest.mark.parametrize("name", ["plain", "uppercase", "spaced-close", "extends"])
def test_ordinary_templates_need_no_edit(name: str) -> None:
    written, block, vouched = render_armed(name)
    assert vouched  # checked while joining, so the page is not read again
    assert has_tag_block(written, TAGS, block)
    assert written.count(block) == 1


@pytest.mark.parametrize(
    "name", ["theme-image", "theme-title", "close-in-comment", "close-in-script", "no-head"]
)
def test_pages_the_edit_must_fix_are_not_vouched_for(name: str) -> None:
    written, block, vouched = render_armed(name)
    assert not vouched
    assert not has_tag_block(written, TAGS, block)


def test_only_the_armed_render_gets_the_block() -> None:
    env = environment()
    slot = HeadSlot(env)
    block = render_tag_block(TAGS)
    template = env.get_template("plain")
    assert block not in template.render(title="before")
    slot.arm(TAGS)
    armed = template.render(title="armed")
    assert armed.count(block) == 1
    after = template.render(title="after")
    assert block not in after
    assert not slot.wrote(after)
    assert slot.arm(()) is None
    assert block not in template.render(title="disarmed")


def test_nested_joins_pass_through_and_the_block_lands_once() -> None:
    written, block, _ = render_armed("set-block-with-close")
    # The {% set %} block holding "</head>" was joined inside the page's render: untouched.
    assert written.count(block) == 1
    assert written.index(block) < written.index("</head><body>")


def test_a_failed_render_leaves_the_slot_usable() -> None:
    env = Environment(loader=DictLoader({"bad": "<head></head>{{ 1 // 0 }}", **TEMPLATES}))
    slot = HeadSlot(env)
    block = slot.arm(TAGS)
    with pytest.raises(ZeroDivisionError):
        env.get_template("bad").render()
    slot.arm(TAGS)
    page = env.get_template("plain").render(title="T")
    assert page.count(block or "-") == 1
    assert slot.wrote(page)


def test_a_changed_block_is_not_vouched_for() -> None:
    written, _, _ = render_armed("plain")
    other = (*TAGS[:-1], MetaTag("property", "og:title", "Other title"))
    assert not has_tag_block(written, other, render_tag_block(other))
    assert inject_meta_tags(written, other) == inject_meta_tags(
        environment().get_template("plain").render(title="T"), other
    )
