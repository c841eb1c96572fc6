"""Template documents: creating, updating, discovering variables and filling them in.

A template is stored as its wire document (camelCase, exactly what ``GET /templates/{uid}``
returns), so there is no second representation to keep in sync.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pictify_ssg.local.api_errors import ApiError, invalid_field
from pictify_ssg.local.ids import new_uid, now_iso
from pictify_ssg.local.schemas import (
    MAX_LAYOUTS,
    LayoutSpec,
    TemplateCreate,
    TemplateFields,
    TemplateUpdate,
)
from pictify_ssg.local.templating import TemplateError, discover_variables, render_template

DEFAULT_WIDTH = 1200
DEFAULT_HEIGHT = 630
DEFAULT_LAYOUT = "default"

# Plain settings copied from a request body onto the document when present.
_SIMPLE_FIELDS = {
    "name": "name",
    "width": "width",
    "height": "height",
    "output_format": "outputFormat",
    "js_enabled": "jsEnabled",
    "strict_variables": "strictVariables",
    "type": "type",
    "category": "category",
    "tags": "tags",
    "pdf_preset": "pdfPreset",
}


@dataclass(frozen=True)
class FilledTemplate:
    """A template's HTML with variables filled in, at the size of one layout."""

    layout: str
    name: str
    html: str
    width: int
    height: int


def engine_error(exc: TemplateError) -> ApiError:
    """A template-engine failure as the hosted API's 422 ``{error, code, context}``."""
    context = exc.context
    return ApiError(
        422,
        str(exc),
        exc.code,
        errors=[{"field": "html", "message": exc.message, "code": exc.code, **context}],
        extra={"context": context},
    )


def create_template(body: TemplateCreate) -> tuple[dict[str, Any], list[str]]:
    """A new template document from a create request.

    Returns:
        The document and the variable names that were discovered rather than declared.

    Raises:
        ApiError: The HTML does not compile (422).
    """
    now = now_iso()
    doc: dict[str, Any] = {
        "uid": new_uid(),
        "name": "Untitled template",
        "engine": "html",
        "html": "",
        "width": DEFAULT_WIDTH,
        "height": DEFAULT_HEIGHT,
        "outputFormat": "image",
        "jsEnabled": False,
        "strictVariables": False,
        "type": None,
        "category": None,
        "tags": [],
        "layouts": {},
        "variableDefinitions": [],
        "variables": [],
        "thumbnail": None,
        "createdAt": now,
        "updatedAt": now,
    }
    added = _apply(doc, body)
    return doc, added


def update_template(doc: dict[str, Any], body: TemplateUpdate) -> tuple[dict[str, Any], list[str]]:
    """The document after a partial update; ``updatedAt`` always moves forward.

    Raises:
        ApiError: The new HTML does not compile (422).
    """
    updated = dict(doc)
    added = _apply(updated, body)
    stamp = now_iso()
    # Two updates within one clock tick must still differ: the core treats updatedAt as a
    # version marker.
    updated["updatedAt"] = stamp if stamp > doc["updatedAt"] else _after(doc["updatedAt"])
    return updated, added


def _after(stamp: str) -> str:
    # "...T12:00:00.123456Z" -> bump the microseconds by one, keeping the format sortable.
    head, micros = stamp[:-1].rsplit(".", 1)
    bumped = int(micros) + 1
    if bumped >= 1_000_000:
        return now_iso()
    return f"{head}.{bumped:06d}Z"


def _apply(doc: dict[str, Any], body: TemplateFields) -> list[str]:
    for attr, key in _SIMPLE_FIELDS.items():
        value = getattr(body, attr)
        if value is not None:
            doc[key] = value
    if body.html is not None:
        doc["html"] = body.html
    if body.layouts is not None:
        doc["layouts"] = _layouts(body.layouts)
    if len(doc["layouts"]) > MAX_LAYOUTS:
        raise invalid_field("layouts", f"at most {MAX_LAYOUTS} layouts are allowed")
    definitions: list[dict[str, Any]] = list(doc["variableDefinitions"])
    if body.variable_definitions is not None:
        definitions = [d.model_dump(by_alias=True) for d in body.variable_definitions]
    known = {d["name"] for d in definitions}
    for name in body.variables or ():
        if name not in known:
            definitions.append(_auto_definition(name))
            known.add(name)
    added = []
    for name in _discover(doc):
        if name not in known:
            definitions.append(_auto_definition(name))
            known.add(name)
            added.append(name)
    doc["variableDefinitions"] = definitions
    doc["variables"] = [d["name"] for d in definitions]
    return added


def _layouts(layouts: Mapping[str, LayoutSpec]) -> dict[str, Any]:
    now = now_iso()
    result = {}
    for key, spec in layouts.items():
        entry: dict[str, Any] = {"name": spec.name or key.replace("-", " ").title()}
        if spec.width is not None:
            entry["width"] = spec.width
        if spec.height is not None:
            entry["height"] = spec.height
        if spec.html is not None:
            entry["html"] = spec.html
        entry["createdAt"] = now
        result[key] = entry
    return result


def _discover(doc: Mapping[str, Any]) -> list[str]:
    names: list[str] = []
    sources = [("html", doc["html"])] + [
        (f"layouts.{key}.html", layout["html"])
        for key, layout in doc["layouts"].items()
        if "html" in layout
    ]
    for field, source in sources:
        try:
            found = discover_variables(source)
        except TemplateError as exc:
            error = engine_error(exc)
            if error.errors:
                error.errors[0]["field"] = field
            raise error from None
        names.extend(name for name in found if name not in names)
    return names


def _auto_definition(name: str) -> dict[str, Any]:
    return {"name": name, "type": "text", "defaultValue": ""}


def layout_names(doc: Mapping[str, Any]) -> list[str]:
    """Every renderable layout key, ``default`` first."""
    return [DEFAULT_LAYOUT, *doc["layouts"]]


LAYOUT_NOT_FOUND = "LAYOUT_NOT_FOUND"


def requested_layouts(
    doc: Mapping[str, Any],
    layout: str | None,
    layouts: Sequence[str] | None,
    *,
    partial: bool,
) -> list[str]:
    """The layouts a render request asks for, checked against the template.

    One rule for every endpoint: a request must name layouts that exist. ``layouts`` wins over
    ``layout``; neither means ``default``. The single render (``partial=True``) keeps the
    hosted API's partial success for a ``layouts`` list that names some unknown keys (they
    are reported per layout in ``errors[]``), but when nothing it names exists there is
    nothing to render, so it is a 422 like everywhere else. A batch (``partial=False``) has no
    per-layout error slot, so any unknown key is a 422 before the batch is accepted, instead
    of every item failing after the 202.

    Args:
        doc: The template document.
        layout: The request's ``layout``.
        layouts: The request's ``layouts``.
        partial: Whether unknown keys beside known ones are reported per layout.

    Returns:
        The requested keys in order, without repeats.

    Raises:
        ApiError: 422 ``LAYOUT_NOT_FOUND`` naming the field and the unknown keys.
    """
    field = "layouts" if layouts else "layout"
    requested = list(dict.fromkeys(layouts)) if layouts else [layout or DEFAULT_LAYOUT]
    known = layout_names(doc)
    unknown = [key for key in requested if key not in known]
    if unknown and (not partial or len(unknown) == len(requested)):
        names = ", ".join(repr(key) for key in unknown)
        raise invalid_field(
            field,
            f"layout(s) {names} not found in this template; known layouts: {', '.join(known)}",
            LAYOUT_NOT_FOUND,
        )
    return requested


def fill(
    doc: Mapping[str, Any],
    variables: Mapping[str, Any],
    *,
    layout: str = DEFAULT_LAYOUT,
    width: int | None = None,
    height: int | None = None,
) -> FilledTemplate:
    """Fill a template's variables for one layout.

    Args:
        doc: The template document.
        variables: Values sent with the render request.
        layout: A key of ``doc["layouts"]`` or ``"default"``.
        width: Overrides the layout's width.
        height: Overrides the layout's height.

    Raises:
        KeyError: ``layout`` does not exist (callers decide whether that is an error).
        ApiError: A required or (with ``strictVariables``) undefined variable is missing, or the
            engine rejects the template (422).
    """
    if layout == DEFAULT_LAYOUT:
        spec: Mapping[str, Any] = {"name": "Default"}
    else:
        spec = doc["layouts"][layout]
    source = spec.get("html", doc["html"])
    values = _values(doc, source, variables)
    try:
        html = render_template(source, values)
    except TemplateError as exc:
        raise engine_error(exc) from None
    return FilledTemplate(
        layout=layout,
        name=str(spec.get("name", layout)),
        html=html,
        width=width or int(spec.get("width", doc["width"])),
        height=height or int(spec.get("height", doc["height"])),
    )


def _values(doc: Mapping[str, Any], source: str, variables: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for definition in doc["variableDefinitions"]:
        default = definition.get("defaultValue")
        if default not in (None, ""):
            values[definition["name"]] = default
    values.update(variables)
    for definition in doc["variableDefinitions"]:
        rules = definition.get("validation") or {}
        if rules.get("required") and values.get(definition["name"]) in (None, ""):
            name = definition["name"]
            raise ApiError(
                422,
                f"Variable '{name}' is required",
                "VARIABLE_REQUIRED",
                errors=[{"field": f"variables.{name}", "message": "required"}],
            )
    if doc.get("strictVariables"):
        try:
            referenced = discover_variables(source)
        except TemplateError as exc:
            raise engine_error(exc) from None
        missing = [name for name in referenced if name not in values]
        if missing:
            raise ApiError(
                422,
                f"Undefined variable(s): {', '.join(missing)}",
                "UNDEFINED_VARIABLE",
                errors=[{"field": f"variables.{n}", "message": "undefined"} for n in missing],
            )
    return values
