"""Which of a site's source files changed since the last build, told before the build reads them.

A changed page may need a new card, and starting the local renderer (Chromium) takes a second
or more: seen this early, the renderer starts while the site generator is still reading pages.
A build in which nothing changed reads one record and writes nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pictify_ssg.core.store import Store


@dataclass(frozen=True)
class SourceChanges:
    """What changed among the sources since the last look.

    Attributes:
        pages: Page files that are new, changed or gone.
        design: Whether a file of the card design (the template) changed: then every card
            may be new, however few pages changed.
        first: Whether there was no earlier look to compare with (a first or cold build).
    """

    pages: int
    design: bool
    first: bool

    @property
    def any(self) -> bool:
        """Whether anything changed."""
        return self.first or self.design or self.pages > 0


def _stamps(paths: Iterable[Path]) -> dict[str, list[int]]:
    stamps: dict[str, list[int]] = {}
    for path in paths:
        try:
            info = os.stat(path)
        except OSError:
            continue  # gone since the generator listed it: counted as gone
        stamps[str(path)] = [info.st_size, info.st_mtime_ns]
    return stamps


def look(store: Store, key: str, pages: Iterable[Path], design: Iterable[Path]) -> SourceChanges:
    """Compare the files' sizes and modification times with the last look, then remember them.

    Args:
        store: The card cache (the last look is kept there).
        key: Where this site's last look is kept (see `cache_keys.sources`).
        pages: The site's page files.
        design: The card template's files.
    """
    now = {"pages": _stamps(pages), "design": _stamps(design)}
    before = store.get_json(key)
    if before == now:
        return SourceChanges(0, design=False, first=False)
    store.set_json(key, now)
    old = before.get("pages") if isinstance(before, dict) else None
    if not isinstance(before, dict) or not isinstance(old, dict):
        return SourceChanges(len(now["pages"]), design=True, first=True)
    changed = sum(old.get(path) != stamp for path, stamp in now["pages"].items())
    changed += sum(path not in now["pages"] for path in old)
    return SourceChanges(changed, design=before.get("design") != now["design"], first=False)
