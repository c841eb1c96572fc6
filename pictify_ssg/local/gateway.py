"""The ASGI layer in front of every route: statistics, body limit, auth, rate limits, faults,
idempotency.

Order matters and mirrors a hosted gateway: count the request, refuse a body declared too large
(413) and count the bytes of any other as they arrive, reject bad keys (401), apply
the rate limit (429), inject faults (latency and jitter, 503, 429, dropped connection, a render
answered late), then replay or run the request. Files, binding images (``/b/``), the health
check and the OpenAPI document skip everything but counting and the body limit: card URLs must
be fetchable without a key, like a CDN URL. Authenticated requests carry their account (a
digest of the key) in ``scope["state"]``, so subscriptions and bindings stay with their key.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging

from starlette.datastructures import Headers
from starlette.routing import Match, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pictify_ssg.local.api_errors import ApiError, unauthorized
from pictify_ssg.local.body_limit import declared_too_large, limit_body
from pictify_ssg.local.idempotency import IdempotencyStore
from pictify_ssg.local.ratelimit import RateLimiter
from pictify_ssg.local.state import ACCOUNT_KEY, ServerState

logger = logging.getLogger(__name__)

PUBLIC_PREFIXES = ("/files/", "/b/", "/health", "/openapi.json")
#: Requests that make (and, on the hosted API, bill) images: the ones a late answer targets.
RENDER_ROUTES = frozenset(
    {
        "POST /templates/{uid}/render",
        "POST /templates/{uid}/batch-render",
        "POST /image",
        "POST /image/canvas",
        "POST /gif",
        "POST /gif/capture",
        "POST /pdf/render",
        "POST /pdf/multi-page",
    }
)


class Gateway:
    """Pure ASGI middleware wrapping the route table.

    Args:
        app: The Starlette application (routes and exception handlers).
        router: Its router, used to name requests by route template for the statistics.
        state: The shared server state.
    """

    def __init__(self, app: ASGIApp, router: Router, state: ServerState) -> None:
        self.app = app
        self.router = router
        self.state = state
        options = state.options
        self.limiter = (
            RateLimiter(options.rate_limit_per_minute) if options.rate_limit_per_minute else None
        )
        self.faults = state.faults
        self.idempotency = IdempotencyStore() if options.idempotency else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        route = self.route_key(scope)
        self.state.stats.record_request(route)
        too_large = declared_too_large(scope)
        if too_large is not None:
            # Answered before a byte of the body is read; uvicorn discards what still arrives.
            await too_large.response()(scope, receive, send)
            return
        receive = limit_body(receive)
        if scope["path"].startswith(PUBLIC_PREFIXES):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        caller = self._authenticate(headers)
        if caller is None:
            await unauthorized()(scope, receive, send)
            return
        # Webhook subscriptions and bindings belong to the key that made them.
        scope.setdefault("state", {})[ACCOUNT_KEY] = caller
        decision = self.limiter.hit(caller) if self.limiter else None
        send = _with_headers(send, decision.headers()) if decision else send
        if decision is not None and not decision.allowed:
            await _throttled(decision.retry_after, "Rate limit exceeded").response()(
                scope, receive, send
            )
            return
        if await self._inject_fault(scope, receive, send):
            return
        if route in RENDER_ROUTES and self.faults.answers_late():
            send = _answered_late(send, self.state.options.late_render_ms / 1000)
        key = headers.get("idempotency-key")
        if self.idempotency is not None and scope["method"] == "POST" and key:
            await self.idempotency.handle(self.app, scope, receive, send, caller, key)
            return
        await self.app(scope, receive, send)

    def route_key(self, scope: Scope) -> str:
        """``"<METHOD> <route template>"``, or the raw path for unknown routes."""
        for route in self.router.routes:
            match, _ = route.matches(scope)
            if match is Match.FULL:
                path = getattr(route, "path", scope["path"])
                return f"{scope['method']} {path}"
        return f"{scope['method']} {scope['path']}"

    def _authenticate(self, headers: Headers) -> str | None:
        """A stable, non-secret name for the caller's key, or ``None`` when it is not accepted."""
        scheme, _, token = headers.get("authorization", "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return None
        for key in self.state.api_keys:
            if hmac.compare_digest(token.encode(), key.encode()):
                # Keyed state (rate windows, idempotency) holds a digest, never the key itself.
                return hashlib.sha256(key.encode()).hexdigest()[:16]
        return None

    async def _inject_fault(self, scope: Scope, receive: Receive, send: Send) -> bool:
        options = self.state.options
        if not options.faults_enabled:
            return False
        delay = self.faults.delay_s()
        if delay:
            await asyncio.sleep(delay)
        fault = self.faults.decide()
        if fault is None:
            return False
        logger.debug("injecting fault %r into %s %s", fault, scope["method"], scope["path"])
        if fault == "error":
            error = ApiError(
                503, "Injected server error", "INJECTED_FAULT", extra={"retriable": True}
            )
            await error.response()(scope, receive, send)
        elif fault == "throttle":
            await _throttled(1, "Injected rate limit").response()(scope, receive, send)
        else:
            dropper = self.state.drop_connection
            if dropper is None or not dropper(dict(scope)):
                # Without access to the socket (e.g. an in-process ASGI test client) the
                # closest thing to a dropped connection is an empty 502.
                error = ApiError(502, "Injected dropped connection", "INJECTED_FAULT")
                await error.response()(scope, receive, send)
            else:
                # Let the protocol notice the closed transport so it sends nothing itself.
                for _ in range(3):
                    await asyncio.sleep(0)
        return True


def _throttled(retry_after: int, message: str) -> ApiError:
    return ApiError(
        429,
        message,
        "rate_limited",
        headers={"Retry-After": str(retry_after)},
        extra={"retry_after": retry_after, "retryAfter": retry_after},
    )


def _answered_late(send: Send, delay_s: float) -> Send:
    """``send`` holding the response back ``delay_s`` after the request was handled in full."""

    async def late(message: Message) -> None:
        if message["type"] == "http.response.start":
            logger.debug("holding a render's answer back for %.1f s", delay_s)
            await asyncio.sleep(delay_s)
        # A client that gave up meanwhile has closed the connection; uvicorn then drops the
        # answer without an error, as it does for any client that leaves.
        await send(message)

    return late


def _with_headers(send: Send, extra: dict[str, str]) -> Send:
    encoded = [(k.lower().encode(), v.encode()) for k, v in extra.items()]

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            present = {k for k, _ in message.get("headers", [])}
            headers = list(message.get("headers", []))
            headers += [(k, v) for k, v in encoded if k not in present]
            message = {**message, "headers": headers}
        await send(message)

    return wrapped
