"""One build, as its phases: collect -> plan -> render -> publish -> report.

Each phase is a module with one job, taking and returning small frozen values; this module
only runs them in order. :class:`BuildRun` splits the build where the site generator writes
its pages: everything up to rendering happens in :meth:`BuildRun.plan`, the rest in
:meth:`BuildRun.complete`, and :meth:`BuildRun.provisional` gives every page's card URL in
between.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from pictify_ssg.core.build_report import BuildReport
from pictify_ssg.core.cards import sweep_card_files
from pictify_ssg.core.gallery import write_gallery
from pictify_ssg.core.phases.collect import Collected, collect
from pictify_ssg.core.phases.context import BuildContext
from pictify_ssg.core.phases.plan import Plan, plan
from pictify_ssg.core.phases.publish import provisional, publish
from pictify_ssg.core.phases.render import render
from pictify_ssg.core.phases.report import conclude, report
from pictify_ssg.core.records import PageRecord


class BuildRun:
    """One build of one site (created by :class:`~pictify_ssg.core.Pipeline` per build)."""

    def __init__(self, ctx: BuildContext) -> None:
        self.ctx = ctx
        self._session = ctx.store.session()  # keeps what this build uses alive (see Store)
        self._start = time.monotonic()
        self._pages: Sequence[PageRecord] = ()
        self._collected = Collected((), {}, {})
        self._plan = Plan((), {}, (), {})

    async def plan(self, pages: Sequence[PageRecord]) -> None:
        """Everything up to rendering: pages, templates, fingerprints, cache lookups."""
        self._start = time.monotonic()
        self._pages = pages
        self._collected = collect(pages, self.ctx)
        self._plan = await plan(self._collected, self.ctx)

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
        renders = await render(self._plan, ctx)
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
        return result

    async def run(self, pages: Sequence[PageRecord]) -> BuildReport:
        """The whole build: :meth:`plan`, then :meth:`complete`."""
        await self.plan(pages)
        return await self.complete()

    def cancel(self) -> None:
        """The build will not complete: stop recording the keys it uses."""
        self._session.discard()
