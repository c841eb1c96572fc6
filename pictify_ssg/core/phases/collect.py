"""Phase 1, collect: which pages want a card, with which template, title and description.

Pages that are excluded, switched off or bring their own image are settled here; every other
page becomes a :class:`CardRequest`. A page whose front matter is wrong becomes a request with
its problem attached, so it fails like a failed render (previous card, else the fallback)
instead of silently losing its tags.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pictify_ssg.core.build_report import Outcome
from pictify_ssg.core.errors import PageError
from pictify_ssg.core.failures import Failure
from pictify_ssg.core.overrides import PageOverrides, read_overrides
from pictify_ssg.core.phases.context import BuildContext
from pictify_ssg.core.records import PageRecord
from pictify_ssg.core.results import CardResult
from pictify_ssg.core.selection import selected
from pictify_ssg.core.site_output import check_own_image, explicit_image_url, mime_type_for
from pictify_ssg.core.template_refs import TemplateRef
from pictify_ssg.core.text import shorten


@dataclass(frozen=True)
class CardRequest:
    """A page that wants a generated card.

    Attributes:
        page: The page.
        overrides: Its ``pictify`` front matter.
        template: The template it uses.
        title: The card title, shortened.
        description: The card description, shortened (the site's when the page has none).
        problem: Why the page cannot get a new card, found while collecting.
    """

    page: PageRecord
    overrides: PageOverrides
    template: TemplateRef
    title: str
    description: str
    problem: Failure | None = None


@dataclass(frozen=True)
class Collected:
    """What collecting found.

    Attributes:
        requests: The pages wanting a generated card, in page order.
        explicit: Cards of pages that named their own image, by page key.
        outcomes: The outcome of every page settled here (``excluded``, ``skipped``,
            ``explicit``), by page key.
    """

    requests: tuple[CardRequest, ...]
    explicit: Mapping[str, CardResult]
    outcomes: Mapping[str, Outcome]


def default_template(ctx: BuildContext) -> TemplateRef:
    """The template of pages that name none: the configured one, else the chosen layout."""
    settings = ctx.settings
    if settings.template:
        return TemplateRef("uid", settings.template, "option 'template'")
    if settings.template_file:
        path = ctx.resolve_path(settings.template_file)
        return TemplateRef("file", str(path), "option 'template_file'")
    return TemplateRef("layout", settings.layout, "option 'layout'")


def collect(pages: Sequence[PageRecord], ctx: BuildContext) -> Collected:
    """Sort every page into a card request or a settled outcome."""
    requests: list[CardRequest] = []
    explicit: dict[str, CardResult] = {}
    outcomes: dict[str, Outcome] = {}
    default = default_template(ctx)
    for page in pages:
        if not selected(page.source_path, ctx.settings.include, ctx.settings.exclude):
            outcomes[page.key] = "excluded"
            continue
        problem = Failure.page(page.problems[0]) if page.problems else None
        template = default
        image: str | None = None
        try:
            overrides = read_overrides(page.key, page.meta)
            image = overrides.image or page.existing_image
            if image:
                check_own_image(image, page=page.key)
            elif problem is None and overrides.enabled:
                template = _template_for(page, overrides, ctx, default)
        except PageError as exc:
            problem = problem or Failure.page(exc.reason)
            overrides = PageOverrides()
        if problem is not None:
            title, description = _texts(page, PageOverrides(), ctx)
            requests.append(CardRequest(page, overrides, default, title, description, problem))
            continue
        if not overrides.enabled:
            outcomes[page.key] = "skipped"
            continue
        title, description = _texts(page, overrides, ctx)
        if image:
            explicit[page.key] = _explicit_card(page, image, title, description, ctx)
            outcomes[page.key] = "explicit"
            continue
        requests.append(CardRequest(page, overrides, template, title, description))
    return Collected(tuple(requests), explicit, outcomes)


def _texts(page: PageRecord, overrides: PageOverrides, ctx: BuildContext) -> tuple[str, str]:
    settings = ctx.settings
    title = shorten(overrides.title or page.title, settings.title_max_length)
    description = overrides.description or page.description or ctx.site.description or ""
    return title, shorten(description, settings.description_max_length)


def _template_for(
    page: PageRecord, overrides: PageOverrides, ctx: BuildContext, default: TemplateRef
) -> TemplateRef:
    if overrides.template_file:
        # Page content is untrusted: the file must be inside the site (see site_files).
        path = ctx.folders.page_file(
            overrides.template_file, page=page.key, option="pictify.template_file"
        )
        return TemplateRef("file", str(path), "'pictify.template_file'", page_named=True)
    if overrides.template:
        return TemplateRef("uid", overrides.template, "'pictify.template'")
    if overrides.layout:
        return TemplateRef("layout", overrides.layout, "'pictify.layout'")
    return default


def _explicit_card(
    page: PageRecord, image: str, title: str, description: str, ctx: BuildContext
) -> CardResult:
    url = explicit_image_url(ctx.site_url, page, image)
    return ctx.card_result(
        page,
        url=url,
        size=(0, 0),
        mime=mime_type_for(url),
        origin="explicit",
        title=title,
        description=description,
    )
