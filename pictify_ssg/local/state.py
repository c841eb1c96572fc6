"""Everything the request handlers share, hung on ``app.state.pictify``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from pictify_ssg.local.options import ServerOptions
from pictify_ssg.local.renderer import Renderer
from pictify_ssg.local.stats import ServerStats
from pictify_ssg.local.storage import Storage

if TYPE_CHECKING:
    from pictify_ssg.local.batches import BatchManager
    from pictify_ssg.local.bindings import BindingManager
    from pictify_ssg.local.retention import Maintenance
    from pictify_ssg.local.webhook_delivery import WebhookDispatcher

DropConnection = Callable[[dict[str, Any]], bool]
"""Closes the TCP connection of an ASGI scope without a response; ``True`` when it did."""


@dataclass
class ServerState:
    """Shared parts of one running server.

    Attributes:
        storage: Documents and files.
        renderer: The Chromium pool.
        options: Behaviour switches.
        stats: Request counters.
        api_keys: Accepted Bearer tokens.
        base_url: The server's public root (``http://127.0.0.1:PORT``), set once bound; file
            URLs are built from it so they stay stable whatever Host header a client sends.
        drop_connection: Set by the lifecycle that owns the sockets (used by fault injection).
        batches: The batch runner (set when the app is built).
        maintenance: Orphaned-batch recovery and retention pruning (set when the app is built).
        webhooks: Sends events to webhook subscriptions (set when the app is built).
        bindings: Fetches, renders and serves bindings (set when the app is built).
    """

    storage: Storage
    renderer: Renderer
    options: ServerOptions
    stats: ServerStats
    api_keys: frozenset[str]
    base_url: str | None = None
    drop_connection: DropConnection | None = None
    batches: BatchManager | None = None
    maintenance: Maintenance | None = None
    webhooks: WebhookDispatcher | None = None
    bindings: BindingManager | None = None

    def file_url(self, name: str, request: Request | None = None) -> str:
        """The absolute URL a rendered file is served at."""
        root = self.base_url or (str(request.base_url) if request is not None else "")
        return f"{root.rstrip('/')}/files/{name}"


def get_state(request: Request) -> ServerState:
    """The `ServerState` of the app handling ``request``."""
    state = request.app.state.pictify
    assert isinstance(state, ServerState)
    return state


ACCOUNT_KEY = "pictify_account"
"""Where the gateway puts the caller's account (a digest of its API key) in ``scope["state"]``."""


def request_account(request: Request) -> str:
    """The account (a non-secret digest of the API key) that sent ``request``; ``""`` if none."""
    return str(request.scope.get("state", {}).get(ACCOUNT_KEY, ""))
