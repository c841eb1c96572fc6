"""Filled templates to stored PDFs: the shared step of ``/pdf/*`` and template renders."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError
from starlette.requests import Request

from pictify_ssg.local.api_errors import invalid_field
from pictify_ssg.local.pdf_print import PaperSpec, PdfPrinter, pages_document, paper_for_pixels
from pictify_ssg.local.render_records import produce
from pictify_ssg.local.renderer import RenderJob
from pictify_ssg.local.schemas import RenderRequest
from pictify_ssg.local.schemas_media import PdfOptions
from pictify_ssg.local.state import ServerState
from pictify_ssg.local.storage import Kind
from pictify_ssg.local.template_documents import FilledTemplate, fill


async def print_pages(
    state: ServerState,
    request: Request,
    pages: Sequence[str],
    paper: PaperSpec,
    *,
    preset: str,
    javascript: bool,
    extra: dict[str, Any],
    kind: Kind = "pdf",
) -> dict[str, Any]:
    """Print ``pages`` (filled template documents) into one stored PDF and describe it.

    One page prints as itself (long content flows onto more pages); several print one page
    each (see `pdf_print.pages_document`).

    Returns:
        The stored record, with ``pageCount``, ``preset`` and ``pageSize`` (points).
    """
    framed = len(pages) > 1
    printer = PdfPrinter(paper, framed=framed)
    width, height = paper.content_px
    job = RenderJob(
        width=width,
        height=height,
        format="pdf",
        html=pages_document(pages, paper) if framed else pages[0],
        javascript=javascript,
        capture=printer,
    )
    record = await produce(state, job, request=request, extra=extra, kind=kind)
    # Stored again: the page count is known only once Chromium has printed.
    record |= {"pageCount": printer.page_count, "preset": preset, "pageSize": paper.size_points}
    state.storage.put(kind, record["id"], record, record["createdAt"])
    return record


async def template_pdf(
    state: ServerState,
    request: Request,
    doc: Mapping[str, Any],
    body: RenderRequest,
    item: FilledTemplate,
) -> dict[str, Any]:
    """One layout of ``POST /templates/{uid}/render`` with ``format: "pdf"``.

    Without ``preset`` the paper is the template's ``pdfPreset``, else the layout's own size;
    with ``variableSets`` each set is a page. The record stays an image record, as template
    renders have always been.

    Raises:
        ApiError: An unknown ``preset`` (422), or a variable set the template rejects.
    """
    paper = paper_for_pixels(item.width, item.height)
    label = "template"
    if body.preset is not None:
        try:
            options = PdfOptions(preset=body.preset)
        except ValidationError as exc:
            message = exc.errors(include_url=False)[0]["msg"].removeprefix("Value error, ")
            raise invalid_field("preset", message) from None
    else:
        options = PdfOptions().or_preset(doc.get("pdfPreset"))
    if options.preset is not None:
        paper, label = options.paper(), options.preset_label
    pages = [item.html]
    if body.variable_sets is not None:
        pages = [
            fill(doc, values, layout=item.layout, width=body.width, height=body.height).html
            for values in body.variable_sets
        ]
    extra = {"templateUid": doc["uid"], "source": "template", "layout": item.layout}
    return await print_pages(
        state,
        request,
        pages,
        paper,
        preset=label,
        javascript=bool(doc.get("jsEnabled")),
        extra=extra,
        kind="image",
    )
