"""The SSG-agnostic card pipeline.

Page records -> variables -> fingerprint -> cache -> render -> publish.

Public names are loaded on first use so importing the package stays cheap for SSGs that load
every plugin at start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pictify_ssg._lazy import lazy_exports

if TYPE_CHECKING:
    from pictify_ssg.core.build_report import BuildReport
    from pictify_ssg.core.errors import BuildError, SettingsError
    from pictify_ssg.core.html_head import inject_meta_tags
    from pictify_ssg.core.pipeline import CardBuild, Pipeline, build
    from pictify_ssg.core.records import PageRecord, SiteInfo
    from pictify_ssg.core.results import CardResult, MetaTag
    from pictify_ssg.core.settings import Settings

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

_HOMES = {
    "BuildError": "pictify_ssg.core.errors",
    "BuildReport": "pictify_ssg.core.build_report",
    "CardBuild": "pictify_ssg.core.pipeline",
    "CardResult": "pictify_ssg.core.results",
    "MetaTag": "pictify_ssg.core.results",
    "PageRecord": "pictify_ssg.core.records",
    "Pipeline": "pictify_ssg.core.pipeline",
    "Settings": "pictify_ssg.core.settings",
    "SettingsError": "pictify_ssg.core.errors",
    "SiteInfo": "pictify_ssg.core.records",
    "build": "pictify_ssg.core.pipeline",
    "inject_meta_tags": "pictify_ssg.core.html_head",
}


__getattr__, __dir__ = lazy_exports(__name__, _HOMES)
