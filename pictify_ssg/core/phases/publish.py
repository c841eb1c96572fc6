"""Phase 4, publish: every page's card into the site, with its URL and meta tags.

A page whose card was made gets it; any other page takes the way out of `fallback`. The page
records that remember each page's card for the next build are saved, and card files no page
uses any more are removed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pictify_ssg.core import cache_keys
from pictify_ssg.core.build_report import Outcome
from pictify_ssg.core.cards import Card
from pictify_ssg.core.failures import Failure
from pictify_ssg.core.phases.collect import Collected
from pictify_ssg.core.phases.context import BuildContext
from pictify_ssg.core.phases.fallback import FailedPages
from pictify_ssg.core.phases.placing import CardPlacer
from pictify_ssg.core.phases.plan import Plan, PlannedCard
from pictify_ssg.core.phases.render import Renders
from pictify_ssg.core.results import CardResult, Origin
from pictify_ssg.core.site_output import card_file_name, mime_type, public_url, remove_stale

#: Why a cached card found at lookup could not be published (its bytes went in between).
VANISHED = "its cached image disappeared from the card cache during the build"


@dataclass(frozen=True)
class Published:
    """What the site got.

    Attributes:
        cards: Every page's card, by page key (pages without one are absent).
        outcomes: Every page's outcome, by page key.
        failed: The pages whose card could not be made, and why (rendering off is not a
            failure: those pages are skipped).
        sources: The card file shown for each page, by page key (for the gallery).
        oversized: Pages whose card file is over ``size_warning_kb``, with its bytes.
    """

    cards: Mapping[str, CardResult]
    outcomes: Mapping[str, Outcome]
    failed: tuple[tuple[str, Failure], ...]
    sources: Mapping[str, str]
    oversized: Mapping[str, int]


def publish(collected: Collected, plan: Plan, renders: Renders, ctx: BuildContext) -> Published:
    """Publish every card of the build; failed pages take the way out of `fallback`."""
    placer = CardPlacer(ctx)
    failed_pages = FailedPages(ctx, placer)
    cards: dict[str, CardResult] = dict(collected.explicit)
    outcomes: dict[str, Outcome] = dict(collected.outcomes)
    failed: list[tuple[str, Failure]] = []
    records: dict[str, object] = {}
    stored = ctx.store.get_json_many(ctx.page_record_key(c.request.page) for c in plan.cards)
    for planned in plan.cards:
        page = planned.request.page
        card = renders.cards.get(planned.fingerprint) if planned.failure is None else None
        url = placer.url(page, card) if card is not None else None
        if card is not None and url is not None:
            origin: Origin = "rendered" if card.fingerprint in renders.rendered else "cached"
            cards[page.key] = _result(planned, card, url, origin, ctx)
            outcomes[page.key] = origin
            key = ctx.page_record_key(page)
            # A warm build must not rewrite every page's record: only changed ones are written.
            if stored.get(key) != {"fingerprint": card.fingerprint}:
                records[key] = {"fingerprint": card.fingerprint}
            continue
        failure = _failure(planned, card, renders, ctx)
        skipping = failure is None
        if failure is not None:
            failed.append((page.key, failure))
        other = failed_pages.card_for(planned.request)
        if other is not None:
            cards[page.key] = other
            outcomes[page.key] = other.origin
        else:
            outcomes[page.key] = "skipped" if skipping else "failed"
    if records:
        ctx.store.set_json_many(records)
    if ctx.hosts_files:
        _remove_stale(ctx, placer.written)
    return Published(cards, outcomes, tuple(failed), placer.sources, placer.oversized)


def provisional(collected: Collected, plan: Plan, ctx: BuildContext) -> dict[str, CardResult]:
    """Every page's card as it will be when every missing card renders, before rendering.

    A card's file name comes from its fingerprint, so its URL and tags are known before it
    exists: the site generator writes its pages with these while the cards render. Pages
    whose card then fails differ in the final report, and are rewritten. Pages that already
    failed (bad front matter) have no card here.
    """
    cards: dict[str, CardResult] = dict(collected.explicit)
    settings = ctx.settings
    for planned in plan.cards:
        if planned.failure is not None or not planned.fingerprint:
            continue
        card = plan.found.get(planned.fingerprint)
        origin: Origin = "cached" if card is not None else "rendered"
        if card is None:
            card = Card(planned.fingerprint, None, settings.width, settings.height, settings.format)
        page = planned.request.page
        name = card_file_name(card.fingerprint, card.format)
        url = public_url(ctx.site_url, page, f"{settings.output_dir}/{name}")
        cards[page.key] = _result(planned, card, url, origin, ctx)
    return cards


def _failure(
    planned: PlannedCard, card: Card | None, renders: Renders, ctx: BuildContext
) -> Failure | None:
    """Why the page has no card of its own (``None``: rendering is off, the page is skipped)."""
    if planned.failure is not None:
        return planned.failure
    if card is not None:
        return Failure.transient(VANISHED)
    if ctx.choice.kind == "skip":
        return None
    return renders.failures.get(planned.fingerprint, Failure.transient("not rendered"))


def _result(
    planned: PlannedCard, card: Card, url: str, origin: Origin, ctx: BuildContext
) -> CardResult:
    return ctx.card_result(
        planned.request.page,
        url=url,
        size=(card.width, card.height),
        mime=mime_type(card.format),
        origin=origin,
        title=planned.request.title,
        description=planned.request.description,
        fingerprint=card.fingerprint,
    )


def _remove_stale(ctx: BuildContext, written: set[str]) -> None:
    """Delete card files no page of this variant uses, sparing other variants' files."""
    key = cache_keys.published(ctx.out_dir.resolve())
    record = ctx.store.get_json(key)
    claims: dict[str, Any] = dict(record) if isinstance(record, dict) else {}
    claims[ctx.variant] = sorted(written)
    keep = set(written)
    for variant, names in claims.items():
        if variant != ctx.variant and isinstance(names, list):
            keep.update(str(n) for n in names)
    remove_stale(ctx.out_dir, keep)
    if claims != record:
        ctx.store.set_json(key, claims)
