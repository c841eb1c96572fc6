"""include/exclude globs over source paths."""

from __future__ import annotations

import pytest

from pictify_ssg.core.selection import matches, selected


@pytest.mark.parametrize(
    ("path", "pattern", "expected"),
    [
        ("index.md", "*.md", True),
        ("blog/post.md", "*.md", False),
        ("blog/post.md", "**/*.md", True),
        ("post.md", "**/*.md", True),
        ("blog/2024/post.md", "blog/**", True),
        ("blog", "blog/**", False),
        ("blogger/x.md", "blog/**", False),
        ("drafts/a.md", "/drafts/*", True),
        ("a\\b.md", "a/*.md", True),
        ("a.md", "?.md", True),
        ("ab.md", "?.md", False),
        ("a+b.md", "a+b.md", True),
    ],
)
def test_matches(path: str, pattern: str, expected: bool) -> None:
    assert matches(path, [pattern]) is expected


@pytest.mark.parametrize(
    ("path", "include", "exclude", "expected"),
    [
        ("a.md", [], [], True),
        ("a.md", ["blog/**"], [], False),
        ("blog/a.md", ["blog/**"], ["blog/drafts/**"], True),
        ("blog/drafts/a.md", ["blog/**"], ["blog/drafts/**"], False),
        ("tags.md", [], ["tags.md", "404.md"], False),
    ],
)
def test_selected(path: str, include: list[str], exclude: list[str], expected: bool) -> None:
    assert selected(path, include, exclude) is expected
