"""Which pages get cards: include/exclude globs over source paths."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache


@lru_cache(maxsize=256)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """Compile a glob: ``**`` crosses folders, ``*`` and ``?`` stay within one."""
    pattern = pattern.strip().replace("\\", "/").lstrip("/")
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def matches(path: str, patterns: Sequence[str]) -> bool:
    """Whether ``path`` matches one of the globs."""
    path = path.replace("\\", "/").lstrip("/")
    return any(glob_regex(p).match(path) for p in patterns)


def selected(path: str, include: Sequence[str], exclude: Sequence[str]) -> bool:
    """Included (or no include globs) and not excluded."""
    if include and not matches(path, include):
        return False
    return not matches(path, exclude)
