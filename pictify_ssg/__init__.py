"""pictify-ssg: social cards (Open Graph images) for static sites, rendered by Pictify.

The public API of the core is re-exported here and loaded on first use, so ``import
pictify_ssg`` stays light (MkDocs and Pelican import every installed plugin at start-up).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pictify_ssg._lazy import lazy_exports

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


# Each name lives in the core package, which loads it from its own module on first use.
__getattr__, __dir__ = lazy_exports(__name__, dict.fromkeys(__all__, "pictify_ssg.core"))
