"""Phase 3, render: make the missing cards on the service and store each one as it arrives.

Templates are uploaded (or found uploaded) first; a template the service refuses fails its
cards and no others. A file template whose remote copy was deleted on the service is uploaded
again and its cards rendered once more.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pictify_ssg.core import cache_keys
from pictify_ssg.core.build_report import Progress
from pictify_ssg.core.card_templates import TemplateVersion, ensure_remote_copy
from pictify_ssg.core.cards import Card
from pictify_ssg.core.failures import Failure
from pictify_ssg.core.phases.context import BuildContext
from pictify_ssg.core.phases.encode import CardEncoder
from pictify_ssg.core.phases.plan import Plan, PlannedCard
from pictify_ssg.core.render_schedule import CardJob
from pictify_ssg.core.rendering import CardRenderer, RenderOptions, RenderOutcome
from pictify_ssg.core.service import Service


@dataclass(frozen=True)
class Renders:
    """The cards the build can publish, and why the others failed.

    Attributes:
        cards: Every usable card, cached or rendered now, by fingerprint.
        rendered: Fingerprints rendered by this build.
        failures: Why each missing card could not be made, by fingerprint.
        batches: Batch jobs submitted.
        direct: Direct render calls made.
    """

    cards: Mapping[str, Card]
    rendered: frozenset[str] = frozenset()
    failures: Mapping[str, Failure] = field(default_factory=dict)
    batches: int = 0
    direct: int = 0


async def render(plan: Plan, ctx: BuildContext) -> Renders:
    """Render every missing card of ``plan``; cached cards made before cards were optimised
    are optimised on the way."""
    encoder = CardEncoder(ctx.settings, ctx.store, expected=len(plan.missing))
    try:
        renders = Renders(dict(plan.found))
        if plan.missing:
            renders = await _render_missing(plan, ctx, encoder)
        upgraded = await encoder.upgrade(renders.cards)
    finally:
        encoder.close()
    if not upgraded:
        return renders
    cards = {**renders.cards, **upgraded}
    return Renders(cards, renders.rendered, renders.failures, renders.batches, renders.direct)


async def _render_missing(plan: Plan, ctx: BuildContext, encoder: CardEncoder) -> Renders:
    missing = plan.missing
    if ctx.choice.kind == "skip":
        off = Failure("service", "rendering is off (backend: skip)")
        return Renders(dict(plan.found), failures={c.fingerprint: off for c in missing})
    try:
        service = await ctx.opener.open(renders=len(missing))
    except Exception as exc:  # noqa: BLE001 - cannot open the service: every miss fails
        # Reported once, by the per-problem warning at the end of the build.
        down = Failure("service", f"cannot start the {ctx.choice.kind} renderer: {exc}", True)
        return Renders(dict(plan.found), failures={c.fingerprint: down for c in missing})
    failures: dict[str, Failure] = {}
    uids: dict[str, str] = {}
    for key in {c.request.template.key for c in missing}:
        uid = await _upload(service, plan.templates[key], ctx)
        if isinstance(uid, Failure):
            failures.update({c.fingerprint: uid for c in missing if _template_key(c) == key})
        else:
            uids[key] = uid
    jobs = [
        CardJob(c.fingerprint, _template_key(c), c.variables or {})
        for c in missing
        if _template_key(c) in uids
    ]
    outcome = await _render_jobs(service, uids, jobs, ctx, encoder)
    gone = {k for k in outcome.gone_templates if plan.templates[k].path is not None}
    if gone:
        # The remote copy of a file template was deleted on the service: upload the file
        # again and render its cards once more, instead of failing until the cache is wiped.
        await _upload_again(service, gone, plan.templates, uids, ctx)
        again = [j for j in jobs if j.template_key in gone and j.fingerprint in outcome.failed]
        retried = await _render_jobs(service, uids, again, ctx, encoder)
        outcome.done.update(retried.done)
        for fingerprint in retried.done:
            outcome.failed.pop(fingerprint, None)
        outcome.failed.update(retried.failed)
        outcome.batches += retried.batches
        outcome.direct += retried.direct
    failures.update(outcome.failed)
    rendered = {fp: encoder.kept[fp] for fp in outcome.done if fp in encoder.kept}
    return Renders(
        {**plan.found, **rendered},
        frozenset(outcome.done),
        failures,
        outcome.batches,
        outcome.direct,
    )


def _template_key(card: PlannedCard) -> str:
    return card.request.template.key


async def _upload(service: Service, template: TemplateVersion, ctx: BuildContext) -> str | Failure:
    """The template's uid on the service, or why its cards fail (the others go on)."""
    try:
        return await ensure_remote_copy(
            service, ctx.store, template, width=ctx.settings.width, height=ctx.settings.height
        )
    except Exception as exc:  # noqa: BLE001 - reported per page by the caller
        failure = Failure.from_error(exc, subject="template")
        if failure.kind != "template":
            return failure
        # Name the file: a Handlebars error is only useful next to its template.
        name = f" {template.path}" if template.path is not None else ""
        return Failure("template", f"the card template{name} was refused: {failure.reason}")


async def _upload_again(
    service: Service,
    keys: set[str],
    templates: Mapping[str, TemplateVersion],
    uids: dict[str, str],
    ctx: BuildContext,
) -> None:
    for key in keys:
        template = templates[key]
        assert template.path is not None
        ctx.store.delete(cache_keys.template_file(service.identity, service.account, template.path))
        uid = await _upload(service, template, ctx)
        if not isinstance(uid, Failure):
            uids[key] = uid


async def _render_jobs(
    service: Service,
    uids: Mapping[str, str],
    jobs: Sequence[CardJob],
    ctx: BuildContext,
    encoder: CardEncoder,
) -> RenderOutcome:
    settings = ctx.settings
    options = RenderOptions(
        format=settings.format,
        quality=settings.quality,
        width=settings.width,
        height=settings.height,
        mode=settings.render_mode,
        direct_threshold=settings.direct_threshold,
        batch_size=settings.batch_size,
        concurrency=settings.concurrency,
        timeout=settings.timeout,
        download=ctx.hosts_files,
    )
    progress = Progress(len({j.fingerprint for j in jobs}))
    renderer = CardRenderer(service, ctx.store, uids, options, progress.advance, encoder.keep)
    try:
        outcome = await renderer.run(jobs)
    finally:
        progress.close()
    for message in outcome.warnings:
        ctx.warn(message)
    return outcome
