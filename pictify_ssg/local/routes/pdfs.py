"""``/pdf``: print saved templates to PDF (one page, or one page per variable set)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from pictify_ssg.local.pdf_print import MM_PER_INCH, PAPER_SIZES_MM, POINTS_PER_INCH
from pictify_ssg.local.pdf_renders import print_pages
from pictify_ssg.local.render_lists import offset_page, one_record, pick
from pictify_ssg.local.routes.templates import load_template
from pictify_ssg.local.schemas import parse_body
from pictify_ssg.local.schemas_media import PdfMultiPageRequest, PdfOptions, PdfRenderRequest
from pictify_ssg.local.state import get_state
from pictify_ssg.local.template_documents import fill

_PUBLIC_FIELDS = (
    "id",
    "url",
    "pageCount",
    "preset",
    "pageSize",
    "size",
    "createdAt",
    "templateUid",
)


async def render(request: Request) -> JSONResponse:
    """``POST /pdf/render`` -> ``{success, url, id, pageCount, preset, pageSize, createdAt}``."""
    body = await parse_body(request, PdfRenderRequest)
    return await _print(request, body.template_uid, [body.variables], body.options)


async def multi_page(request: Request) -> JSONResponse:
    """``POST /pdf/multi-page``: one page per entry of ``variableSets`` (1-100)."""
    body = await parse_body(request, PdfMultiPageRequest)
    return await _print(request, body.template_uid, body.variable_sets, body.options)


async def _print(
    request: Request,
    template_uid: str,
    variable_sets: list[dict[str, Any]],
    options: PdfOptions,
) -> JSONResponse:
    state = get_state(request)
    doc = load_template(state, template_uid)
    options = options.or_preset(doc.get("pdfPreset"))
    pages = [fill(doc, values).html for values in variable_sets]
    record = await print_pages(
        state,
        request,
        pages,
        options.paper(),
        preset=options.preset_label,
        javascript=bool(doc.get("jsEnabled")),
        extra={"templateUid": doc["uid"], "source": "template", "pages": len(pages)},
    )
    return JSONResponse({"success": True, **_public(record)})


async def presets(request: Request) -> JSONResponse:
    """``GET /pdf/presets`` -> ``{presets: [{name, width, height, unit: "pt"}]}`` (portrait)."""
    return JSONResponse(
        {
            "presets": [
                {
                    "name": name,
                    "width": round(w / MM_PER_INCH * POINTS_PER_INCH),
                    "height": round(h / MM_PER_INCH * POINTS_PER_INCH),
                    "unit": "pt",
                }
                for name, (w, h) in PAPER_SIZES_MM.items()
            ]
        }
    )


async def list_pdfs(request: Request) -> JSONResponse:
    """``GET /pdf?limit=&offset=`` -> ``{pdfs, pagination}``."""
    return offset_page(request, "pdf", "pdfs", _public)


async def get(request: Request) -> JSONResponse:
    """``GET /pdf/{uid}`` -> ``{pdf}``."""
    return one_record(request, "pdf", _public, what="PDF")


def _public(record: dict[str, Any]) -> dict[str, Any]:
    return pick(record, _PUBLIC_FIELDS)


ROUTES = [
    Route("/pdf/render", render, methods=["POST"]),
    Route("/pdf/multi-page", multi_page, methods=["POST"]),
    Route("/pdf/presets", presets, methods=["GET"]),
    Route("/pdf", list_pdfs, methods=["GET"]),
    Route("/pdf/{uid}", get, methods=["GET"]),
]
