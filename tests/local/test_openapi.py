"""``GET /openapi.json``: served without a key, and covering every route the server has."""

from __future__ import annotations

from typing import Any

import httpx

from pictify_ssg.local import LocalServer
from pictify_ssg.local.openapi import openapi_document
from pictify_ssg.local.routes import (
    batches,
    bindings,
    canvas,
    docs,
    files,
    gifs,
    images,
    pdfs,
    templates,
    webhooks,
)


def _routes() -> set[tuple[str, str]]:
    # Starlette answers HEAD wherever it answers GET; the document lists HEAD only where it
    # matters (files, which clients may probe), so HEAD is left out of the comparison.
    return {
        (method.lower(), route.path)
        for module in (
            batches,
            bindings,
            canvas,
            docs,
            files,
            gifs,
            images,
            pdfs,
            templates,
            webhooks,
        )
        for route in module.ROUTES
        for method in route.methods or ()
        if method != "HEAD"
    }


def _documented(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (method, path)
        for path, item in document["paths"].items()
        for method in item
        if method != "head"
    }


def test_it_is_served_without_a_key(local_server: LocalServer) -> None:
    response = httpx.get(f"{local_server.base_url}/openapi.json")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    document = response.json()
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": local_server.base_url}]


def test_every_route_is_documented_and_nothing_else() -> None:
    assert _documented(openapi_document()) == _routes()


def test_request_bodies_come_from_the_server_models() -> None:
    schemas = openapi_document()["components"]["schemas"]

    for name in ("TemplateCreate", "TemplateUpdate", "RenderRequest", "BatchRequest"):
        assert schemas[name]["type"] == "object"
    assert schemas["TemplateCreate"]["required"] == ["html"]
    assert schemas["BatchRequest"]["properties"]["variableSets"]["maxItems"] == 100
    assert len(schemas["ImageRequest"]["oneOf"]) == 3


def test_public_routes_need_no_key_and_the_rest_do() -> None:
    document = openapi_document()
    public = {
        path
        for path, item in document["paths"].items()
        for operation in item.values()
        if operation.get("security") == []
    }

    assert public == {"/health", "/openapi.json", "/files/{name}", "/b/{name}"}
    assert document["security"] == [{"bearerAuth": []}]
    render = document["paths"]["/templates/{uid}/render"]["post"]["responses"]
    assert render["401"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Unauthorized"
    }
    assert {"400", "404", "413", "422", "500"} <= set(render)


def test_every_reference_resolves() -> None:
    document = openapi_document()
    names = set(document["components"]["schemas"])

    def refs(node: Any) -> set[str]:
        if isinstance(node, dict):
            found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
            return found.union(*(refs(value) for value in node.values()))
        if isinstance(node, list):
            return set().union(*(refs(value) for value in node))
        return set()

    missing = {ref for ref in refs(document) if ref.rsplit("/", 1)[1] not in names}
    assert missing == set()


def test_callers_get_a_copy() -> None:
    openapi_document()["paths"].clear()

    assert openapi_document()["paths"]
