"""A Pictify-compatible HTTP server that renders cards with a real Chromium.

Use it as a context manager from Python::

    from pictify_ssg.local import LocalServer, ServerOptions

    with LocalServer() as server:
        client = Pictify(api_key=server.api_key, base_url=server.base_url)

or in the foreground with ``pictify-ssg serve``.

The heavy imports (Starlette, uvicorn, Playwright) happen on first attribute access, so
``import pictify_ssg.local.templating`` stays light for code that only needs the template engine.
`LocalServerError` and `ChromiumNotFoundError` (raised by `LocalServer.start` when no usable
Chromium exists) come from a module without heavy imports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pictify_ssg._lazy import lazy_exports
from pictify_ssg.local.exceptions import ChromiumNotFoundError, LocalServerError

if TYPE_CHECKING:
    from pictify_ssg.local.options import ServerOptions
    from pictify_ssg.local.server import LocalServer
    from pictify_ssg.local.stats import ServerStats

__all__ = [
    "ChromiumNotFoundError",
    "LocalServer",
    "LocalServerError",
    "ServerOptions",
    "ServerStats",
]


__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "LocalServer": "pictify_ssg.local.server",
        "ServerOptions": "pictify_ssg.local.options",
        "ServerStats": "pictify_ssg.local.stats",
    },
)
