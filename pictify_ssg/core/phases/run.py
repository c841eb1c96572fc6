"""One build, as its phases: collect -> plan -> render -> publish -> report.

Each phase is a module with one job, taking and returning small frozen values; this module
only runs them in order. :class:`BuildRun` splits the build where the site generator writes
its pages: everything up to rendering happens in :meth:`BuildRun.plan`, the rest in
:meth:`BuildRun.complete`, and :meth:`BuildRun.provisional` gives every page's card URL in
between.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Sequence
from dataclasses import replace

from pictify_ssg.core import warm_replay
from pictify_ssg.core.build_report import BuildReport
from pictify_ssg.core.cards import sweep_card_files
from pictify_ssg.core.gallery import write_gallery
from pictify_ssg.core.phases.collect import Collected, collect
from pictify_ssg.core.phases.context import BuildContext
from pictify_ssg.core.phases.plan import Plan, plan
from pictify_ssg.core.phases.publish import Published, provisional, publish
from pictify_ssg.core.phases.render import render
from pictify_ssg.core.phases.report import conclude, report
from pictify_ssg.core.records import PageRecord
from pictify_ssg.core.site_files import FileState, file_state, noting_files


class BuildRun:
    """One build of one site (created by :class:`~pictify_ssg.core.Pipeline` per build)."""

    def __init__(self, ctx: BuildContext) -> None:
        self.ctx = ctx
        self._session = ctx.store.session()  # keeps what this build uses alive (see Store)
        self._start = time.monotonic()
        self._pages: Sequence[PageRecord] = ()
        self._collected = Collected((), {}, {})
        self._plan = Plan((), {}, (), {})
        self._looked_at: dict[str, FileState] = {}
        #: Whether to leave a snapshot for `warm_replay` (the site generator replays them).
        self.snapshot = False
        #: Warnings about the whole site, given before the build (`Pipeline.start`).
        self.notes: list[str] = []
        #: The site's page files as the build's `Pipeline.prepare` saw them.
        self.sources: dict[str, FileState] = {}

    async def plan(self, pages: Sequence[PageRecord]) -> None:
        """Everything up to rendering: pages, templates, fingerprints, cache lookups."""
        self._start = time.monotonic()
        self._pages = pages
        # Every file the designs come from is noted, for the snapshot (see warm_replay).
        with noting_files() as looked_at:
            self._collected = collect(pages, self.ctx)
            self._plan = await plan(self._collected, self.ctx)
        self._looked_at = looked_at

    @property
    def to_render(self) -> int:
        """Distinct cards :meth:`complete` will render (known after :meth:`plan`)."""
        return len(self._plan.missing)

    def provisional(self) -> BuildReport:
        """Every page's card as it will be when the missing cards render (see
        `publish.provisional`)."""
        cards = provisional(self._collected, self._plan, self.ctx)
        return BuildReport(cards=cards, backend=self.ctx.choice.kind)

    async def complete(self) -> BuildReport:
        """Render what is missing, publish every card and report (after :meth:`plan`).

        Raises:
            BuildError: Cards failed and ``on_error`` is ``"fail"``.
        """
        ctx = self.ctx
        before = len(ctx.warn.seen)
        renders = await render(self._plan, ctx)
        rendering_warnings = ctx.warn.seen[before:]
        published = publish(self._collected, self._plan, renders, ctx)
        if ctx.settings.gallery:
            write_gallery(
                ctx.out_dir / "index.html",
                site_name=ctx.site.name,
                output_dir=ctx.settings.output_dir,
                pages=self._pages,
                cards=published.cards,
                sources=published.sources,
                designs={c.request.page.key: c.request.template.label for c in self._plan.cards},
            )
        result = report(published, renders, ctx)
        removed = self._session.close()
        if ctx.hosts_files:
            sweep_card_files(ctx.store, records_removed=removed)
        result.duration = time.monotonic() - self._start
        conclude(result, published.failed, ctx)
        if self.snapshot:
            self._leave_snapshot(result, published, rendering_warnings)
        return result

    def _leave_snapshot(
        self, result: BuildReport, published: Published, rendering_warnings: list[str]
    ) -> None:
        """Leave the build's outcome for the next build to replay (see `warm_replay`): every
        card made, every design a local file, cards in the site; else make sure no older
        snapshot is left.

        What is left is what the next, warm, build would report: cards rendered now are
        cached then, and warnings about rendering are not repeated.
        """
        ctx = self.ctx
        path = warm_replay.snapshot_path(ctx.settings, ctx.site, ctx.config_dir)
        local = all(r.template.kind in ("file", "layout") for r in self._collected.requests)
        if published.failed or not local or not ctx.hosts_files or ctx.settings.gallery:
            with contextlib.suppress(OSError):
                path.unlink()
            return
        warm = BuildReport(
            cards={
                key: card if card.origin != "rendered" else replace(card, origin="cached")
                for key, card in result.cards.items()
            },
            outcomes={
                key: "cached" if outcome == "rendered" else outcome
                for key, outcome in result.outcomes.items()
            },
            # As the final report has them: the site's warnings first (see CardBuild.wait).
            warnings=[
                *self.notes,
                *(w for w in result.warnings if w not in rendering_warnings + self.notes),
            ],
            backend=result.backend,
        )
        placed = []
        for key, name in published.sources.items():
            card = published.cards[key]
            if card.fingerprint is None:
                continue
            # The site's file is <fingerprint[:16]>.<ext>, the cache's <fingerprint>.<ext>.
            cached = ctx.store.files.location(f"{card.fingerprint}.{name.rsplit('.', 1)[-1]}")
            target = os.path.join(ctx.out_dir, name)
            placed.append((cached, target, file_state(cached)))
        max_age = ctx.settings.cache_max_age_days * 86400.0
        lifetime = min(warm_replay.LIFETIME_S, max_age / 10) if max_age else warm_replay.LIFETIME_S
        warm_replay.Snapshot(
            digest=warm_replay.inputs_digest(ctx.settings, ctx.site, self._pages, ctx.config_dir),
            report=warm,
            looked_at=self._looked_at,
            placed=sorted(set(placed)),
            sources=self.sources,
            lifetime_s=lifetime,
        ).write(path)

    async def run(self, pages: Sequence[PageRecord]) -> BuildReport:
        """The whole build: :meth:`plan`, then :meth:`complete`."""
        await self.plan(pages)
        return await self.complete()

    def cancel(self) -> None:
        """The build will not complete: stop recording the keys it uses."""
        self._session.discard()
