"""The way out for a page whose card could not be made: its previous card, else the fallback
image, else no card. Every failed page takes it, whatever failed."""

from __future__ import annotations

from pictify_ssg.core.cards import load_card
from pictify_ssg.core.phases.collect import CardRequest
from pictify_ssg.core.phases.context import BuildContext
from pictify_ssg.core.phases.placing import CardPlacer
from pictify_ssg.core.results import CardResult
from pictify_ssg.core.site_output import Fallback, mime_type, prepare_fallback, public_url


class FailedPages:
    """Finds a card for pages whose own card failed.

    Args:
        ctx: The build.
        placer: Publishes the previous cards' files (and learns about the fallback file).
    """

    def __init__(self, ctx: BuildContext, placer: CardPlacer) -> None:
        self.ctx = ctx
        self.placer = placer
        self._fallback = _prepare(ctx, placer)

    def card_for(self, request: CardRequest) -> CardResult | None:
        """The page's previous card, else the fallback image, else ``None``."""
        return self._previous(request) or self._fallback_card(request)

    def _previous(self, request: CardRequest) -> CardResult | None:
        ctx, page = self.ctx, request.page
        record = ctx.store.get_json(ctx.page_record_key(page))
        if not isinstance(record, dict) or not isinstance(record.get("fingerprint"), str):
            return None
        card = load_card(ctx.store, str(record["fingerprint"]), need_bytes=ctx.hosts_files)
        url = self.placer.url(page, card) if card is not None else None
        if card is None or url is None:
            return None
        return ctx.card_result(
            page,
            url=url,
            size=(card.width, card.height),
            mime=mime_type(card.format),
            origin="previous",
            title=request.title,
            description=request.description,
            fingerprint=card.fingerprint,
        )

    def _fallback_card(self, request: CardRequest) -> CardResult | None:
        fallback = self._fallback
        if fallback is None:
            return None
        ctx, page = self.ctx, request.page
        target = fallback.target
        url = target if "://" in target else public_url(ctx.site_url, page, target)
        if fallback.file_name:
            self.placer.sources[page.key] = fallback.file_name
        return ctx.card_result(
            page,
            url=url,
            size=(fallback.width, fallback.height),
            mime=fallback.type,
            origin="fallback",
            title=request.title,
            description=request.description,
        )


def _prepare(ctx: BuildContext, placer: CardPlacer) -> Fallback | None:
    value = ctx.settings.fallback_image
    if not value:
        return None
    is_url = "://" in value or value.startswith("//")
    try:
        fallback = prepare_fallback(
            value if is_url else ctx.resolve_path(value), ctx.out_dir, ctx.settings.output_dir
        )
    except OSError as exc:
        ctx.warn(f"pictify: cannot use fallback_image {value!r}: {exc}")
        return None
    if fallback.file_name:
        placer.written.add(fallback.file_name)
    return fallback
