"""The ASGI application: routes, error handlers, lifespan, and the gateway and shield in front."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp

from pictify_ssg.local.api_errors import ApiError, internal_error
from pictify_ssg.local.gateway import Gateway
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
from pictify_ssg.local.shield import ErrorShield
from pictify_ssg.local.state import ServerState

logger = logging.getLogger(__name__)


def build_app(state: ServerState) -> ASGIApp:
    """The full application for ``state`` (served by uvicorn or any ASGI server)."""

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        state.batches.owner.register()
        # Synchronous (an indexed lookup), so results polled right after start-up are final.
        state.batches.recover()
        state.maintenance.start()
        if state.options.launch_at_start:
            # In the background: the server answers at once, and the first render waits for
            # the launch it would have started itself.
            warm = asyncio.get_running_loop().create_task(state.renderer.warm_up())
        try:
            yield
        finally:
            await state.maintenance.stop()
            await state.batches.close()
            # After the batches: their last items may still have announced renders.
            await state.bindings.close()
            await state.webhooks.close()
            state.batches.owner.unregister()
            if state.options.launch_at_start:
                warm.cancel()
            await state.renderer.close()

    app = Starlette(
        routes=[
            *batches.ROUTES,
            *templates.ROUTES,
            *canvas.ROUTES,
            *webhooks.ROUTES,
            *bindings.ROUTES,
            *images.ROUTES,
            *gifs.ROUTES,
            *pdfs.ROUTES,
            *files.ROUTES,
            *docs.ROUTES,
        ],
        exception_handlers={
            ApiError: _api_error,
            HTTPException: _http_error,
            Exception: _unexpected,
        },
        lifespan=lifespan,
    )
    app.state.pictify = state
    return ErrorShield(Gateway(app, app.router, state))


async def _api_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return exc.response()


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        message = f"No route for {request.method} {request.url.path}"
        return ApiError(404, message, "NOT_FOUND").response()
    if exc.status_code == 405:
        message = f"Method {request.method} not allowed on {request.url.path}"
        return ApiError(405, message, "METHOD_NOT_ALLOWED").response()
    return ApiError(exc.status_code, str(exc.detail), "HTTP_ERROR").response()


async def _unexpected(request: Request, exc: Exception) -> Response:
    # Only server bugs get here; client mistakes are ApiErrors with 4xx statuses.
    logger.exception("unexpected error in %s %s", request.method, request.url.path)
    return internal_error()
