"""Phase 2, plan: read the templates, work out each card's variables and fingerprint, and look
the fingerprints up in the cache.

The result says, for every requested card, whether it is already made (``found``) or must be
rendered (``missing``, one entry per distinct fingerprint), before anything is rendered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pictify_ssg.core.card_templates import TemplateVersion, read_remote_version
from pictify_ssg.core.cards import Card, load_cards
from pictify_ssg.core.errors import PageError
from pictify_ssg.core.failures import Failure
from pictify_ssg.core.fingerprint import card_fingerprint
from pictify_ssg.core.markup import inline_html
from pictify_ssg.core.phases.collect import CardRequest, Collected
from pictify_ssg.core.phases.context import BuildContext
from pictify_ssg.core.template_help import check_template_variables
from pictify_ssg.core.template_loading import load_local_template
from pictify_ssg.core.template_refs import TemplateRef
from pictify_ssg.core.variables import (
    DEFAULT_VARIABLES,
    card_context,
    merge_expressions,
    render_variables,
)


@dataclass(frozen=True)
class PlannedCard:
    """One requested card, worked out.

    Attributes:
        request: What the page asked for.
        fingerprint: The card's fingerprint (``""`` when it failed before one was known).
        variables: The values sent to the template.
        failure: Why no new card can be made for this page, if so.
    """

    request: CardRequest
    fingerprint: str = ""
    variables: Mapping[str, str] | None = None
    failure: Failure | None = None


@dataclass(frozen=True)
class Plan:
    """What the build has and what it must render.

    Attributes:
        cards: Every requested card, in page order.
        found: Cards already in the cache, by fingerprint.
        missing: The cards to render: one per distinct fingerprint not in the cache.
        templates: The templates read, by :attr:`TemplateRef.key`.
    """

    cards: tuple[PlannedCard, ...]
    found: Mapping[str, Card]
    missing: tuple[PlannedCard, ...]
    templates: Mapping[str, TemplateVersion]


async def plan(collected: Collected, ctx: BuildContext) -> Plan:
    """Templates, variables, fingerprints and cache lookups for every card request."""
    refs = {r.template.key: r.template for r in collected.requests if r.problem is None}
    templates: dict[str, TemplateVersion] = {}
    refused: dict[str, Failure] = {}
    for key, ref in refs.items():
        template = await _read_template(ref, ctx)
        if isinstance(template, Failure):
            refused[key] = template
        else:
            templates[key] = template
    page_names = {name for r in collected.requests for name in r.overrides.variables}
    check_template_variables(templates.values(), ctx.settings, page_names, ctx.warn)
    cards = tuple(_plan_card(r, templates, refused, ctx) for r in collected.requests)
    wanted = list(dict.fromkeys(c.fingerprint for c in cards if c.fingerprint))
    # One query per 900 cards, not one per page (see Store.get_json_many).
    found = load_cards(ctx.store, wanted, need_bytes=ctx.hosts_files)
    missing: dict[str, PlannedCard] = {}
    for card in cards:
        if card.fingerprint and card.fingerprint not in found:
            missing.setdefault(card.fingerprint, card)
    return Plan(cards, found, tuple(missing.values()), templates)


async def _read_template(ref: TemplateRef, ctx: BuildContext) -> TemplateVersion | Failure:
    """The template, or why its cards fail (a missing file, an unknown uid...)."""
    try:
        if ref.kind in ("file", "layout"):
            return load_local_template(ref, ctx.settings, ctx.site, ctx.folders, ctx.warn)
        version, _ = await read_remote_version(
            ctx.opener.open,
            ctx.store,
            identity=ctx.choice.identity,
            uid=ref.value,
            what=ref.what,
            warn=ctx.warn,
        )
    except PageError as exc:
        return Failure("template", str(exc))
    return version


def _plan_card(
    request: CardRequest,
    templates: Mapping[str, TemplateVersion],
    refused: Mapping[str, Failure],
    ctx: BuildContext,
) -> PlannedCard:
    if request.problem is not None:
        return PlannedCard(request, failure=request.problem)
    key = request.template.key
    template = templates.get(key)
    if template is None:
        return PlannedCard(
            request, failure=refused.get(key, Failure("template", "template unavailable"))
        )
    settings = ctx.settings
    expressions = merge_expressions(
        DEFAULT_VARIABLES, settings.variables, request.overrides.variables
    )
    if template.variables is not None:
        # Only what the design reads: unrelated page changes keep the cached card.
        expressions = {k: v for k, v in expressions.items() if k in template.variables}
    page_ctx, site_ctx = card_context(
        request.page, request.title, request.description, ctx.site, ctx.site_url
    )
    try:
        values = render_variables(
            expressions, page=page_ctx, site=site_ctx, page_key=request.page.key
        )
    except PageError as exc:
        return PlannedCard(request, failure=Failure.page(exc.reason))
    raw = template.raw_variables
    # Page text printed with {{{ }}} could carry live markup: keep inline formatting only.
    variables = {
        name: inline_html(value) if raw is None or name in raw else value
        for name, value in values.items()
    }
    fingerprint = card_fingerprint(
        service=ctx.choice.identity,
        template=_template_identity(template, ctx),
        variables=variables,
        width=settings.width,
        height=settings.height,
        format=settings.format,
        quality=settings.quality,
        # Only a non-default mode counts: the default keeps existing fingerprints (cards cached
        # before optimisation are optimised in place, not rendered again).
        options={"png_optimize": settings.png_optimize}
        if settings.format == "png" and settings.png_optimize != "palette"
        else None,
    )
    return PlannedCard(request, fingerprint, variables)


def _template_identity(template: TemplateVersion, ctx: BuildContext) -> dict[str, str]:
    """What of the template goes into fingerprints: with hosts the local renderer may fetch
    from, a card can look different (web fonts), so they count too. Left out when empty, so
    fingerprints of sites without them stay as they were."""
    hosts = ctx.settings.renderer_hosts
    if ctx.choice.kind != "local" or not hosts:
        return template.identity
    return {**template.identity, "renderer_hosts": ",".join(sorted(hosts))}
