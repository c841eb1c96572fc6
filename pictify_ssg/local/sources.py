"""What a ``html`` / ``url`` / ``template`` body asks to render (``POST /image``, ``POST /gif``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pictify_ssg.local.routes.templates import load_template
from pictify_ssg.local.schemas import SourceBody
from pictify_ssg.local.state import ServerState
from pictify_ssg.local.template_documents import fill


@dataclass(frozen=True)
class Source:
    """The document or page to load, its size, and fields for the stored record."""

    html: str | None
    url: str | None
    width: int
    height: int
    javascript: bool
    extra: dict[str, Any]


def resolve_source(state: ServerState, body: SourceBody, width: int, height: int) -> Source:
    """Fill a template source, or pass HTML and URLs through.

    ``width`` and ``height`` are the body's (or its defaults); a template keeps its own size
    unless the body names one.

    Raises:
        ApiError: Unknown template (404) or variables the template rejects (422).
    """
    if body.template is None:
        # A template's own jsEnabled decides; raw HTML and URL screenshots keep scripts on, as
        # the hosted API documents nothing else for them (network isolation still applies).
        kind = "url" if body.url is not None else "html"
        return Source(body.html, body.url, width, height, True, {"source": kind})
    doc = load_template(state, body.template)
    sized = {"width", "height"} & body.model_fields_set
    filled = fill(
        doc,
        body.variables,
        width=width if "width" in sized else None,
        height=height if "height" in sized else None,
    )
    extra = {"source": "template", "templateUid": doc["uid"]}
    return Source(filled.html, None, filled.width, filled.height, bool(doc.get("jsEnabled")), extra)
