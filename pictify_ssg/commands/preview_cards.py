"""Rendering preview cards on the core pipeline, apart from the site's own cards.

A preview runs the same pipeline as a build (settings, variables, template handling, backend),
on page records made for it, with its own cache folder and output folder: it never touches the
site's cache or built site, and whatever the core does to templates applies unchanged.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from pictify_ssg.core import PageRecord, Pipeline, Settings, SiteInfo

#: The preview cache, relative to the site config folder (or the current folder).
PREVIEW_CACHE = Path(".cache") / "pictify-preview"
#: Page fields a ``--var`` fills directly; any other variable is set through the page's
#: ``pictify.variables`` (see :func:`variables_page`).
RECORD_FIELDS = ("title", "description")
#: Front-matter key holding the other ``--var`` values of a synthetic page.
VARS_META_KEY = "pictify_preview_vars"


def preview_overrides(
    cache_dir: Path, *, template: Path | None = None, backend: str | None = None
) -> dict[str, Any]:
    """Settings a preview changes: its own cache, no gallery, every page eligible.

    Args:
        cache_dir: The preview cache (absolute).
        template: A template file to use instead of the site's (absolute).
        backend: ``auto``, ``local`` or ``hosted`` instead of the site's choice.
    """
    overrides: dict[str, Any] = {
        "enabled": True,
        "cache_dir": str(cache_dir),
        "output_dir": "cards",
        "hosting": "site",
        "gallery": False,
        "include": [],
        "exclude": [],
        "on_error": "warn",
    }
    if template is not None:
        overrides.update(template_file=str(template), template=None)
    if backend is not None:
        overrides["backend"] = backend
    return overrides


def variables_page(values: Mapping[str, str], *, key: str = "preview") -> PageRecord:
    """A page whose card shows ``values``: ``title`` and ``description`` as the page's own
    text (so the length limits apply), every other variable as a page override.

    The other values sit in the page's metadata and the overrides only name them, so a value
    is shown as text, never evaluated as a Jinja2 expression.
    """
    from pictify_ssg.core import PageRecord

    others = {name: value for name, value in values.items() if name not in RECORD_FIELDS}
    expressions = {
        name: f"{{{{ page.meta.{VARS_META_KEY}[{json.dumps(name)}] }}}}" for name in others
    }
    return PageRecord.create(
        key=key,
        url=f"{key}/",
        title=values.get("title", ""),
        description=values.get("description", ""),
        meta={VARS_META_KEY: others, "pictify": {"variables": expressions}},
    )


@dataclass(frozen=True)
class Outcome:
    """One previewed page: the card file, or why there is none."""

    key: str
    path: Path | None
    problem: str | None = None


class Previewer:
    """Renders preview cards with one pipeline kept open, so a watch loop keeps its browser.

    Args:
        settings: The settings to render with (see :func:`preview_overrides`).
        site: The site; its output folder is replaced by one inside the preview cache.
    """

    def __init__(self, settings: Settings, site: SiteInfo) -> None:
        from pictify_ssg.core import Pipeline

        self.settings = settings
        self.site = dataclasses.replace(
            site, output_dir=settings.cache_dir / "site", variant=site.variant or "preview"
        )
        self._pipeline: Pipeline = Pipeline(settings, config_dir=site.config_dir)

    def __enter__(self) -> Previewer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the pipeline (its client, cache and local renderer)."""
        self._pipeline.close()

    def render(self, pages: Sequence[PageRecord]) -> list[Outcome]:
        """Make the cards of ``pages`` (cached ones are not rendered again)."""
        report = self._pipeline.build(pages, self.site)
        failed = dict(report.failed)
        folder = self.site.output_dir / self.settings.output_dir
        outcomes = []
        for page in pages:
            card = report.cards.get(page.key)
            outcome = report.outcomes.get(page.key)
            if page.key in failed:
                outcomes.append(Outcome(page.key, None, failed[page.key]))
            elif card is None or card.origin not in {"rendered", "cached"}:
                outcomes.append(Outcome(page.key, None, _no_card(outcome, card)))
            else:
                name = PurePosixPath(urlsplit(card.url).path).name
                outcomes.append(Outcome(page.key, folder / name))
        return outcomes


def _no_card(outcome: str | None, card: Any) -> str:
    if outcome == "explicit" and card is not None:
        return f"the page names its own image ({card.url}); no card is rendered for it"
    if outcome in {"skipped", "excluded"}:
        return "the page opts out of cards (pictify: false)"
    return f"no card was made ({outcome or 'unknown outcome'})"


def copy_card(source: Path, target: Path) -> None:
    """Copy a preview card out of the preview folder (a copy, never a link into the cache)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
