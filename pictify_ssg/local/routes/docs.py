"""``GET /openapi.json``: the server's OpenAPI document (no key needed, like ``/health``)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from pictify_ssg.local.openapi import openapi_document
from pictify_ssg.local.state import get_state


async def openapi(request: Request) -> JSONResponse:
    """``GET /openapi.json`` -> the OpenAPI 3.1 document, with this server under ``servers``."""
    return JSONResponse(openapi_document(get_state(request).base_url))


ROUTES = [Route("/openapi.json", openapi, methods=["GET"])]
