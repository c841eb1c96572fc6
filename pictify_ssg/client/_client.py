# Generated from _async_client.py by scripts/unasync.py: edit that file, not this one.
"""The synchronous client. Only the send loop lives here; decisions are in ``_base``."""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

import httpx
from typing_extensions import Self

from ._base import BaseClient
from ._config import DEFAULT_MAX_RETRIES, default_timeout
from ._options import DEFAULT_OPTIONS, RequestOptions
from ._request import Endpoint, PreparedRequest
from ._resources import (
    Bindings,
    Gifs,
    Images,
    Pdfs,
    Templates,
    Webhooks,
)
from ._retry import RetryPolicyFn
from ._types import NOT_GIVEN, NotGiven, TimeoutTypes
from .exceptions import PictifyError

T = TypeVar("T")


class Pictify(BaseClient):
    """Synchronous Pictify API client.

    Args:
        api_key: API key; defaults to ``PICTIFY_API_KEY``. Missing -> ``PictifyError`` here.
        base_url: API root; defaults to ``PICTIFY_BASE_URL``, else ``https://api.pictify.io``.
        timeout: Seconds per request (or an ``httpx.Timeout``; ``None`` for no limit). When
            omitted: an ``http_client`` keeps its own timeout; otherwise 30 s, with 120 s to
            read the answer of the long operations (GIF create/capture, multi-page PDFs,
            agent screenshots). Every method also takes ``timeout=`` for one call.
        max_retries: Retries after the first attempt (default policy).
        retry_policy: Replace the retry policy (any ``(error, attempt) -> RetryDecision``).
        http_client: Your own ``httpx.Client`` (not closed by :meth:`close`).
        transport: An ``httpx`` transport for the client made here (e.g. ``MockTransport``).

    Retries: connection errors, timeouts, 408, 429 (not quota) and 5xx are retried with
    exponential backoff and jitter, honouring ``Retry-After``; every method takes
    ``max_retries=`` for one call. Calls that render (billed) or create a record are retried
    only when the failed attempt certainly did nothing (no connection, 408, a throttling 429, a
    503 with ``Retry-After``): the hosted API ignores ``Idempotency-Key`` on those routes, so
    after a dropped connection, a read timeout or a 500/502/504 the error is raised, saying it
    was not retried. Every POST still carries one ``Idempotency-Key`` for all its attempts.

    Attributes:
        images, gifs, pdfs, templates, webhooks, bindings: The API resources.
        rate_limit: :class:`RateLimitInfo` from the last response carrying rate-limit headers.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
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
        own_timeout = self._config.timeout or default_timeout(long_running=False)
        self._http = http_client or httpx.Client(transport=transport, timeout=own_timeout)
        # Injection points for tests (no real sleeping, a controllable clock).
        self._sleep: Callable[[float], None] = time.sleep
        self._clock: Callable[[], float] = time.monotonic
        self.images = Images(self)
        self.gifs = Gifs(self)
        self.pdfs = Pdfs(self)
        self.templates = Templates(self)
        self.webhooks = Webhooks(self)
        self.bindings = Bindings(self)

    def _build(
        self, prepared: PreparedRequest, endpoint: Endpoint[Any], options: RequestOptions
    ) -> httpx.Request:
        return self._http.build_request(
            prepared.method,
            prepared.url,
            params=prepared.params,
            headers=prepared.headers,
            json=prepared.json,
            timeout=self._timeout_for(endpoint, options),
        )

    def _request(self, endpoint: Endpoint[T], options: RequestOptions = DEFAULT_OPTIONS) -> T:
        """Send one logical call: prepare once, then send / decide / sleep until done."""
        prepared = self._prepare(endpoint, options)
        attempt = 0
        while True:
            self._check_open(self._http.is_closed)
            cause: Exception | None = None
            try:
                response = self._http.send(self._build(prepared, endpoint, options))
            except httpx.RequestError as exc:
                error: PictifyError = self._transport_error(exc, prepared)
                cause = exc
            else:
                self._observe(response)
                if response.is_success:
                    return self._parse(endpoint, response)
                error = self._status_error(response, prepared)
            decision = self._decide(error, attempt, options)
            if not decision.retry:
                raise self._final(error) from cause
            self._sleep(decision.delay)
            attempt += 1

    def close(self) -> None:
        """Close the client; later calls raise :class:`ClientClosedError`.

        The underlying HTTP client is closed too, unless it was passed in as ``http_client``.
        """
        self._closed = True
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
