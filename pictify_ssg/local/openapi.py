"""The server's OpenAPI 3.1 document, served at ``GET /openapi.json``.

Request bodies come from the pydantic models in `schemas` (so the document cannot drift from
what the server validates); responses are described here, from what the handlers return and
the error shape of `errors`. A test fuzzes the running server against this document, which is
what keeps the hand-written half honest.

Every error body is ``{error, message, code}`` plus, depending on the error, ``errors`` (field
errors), ``context`` (template position), ``retriable``, ``limit`` or ``retry_after``; the one
exception is the 401, which is exactly ``{"message": "Invalid Request"}`` like the hosted API.
"""

from __future__ import annotations

import copy
import functools
from typing import Any, Final

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from pictify_ssg.local.schemas import (
    BatchRequest,
    ImageRequest,
    RenderRequest,
    TemplateCreate,
    TemplateUpdate,
)
from pictify_ssg.local.schemas_integrations import (
    BindingCreate,
    BindingUpdate,
    SubscriptionCreate,
    SubscriptionUpdate,
)
from pictify_ssg.local.storage import CONTENT_TYPES

OPENAPI_VERSION: Final = "3.1.0"

Schema = dict[str, Any]

_REQUEST_MODELS: tuple[type[BaseModel], ...] = (
    TemplateCreate,
    TemplateUpdate,
    RenderRequest,
    BatchRequest,
    ImageRequest,
    SubscriptionCreate,
    SubscriptionUpdate,
    BindingCreate,
    BindingUpdate,
)


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


def _object(required: dict[str, Schema], optional: dict[str, Schema] | None = None) -> Schema:
    # Responses may grow fields (clients must ignore unknown ones), so none is closed.
    return {
        "type": "object",
        "required": list(required),
        "properties": {**required, **(optional or {})},
    }


_STR: Final[Schema] = {"type": "string"}
_INT: Final[Schema] = {"type": "integer"}
_BOOL: Final[Schema] = {"type": "boolean"}
_STRINGS: Final[Schema] = {"type": "array", "items": _STR}

_RESPONSE_SCHEMAS: Final[dict[str, Schema]] = {
    "Error": _object(
        {"error": _STR, "message": _STR, "code": _STR},
        {
            "errors": {"type": "array", "items": _ref("FieldError")},
            "context": {"type": "object"},
            "retriable": _BOOL,
            "limit": _INT,
            "retry_after": _INT,
            "retryAfter": _INT,
        },
    ),
    "FieldError": _object({"field": _STR, "message": _STR}, {"code": _STR}),
    "Unauthorized": _object({"message": {"const": "Invalid Request"}}),
    "Template": _object(
        {
            "uid": _STR,
            "name": _STR,
            "engine": _STR,
            "html": _STR,
            "width": _INT,
            "height": _INT,
            "outputFormat": _STR,
            "jsEnabled": _BOOL,
            "strictVariables": _BOOL,
            "type": _nullable(_STR),
            "category": _nullable(_STR),
            "tags": _STRINGS,
            "layouts": {"type": "object", "additionalProperties": _ref("Layout")},
            "variableDefinitions": {"type": "array", "items": _ref("VariableDefinitionOut")},
            "variables": _STRINGS,
            "thumbnail": _nullable(_STR),
            "createdAt": _STR,
            "updatedAt": _STR,
        },
        {"pdfPreset": _nullable(_STR)},
    ),
    "Layout": _object(
        {"name": _STR, "createdAt": _STR}, {"width": _INT, "height": _INT, "html": _STR}
    ),
    "VariableDefinitionOut": _object({"name": _STR}, {"type": _STR, "defaultValue": {}}),
    "TemplateEnvelope": _object({"template": _ref("Template")}),
    "TemplateWritten": _object({"template": _ref("Template"), "addedVariables": _STRINGS}),
    "TemplatePage": _object(
        {
            "templates": {"type": "array", "items": _ref("Template")},
            "pagination": _object(
                {
                    "page": _INT,
                    "limit": _INT,
                    "total": _INT,
                    "totalPages": _INT,
                    "hasNext": _BOOL,
                    "hasPrev": _BOOL,
                }
            ),
        }
    ),
    "TemplateVariables": _object(
        {
            "templateUid": _STR,
            "templateName": _STR,
            "variables": {"type": "array", "items": _ref("VariableDefinitionOut")},
        }
    ),
    "Message": _object({"message": _STR}),
    "RenderResults": _object(
        {
            "results": {
                "type": "array",
                "items": _object(
                    {
                        "layout": _STR,
                        "name": _STR,
                        "url": _STR,
                        "width": _INT,
                        "height": _INT,
                        "format": _STR,
                        "id": _STR,
                        "createdAt": _STR,
                    }
                ),
            },
            "errors": {"type": "array", "items": _object({"layout": _STR, "error": _STR})},
            "totalLayouts": _INT,
            "totalRendered": _INT,
            "totalErrors": _INT,
            "templateUid": _STR,
        }
    ),
    "Image": _object(
        {
            "id": _STR,
            "url": _STR,
            "width": _INT,
            "height": _INT,
            "format": _STR,
            "createdAt": _STR,
        },
        {"size": _INT, "templateUid": _STR},
    ),
    "ImageEnvelope": _object({"image": _ref("Image")}),
    "ImagePage": _object(
        {
            "images": {"type": "array", "items": _ref("Image")},
            "pagination": _object({"total": _INT, "limit": _INT, "offset": _INT, "hasMore": _BOOL}),
        }
    ),
    "BatchAccepted": _object(
        {
            "batchId": _STR,
            "id": _STR,
            "status": {"const": "pending"},
            "totalItems": _INT,
            "templateUid": _STR,
            "createdAt": _STR,
            "message": _STR,
        }
    ),
    "BatchStatus": {
        "type": "string",
        "enum": ["pending", "processing", "completed", "partial", "failed", "cancelled"],
    },
    "BatchItem": _object(
        {"index": _INT, "success": _BOOL, "variables": _STRINGS},
        {
            "error": _STR,
            "url": _STR,
            "width": _INT,
            "height": _INT,
            "id": _STR,
            "format": _STR,
            "images": {"type": "array", "items": {"type": "object"}},
        },
    ),
    "BatchResults": _object(
        {
            "batchId": _STR,
            "templateUid": _STR,
            "status": _ref("BatchStatus"),
            "totalItems": _INT,
            "completedItems": _INT,
            "failedItems": _INT,
            "progress": {"type": "integer", "minimum": 0, "maximum": 100},
            "results": {"type": "array", "items": _ref("BatchItem")},
            "errors": {"type": "array", "items": _ref("BatchItem")},
            "createdAt": _STR,
            "startedAt": _nullable(_STR),
            "completedAt": _nullable(_STR),
        },
        {"error": _STR},
    ),
    "BatchCancelled": _object(
        {
            "batchId": _STR,
            "status": _ref("BatchStatus"),
            "message": _STR,
            "completedItems": _INT,
            "failedItems": _INT,
            "cancelledItems": _INT,
        }
    ),
    "Health": _object({"status": {"const": "ok"}, "browser": _BOOL}),
}

# Why each error status can happen; an operation lists the ones that apply to it.
_ERRORS: Final[dict[str, str]] = {
    "400": "The body is not JSON or holds unpaired surrogates (`INVALID_JSON`), nests "
    "deeper than 64 levels (`JSON_TOO_DEEP`), or names a webhook target or data source the "
    "server may not call (`URL_NOT_ALLOWED`, see `ServerOptions.outbound_hosts`).",
    "401": "Missing or unknown Bearer key.",
    "404": "Unknown resource (`*_NOT_FOUND`) or route (`NOT_FOUND`).",
    "405": "The path, once decoded, names a route without this method (`METHOD_NOT_ALLOWED`).",
    "409": "An `Idempotency-Key` reused with another body (`IDEMPOTENCY_KEY_REUSED`; only "
    "with the idempotency option).",
    "413": "The body is over 12 MiB (`PAYLOAD_TOO_LARGE`) or template HTML is over 500 KB "
    "(`TEMPLATE_TOO_LARGE`).",
    "422": "The request is well-formed but invalid: `VALIDATION_ERROR` (with `errors`), "
    "`LAYOUT_NOT_FOUND`, a template-engine code such as `HANDLEBARS_COMPILE_ERROR` or "
    "`RENDERED_HTML_TOO_LARGE` (with `context`), a render failure such as `RENDER_FAILED`, "
    "`STATIC_SOURCE` (a GIF of a page where nothing animates), `CANVAS_UNSUPPORTED` (a canvas "
    "object type or property the local server cannot draw) or `URL_NOT_ALLOWED`.",
    "429": "Rate limit exceeded (`rate_limited`, with `Retry-After`; only with a rate limit).",
    "500": "A server bug (`INTERNAL_ERROR`); the body never carries details.",
    "501": "Not available on the local server (`AGENT_SCREENSHOT_UNSUPPORTED`).",
    "503": "The renderer is unavailable (`BROWSER_UNAVAILABLE`, `BROWSER_POOL_UNAVAILABLE`) or "
    "a fault was injected (`INJECTED_FAULT`).",
}

_ALWAYS = ("404", "405", "413", "500")
_AUTHENTICATED = ("401", "429", "503")
_WITH_BODY = ("400", "409", "422")


def _json(schema: Schema, description: str) -> Schema:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(statuses: tuple[str, ...]) -> dict[str, Schema]:
    return {
        status: _json(_ref("Unauthorized" if status == "401" else "Error"), _ERRORS[status])
        for status in sorted(statuses)
    }


def _operation(
    summary: str,
    ok: tuple[str, Schema],
    *,
    public: bool = False,
    body: tuple[str, bool] | None = None,
    params: list[Schema] | None = None,
    errors: tuple[str, ...] = (),
) -> Schema:
    """One operation: ``ok`` is ``(status, response)``; ``body`` is ``(model name, required)``."""
    statuses = (*_ALWAYS, *errors)
    if not public:
        statuses += _AUTHENTICATED
    if body is not None:
        statuses += _WITH_BODY
    operation: Schema = {
        "summary": summary,
        "responses": {ok[0]: ok[1], **_errors(tuple(set(statuses)))},
    }
    if public:
        operation["security"] = []
    if params:
        operation["parameters"] = params
    if body is not None:
        operation["requestBody"] = {
            "required": body[1],
            "content": {"application/json": {"schema": _ref(body[0])}},
        }
    return operation


def _path_param(name: str) -> Schema:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def _query_int(name: str, default: int, minimum: int, maximum: int | None = None) -> Schema:
    schema: Schema = {"type": "integer", "default": default, "minimum": minimum}
    if maximum is not None:
        schema["maximum"] = maximum
    return {"name": name, "in": "query", "required": False, "schema": schema}


def _paths() -> dict[str, Schema]:
    uid, batch_id = _path_param("uid"), _path_param("batch_id")
    files = {
        "description": "The rendered file.",
        "content": {
            media: {"schema": {"type": "string", "format": "binary"}}
            for media in sorted(set(CONTENT_TYPES.values()))
        },
    }
    name = [_path_param("name")]
    return {
        "/health": {
            "get": _operation(
                "Liveness and whether Chromium runs",
                ("200", _json(_ref("Health"), "Up.")),
                public=True,
            )
        },
        "/openapi.json": {
            "get": _operation(
                "This document",
                ("200", _json({"type": "object"}, "The OpenAPI document.")),
                public=True,
            )
        },
        "/files/{name}": {
            "get": _operation(
                "A rendered file (no key needed)", ("200", files), public=True, params=name
            ),
            "head": _operation(
                "A rendered file's headers", ("200", files), public=True, params=name
            ),
        },
        "/templates": {
            "get": _operation(
                "List templates",
                ("200", _json(_ref("TemplatePage"), "One page of templates.")),
                params=[
                    _query_int("page", 1, 1),
                    _query_int("limit", 12, 1, 100),
                    {
                        "name": "sort",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "enum": ["newest", "oldest", "name"]},
                    },
                    {
                        "name": "outputFormat",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string"},
                    },
                ],
                errors=("422",),
            ),
            "post": _operation(
                "Create a template",
                ("200", _json(_ref("TemplateWritten"), "The new template.")),
                body=("TemplateCreate", True),
            ),
        },
        "/templates/{uid}": {
            "get": _operation(
                "Get a template",
                ("200", _json(_ref("TemplateEnvelope"), "The template.")),
                params=[uid],
            ),
            "put": _operation(
                "Update a template (partial)",
                ("200", _json(_ref("TemplateWritten"), "The updated template.")),
                params=[uid],
                body=("TemplateUpdate", False),
            ),
            "delete": _operation(
                "Delete a template",
                ("200", _json(_ref("Message"), "Deleted.")),
                params=[uid],
            ),
        },
        "/templates/{uid}/variables": {
            "get": _operation(
                "A template's variables",
                ("200", _json(_ref("TemplateVariables"), "The variable definitions.")),
                params=[uid],
            )
        },
        "/templates/{uid}/render": {
            "post": _operation(
                "Render a template (one image per layout)",
                ("200", _json(_ref("RenderResults"), "Rendered layouts and per-layout errors.")),
                params=[uid],
                body=("RenderRequest", False),
            )
        },
        "/templates/{uid}/batch-render": {
            "post": _operation(
                "Start a batch render",
                ("202", _json(_ref("BatchAccepted"), "Accepted; poll the results.")),
                params=[uid],
                body=("BatchRequest", True),
            )
        },
        "/templates/batch/{batch_id}/results": {
            "get": _operation(
                "A batch's progress and results",
                ("200", _json(_ref("BatchResults"), "The batch.")),
                params=[batch_id],
            )
        },
        "/templates/batch/{batch_id}/cancel": {
            "post": _operation(
                "Cancel a batch (finished items keep their results)",
                ("200", _json(_ref("BatchCancelled"), "The batch after the request.")),
                params=[batch_id],
                errors=("409",),
            )
        },
        "/image": {
            "get": _operation(
                "List images",
                ("200", _json(_ref("ImagePage"), "One page of images.")),
                params=[_query_int("limit", 30, 1, 100), _query_int("offset", 0, 0)],
                errors=("422",),
            ),
            "post": _operation(
                "Render HTML, a URL or a saved template to an image",
                ("200", _json(_ref("Image"), "The rendered image.")),
                body=("ImageRequest", True),
            ),
        },
        "/image/{uid}": {
            "get": _operation(
                "Get an image record",
                ("200", _json(_ref("ImageEnvelope"), "The image.")),
                params=[uid],
            )
        },
    }


def _request_schemas(extra: tuple[type[BaseModel], ...]) -> dict[str, Schema]:
    _, top = models_json_schema(
        [(model, "validation") for model in (*_REQUEST_MODELS, *extra)],
        ref_template="#/components/schemas/{model}",
    )
    schemas: dict[str, Schema] = top["$defs"]
    return schemas


@functools.lru_cache(maxsize=1)
def _document() -> Schema:
    # Imported here: these modules build their operations with the helpers above.
    from pictify_ssg.local import openapi_integrations as integrations
    from pictify_ssg.local import openapi_media

    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "pictify-ssg local server",
            "version": "1",
            "description": "A Pictify-compatible API rendering with a local Chromium.",
        },
        "security": [{"bearerAuth": []}],
        "paths": {**_paths(), **openapi_media.paths(), **integrations.paths()},
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                **_request_schemas(openapi_media.REQUEST_MODELS),
                **_RESPONSE_SCHEMAS,
                **openapi_media.RESPONSE_SCHEMAS,
                **integrations.RESPONSE_SCHEMAS,
            },
        },
    }


def openapi_document(base_url: str | None = None) -> Schema:
    """The OpenAPI document (a fresh copy the caller may change).

    Args:
        base_url: The server's root URL, listed under ``servers`` when given.
    """
    document = copy.deepcopy(_document())
    if base_url:
        document["servers"] = [{"url": base_url}]
    return document
