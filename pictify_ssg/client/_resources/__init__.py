"""The API resources: hand-written async classes in ``_async``, sync twins generated into
``_sync`` by ``scripts/unasync.py``; shared pure helpers beside them."""

from ._async.bindings import AsyncBindings
from ._async.gifs import AsyncGifs
from ._async.images import AsyncImages
from ._async.pdfs import AsyncPdfs
from ._async.templates import AsyncTemplates
from ._async.webhooks import AsyncWebhooks
from ._sync.bindings import Bindings
from ._sync.gifs import Gifs
from ._sync.images import Images
from ._sync.pdfs import Pdfs
from ._sync.templates import Templates
from ._sync.webhooks import Webhooks

__all__ = [
    "AsyncBindings",
    "AsyncGifs",
    "AsyncImages",
    "AsyncPdfs",
    "AsyncTemplates",
    "AsyncWebhooks",
    "Bindings",
    "Gifs",
    "Images",
    "Pdfs",
    "Templates",
    "Webhooks",
]
