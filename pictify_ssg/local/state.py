"""Everything the request handlers share, hung on ``app.state.pictify``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from pictify_ssg.local.faults import FaultInjector
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


@dataclass(eq=False)
class ServerState:
    """Shared parts of one running server, whole from the moment it is made.

    The parts given to the constructor are made first (the socket is bound before, so the
    server's URL is known); the services that work on the state (batches, webhook deliveries,
    bindings, maintenance) are made by the constructor itself, once every part they read
    exists. Nothing is filled in later.

    Attributes:
        storage: Documents and files.
        renderer: The Chromium pool.
        options: Behaviour switches.
        stats: Request counters.
        api_keys: Accepted Bearer tokens.
        base_url: The server's public root (``http://127.0.0.1:PORT``); file URLs are built
            from it so they stay stable whatever Host header a client sends.
        drop_connection: Closes a request's TCP connection (fault injection); given by the
            lifecycle that owns the sockets.
        faults: Decides which requests and batch items fail on purpose.
        webhooks: Sends events to webhook subscriptions.
        bindings: Fetches, renders and serves bindings.
        batches: The batch runner.
        maintenance: Orphaned-batch recovery and retention pruning.
    """

    storage: Storage
    renderer: Renderer
    options: ServerOptions
    stats: ServerStats
    api_keys: frozenset[str]
    base_url: str
    drop_connection: DropConnection
    faults: FaultInjector = field(init=False)
    webhooks: WebhookDispatcher = field(init=False)
    bindings: BindingManager = field(init=False)
    batches: BatchManager = field(init=False)
    maintenance: Maintenance = field(init=False)

    def __post_init__(self) -> None:
        # Imported here: each of these modules reads ServerState (they import this module).
        from pictify_ssg.local.batches import BatchManager
        from pictify_ssg.local.bindings import BindingManager
        from pictify_ssg.local.retention import Maintenance, Pruner
        from pictify_ssg.local.webhook_delivery import WebhookDispatcher

        self.faults = FaultInjector(self.options)
        self.webhooks = WebhookDispatcher(self)
        self.bindings = BindingManager(self)
        self.batches = BatchManager(self, self.faults)
        self.maintenance = Maintenance(
            Pruner(self.storage, self.options.retention_hours),
            self.batches.recover,
            self.options.prune_interval_s,
        )

    def file_url(self, name: str) -> str:
        """The absolute URL a rendered file is served at."""
        return f"{self.base_url.rstrip('/')}/files/{name}"


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
