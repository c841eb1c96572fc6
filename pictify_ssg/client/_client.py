"""The synchronous client. Only the send loop lives here; decisions are in ``_base``."""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType
from typing import TypeVar

import httpx
from typing_extensions import Self

from ._base import BaseClient
from ._config import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT
from ._request import Endpoint, PreparedRequest
from ._resources.bindings import Bindings
from ._resources.gifs import Gifs
from ._resources.images import Images
from ._resources.pdfs import Pdfs
from ._resources.templates import Templates
from ._resources.webhooks import Webhooks
from ._retry import RetryPolicyFn
from .exceptions import PictifyError

T = TypeVar("T")


class Pictify(BaseClient):
    """Synchronous Pictify API client.

    Args:
        api_key: API key; defaults to ``PICTIFY_API_KEY``. Missing -> ``PictifyError`` here.
        base_url: API root; defaults to ``PICTIFY_BASE_URL``, else ``https://api.pictify.io``.
        timeout: Seconds per request (or an ``httpx.Timeout``; ``None`` for no limit).
        max_retries: Retries after the first attempt (default policy).
        retry_policy: Replace the retry policy (any ``(error, attempt) -> RetryDecision``).
        http_client: Your own ``httpx.Client`` (not closed by :meth:`close`).
        transport: An ``httpx`` transport for the client made here (e.g. ``MockTransport``).

    Retries: connection errors, timeouts, 408, 429 (not quota) and 5xx are retried with
    exponential backoff and jitter, honouring ``Retry-After``. Every POST carries one
    ``Idempotency-Key`` for all its attempts, but a POST is never retried after a read timeout:
    the hosted render endpoints ignore the key, so the server may still be rendering (and
    billing) the first attempt.

    Attributes:
        images, gifs, pdfs, templates, webhooks, bindings: The API resources.
        rate_limit: :class:`RateLimitInfo` from the last response carrying rate-limit headers.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_policy: RetryPolicyFn | None = None,
        http_client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(
            api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            retry_policy=retry_policy,
            http_client=http_client,
            transport=transport,
        )
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(transport=transport, timeout=self._config.timeout)
        # Injection points for tests (no real sleeping, a controllable clock).
        self._sleep: Callable[[float], None] = time.sleep
        self._clock: Callable[[], float] = time.monotonic
        self.images = Images(self)
        self.gifs = Gifs(self)
        self.pdfs = Pdfs(self)
        self.templates = Templates(self)
        self.webhooks = Webhooks(self)
        self.bindings = Bindings(self)

    def _build(self, prepared: PreparedRequest) -> httpx.Request:
        return self._http.build_request(
            prepared.method,
            prepared.url,
            params=prepared.params,
            headers=prepared.headers,
            json=prepared.json,
            timeout=self._config.timeout,
        )

    def _request(self, endpoint: Endpoint[T]) -> T:
        """Send one logical call: prepare once, then send / decide / sleep until done."""
        prepared = self._prepare(endpoint)
        attempt = 0
        while True:
            cause: Exception | None = None
            try:
                response = self._http.send(self._build(prepared))
            except httpx.TransportError as exc:
                error: PictifyError = self._transport_error(exc, prepared)
                cause = exc
            else:
                self._observe(response)
                if response.is_success:
                    return self._parse(endpoint, response)
                error = self._status_error(response, prepared)
            decision = self._decide(error, attempt)
            if not decision.retry:
                raise error from cause
            self._sleep(decision.delay)
            attempt += 1

    def close(self) -> None:
        """Close the underlying HTTP client (unless it was passed in)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
