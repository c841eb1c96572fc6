"""pictify-ssg: social cards (Open Graph images) for static sites, rendered by Pictify.

The public API of the core is re-exported here and loaded on first use, so ``import
pictify_ssg`` stays light (MkDocs and Pelican import every installed plugin at start-up).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pictify_ssg.core import (
        BuildError,
        BuildReport,
        CardBuild,
        CardResult,
        MetaTag,
        PageRecord,
        Pipeline,
        Settings,
        SettingsError,
        SiteInfo,
        build,
        inject_meta_tags,
    )

__all__ = [
    "BuildError",
    "BuildReport",
    "CardBuild",
    "CardResult",
    "MetaTag",
    "PageRecord",
    "Pipeline",
    "Settings",
    "SettingsError",
    "SiteInfo",
    "build",
    "inject_meta_tags",
]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'pictify_ssg' has no attribute {name!r}")
    value = getattr(importlib.import_module("pictify_ssg.core"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
