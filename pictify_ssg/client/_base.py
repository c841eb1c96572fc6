"""The shared base of ``Pictify`` and ``AsyncPictify``: every decision that does no I/O.

The two clients only add their send loop (``_request``); everything they decide on the way
(request building, error mapping, retries, rate-limit bookkeeping) lives here once.
"""

from __future__ import annotations

import logging
from typing import Any, TypeVar

import httpx

from ._config import REDACTED, USER_AGENT, ClientConfig, redact
from ._errors import make_status_error
from ._rate_limit import RateLimitInfo, parse_rate_limit
from ._request import Endpoint, PreparedRequest, prepare
from ._retry import RetryDecision, RetryPolicy, RetryPolicyFn
from .exceptions import APIConnectionError, APITimeoutError, PictifyError

T = TypeVar("T")

logger = logging.getLogger("pictify_ssg.client")

_TIMEOUT_PHASES: dict[type[httpx.TimeoutException], str] = {
    httpx.ConnectTimeout: "connect",
    httpx.ReadTimeout: "read",
    httpx.WriteTimeout: "write",
    httpx.PoolTimeout: "pool",
}


class BaseClient:
    """Configuration plus pure helpers shared by the sync and async clients."""

    def __init__(
        self,
        api_key: str | None,
        *,
        base_url: str | None,
        timeout: float | httpx.Timeout | None,
        max_retries: int,
        retry_policy: RetryPolicyFn | None,
        http_client: object | None,
        transport: object | None,
    ) -> None:
        if http_client is not None and transport is not None:
            raise ValueError("pass either http_client or transport, not both")
        self._config = ClientConfig.create(api_key, base_url, timeout, max_retries)
        self._retry_policy: RetryPolicyFn = retry_policy or RetryPolicy(
            max_retries=self._config.max_retries
        )
        self.rate_limit: RateLimitInfo | None = None

    @property
    def base_url(self) -> str:
        """The API root this client talks to."""
        return self._config.base_url

    @property
    def max_retries(self) -> int:
        """Retries after the first attempt (for the default policy)."""
        return self._config.max_retries

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, api_key={REDACTED!r})"

    # -- pure steps used by the send loops -------------------------------------------------

    def _prepare(self, endpoint: Endpoint[Any]) -> PreparedRequest:
        return prepare(
            endpoint,
            base_url=self._config.base_url,
            api_key=self._config.api_key,
            user_agent=USER_AGENT,
        )

    def _transport_error(
        self, exc: httpx.TransportError, prepared: PreparedRequest
    ) -> APIConnectionError:
        detail = redact(str(exc) or type(exc).__name__, self._config.api_key)
        if isinstance(exc, httpx.TimeoutException):
            phase = _TIMEOUT_PHASES.get(type(exc), "read")
            return APITimeoutError(
                f"{prepared.method} {prepared.url} timed out ({phase}): {detail}",
                phase=phase,
                method=prepared.method,
                url=prepared.url,
            )
        return APIConnectionError(
            f"Could not reach {prepared.url}: {detail}",
            method=prepared.method,
            url=prepared.url,
        )

    def _decode(self, response: httpx.Response) -> Any:
        if not response.content:
            return None
        try:
            data = response.json()
        except ValueError:
            return {"message": response.text[:1000]}
        return redact(data, self._config.api_key)

    def _status_error(self, response: httpx.Response, prepared: PreparedRequest) -> PictifyError:
        data = self._decode(response)
        body = data if isinstance(data, dict) else {"message": str(data)} if data else {}
        return make_status_error(
            response.status_code,
            body,
            dict(response.headers),
            method=prepared.method,
            url=prepared.url,
        )

    def _parse(self, endpoint: Endpoint[T], response: httpx.Response) -> T:
        data = self._decode(response)
        try:
            return endpoint.parse(data)
        except ValueError as exc:  # pydantic.ValidationError is a ValueError
            raise PictifyError(
                f"Unexpected response from {endpoint.method} {endpoint.path}: {exc}",
                status=response.status_code,
                body=data if isinstance(data, dict) else None,
                method=endpoint.method,
                url=str(response.url),
            ) from exc

    def _observe(self, response: httpx.Response) -> None:
        info = parse_rate_limit(response.headers)
        if info is not None:
            self.rate_limit = info

    def _decide(self, error: PictifyError, attempt: int) -> RetryDecision:
        decision = self._retry_policy(error, attempt)
        if decision.retry:
            logger.debug(
                "retrying %s %s after %s in %.2f s (retry %d)",
                error.method,
                error.url,
                decision.reason or type(error).__name__,
                decision.delay,
                attempt + 1,
            )
        else:
            logger.debug("not retrying %s %s: %s", error.method, error.url, decision.reason)
        return decision
