"""The OpenAPI paths and schemas of webhook subscriptions and bindings (merged by `openapi`)."""

from __future__ import annotations

from typing import Any, Final

from pictify_ssg.local import openapi as base
from pictify_ssg.local.storage import CONTENT_TYPES

Schema = dict[str, Any]

_STR: Final[Schema] = {"type": "string"}
_INT: Final[Schema] = {"type": "integer"}
_BOOL: Final[Schema] = {"type": "boolean"}
_OBJ: Final[Schema] = {"type": "object"}
_NULL_STR: Final[Schema] = base._nullable(_STR)
_NULL_OBJ: Final[Schema] = base._nullable(_OBJ)

# The page/limit block of the template list, shared by every page/limit list.
_PAGINATION: Final[Schema] = base._RESPONSE_SCHEMAS["TemplatePage"]["properties"]["pagination"]

RESPONSE_SCHEMAS: Final[dict[str, Schema]] = {
    "Subscription": base._object(
        {
            "uid": _STR,
            "event": _STR,
            "targetUrl": _STR,
            "platform": _STR,
            "status": {"type": "string", "enum": ["active", "paused", "failed"]},
            "filters": _OBJ,
            "deliveryCount": _INT,
            "failureCount": _INT,
            "lastDeliveryAt": _NULL_STR,
            "createdAt": _STR,
        },
        {"lastDelivery": _NULL_OBJ, "updatedAt": _STR, "secret": _STR},
    ),
    "SubscriptionEnvelope": base._object({"subscription": base._ref("Subscription")}),
    "SubscriptionPage": base._object(
        {
            "subscriptions": {"type": "array", "items": base._ref("Subscription")},
            "pagination": _PAGINATION,
        }
    ),
    "Deleted": base._object({"deleted": _BOOL}, {"message": _STR}),
    "Binding": base._object(
        {
            "uid": _STR,
            "templateId": _STR,
            "dataSource": _OBJ,
            "mapping": _OBJ,
            "defaults": _OBJ,
            "refreshPolicy": _OBJ,
            "outputConfig": _OBJ,
            "status": {"type": "string", "enum": ["active", "paused", "error"]},
            "renderUrl": _STR,
            "imageUrl": _STR,
            "createdAt": _STR,
        },
        {
            "name": _NULL_STR,
            "fileUrl": _NULL_STR,
            "webhookUrl": _NULL_STR,
            "lastRenderAt": _NULL_STR,
            "lastFetchAt": _NULL_STR,
            "lastError": _NULL_STR,
            "lastVariables": _NULL_OBJ,
            "updatedAt": _STR,
        },
    ),
    "BindingEnvelope": base._object({"binding": base._ref("Binding")}),
    "BindingPage": base._object(
        {
            "bindings": {"type": "array", "items": base._ref("Binding")},
            "pagination": _PAGINATION,
        }
    ),
    "BindingRefresh": base._object(
        {
            "status": {"type": "string", "enum": ["refreshed", "failed"]},
            "renderUrl": _STR,
            "imageUrl": _STR,
            "binding": base._ref("Binding"),
        }
    ),
}

_502 = base._json(
    base._ref("Error"),
    "The binding's data source fails and its `onError` is `serve_error`, or no image could be "
    "rendered at all (`BINDING_SOURCE_FAILED`).",
)


def _query(name: str, values: list[str] | None = None) -> Schema:
    schema: Schema = {"type": "string", "enum": values} if values else {"type": "string"}
    return {"name": name, "in": "query", "required": False, "schema": schema}


def _crud(
    noun: str, envelope: str, page: str, create: str, update: str, filters: list[Schema]
) -> dict[str, Schema]:
    """The collection and item operations shared by subscriptions and bindings."""
    uid = [base._path_param("uid")]
    ok = base._json(base._ref(envelope), f"The {noun}.")
    return {
        "": {
            "get": base._operation(
                f"List {noun}s",
                ("200", base._json(base._ref(page), f"One page of {noun}s.")),
                params=[
                    base._query_int("page", 1, 1),
                    base._query_int("limit", 20, 1, 100),
                    *filters,
                ],
                errors=("422",),
            ),
            "post": base._operation(
                f"Create a {noun}",
                ("201", base._json(base._ref(envelope), f"The new {noun}.")),
                body=(create, True),
            ),
        },
        "/{uid}": {
            "get": base._operation(f"Get a {noun}", ("200", ok), params=uid),
            "put": base._operation(
                f"Update a {noun} (partial)", ("200", ok), params=uid, body=(update, False)
            ),
            "delete": base._operation(
                f"Delete a {noun}",
                ("200", base._json(base._ref("Deleted"), "Deleted.")),
                params=uid,
            ),
        },
        "/{uid}/pause": {"post": base._operation(f"Pause a {noun}", ("200", ok), params=uid)},
        "/{uid}/resume": {"post": base._operation(f"Resume a {noun}", ("200", ok), params=uid)},
    }


def paths() -> dict[str, Schema]:
    """The paths of ``/webhook-subscriptions``, ``/bindings`` and ``/b/{name}``."""
    subscriptions = _crud(
        "webhook subscription",
        "SubscriptionEnvelope",
        "SubscriptionPage",
        "SubscriptionCreate",
        "SubscriptionUpdate",
        [
            _query("event"),
            _query("status", ["active", "paused", "failed"]),
            _query("platform"),
        ],
    )
    bindings = _crud(
        "binding",
        "BindingEnvelope",
        "BindingPage",
        "BindingCreate",
        "BindingUpdate",
        [_query("templateId"), _query("status", ["active", "paused", "error"])],
    )
    result = {f"/webhook-subscriptions{suffix}": item for suffix, item in subscriptions.items()}
    result.update({f"/bindings{suffix}": item for suffix, item in bindings.items()})
    result["/bindings/{uid}/refresh"] = {
        "post": base._operation(
            "Fetch the data and render the binding now",
            ("200", base._json(base._ref("BindingRefresh"), "The refresh and the binding.")),
            params=[base._path_param("uid")],
        )
    }
    image = {
        "description": "The binding's current image.",
        "content": {
            media: {"schema": {"type": "string", "format": "binary"}}
            for media in sorted(set(CONTENT_TYPES.values()))
        },
    }
    name = [base._path_param("name")]
    served: dict[str, Schema] = {}
    for method in ("get", "head"):
        operation = base._operation(
            "A binding's current image (no key needed)", ("200", image), public=True, params=name
        )
        operation["responses"]["502"] = _502
        served[method] = operation
    result["/b/{name}"] = served
    return result
