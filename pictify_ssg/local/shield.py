"""The outermost ASGI layer: no exception reaches uvicorn, so no connection is torn down.

Starlette answers an unexpected exception with the app's 500 handler and then re-raises it "so
servers can log it"; uvicorn does, with a second traceback, and closes the keep-alive
connection. Here the re-raised exception ends: the 500 handler has already logged it once,
with its traceback, and the client got a JSON 500 that says nothing about the code. Errors
raised outside the app (such as the body limit while the idempotency layer reads a body) get
their JSON response here.
"""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pictify_ssg.local.api_errors import ApiError, internal_error

logger = logging.getLogger(__name__)


class ErrorShield:
    """Pure ASGI middleware that turns escaped exceptions into JSON responses.

    Args:
        app: The application to protect.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = finished = False

        async def tracking(message: Message) -> None:
            nonlocal started, finished
            if message["type"] == "http.response.start":
                started = True
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                finished = True
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except Exception as exc:
            if finished:
                # Starlette's re-raise after its 500 handler answered and logged it: logging
                # it again would only repeat the traceback.
                logger.debug("exception after a complete response", exc_info=True)
                return
            if started:
                # Half a response cannot be taken back; uvicorn closes the connection.
                raise
            if isinstance(exc, ApiError):
                await exc.response()(scope, receive, send)
                return
            logger.exception("unexpected error in %s %s", scope["method"], scope["path"])
            await internal_error()(scope, receive, send)
