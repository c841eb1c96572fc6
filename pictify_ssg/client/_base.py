"""The shared base of ``Pictify`` and ``AsyncPictify``: every decision that does no I/O.

The two clients only add their send loop (``_request``); everything they decide on the way
(request building, error mapping, retries, rate-limit bookkeeping) lives here once.
"""

from __future__ import annotations

import dataclasses
import logging
import random
from collections.abc import Callable
from typing import Any, TypeVar

import httpx
from httpx._client import UseClientDefault  # httpx exports the value, not its type

from ._config import REDACTED, USER_AGENT, ClientConfig, default_timeout, redact
from ._error_mapping import make_status_error
from ._options import RequestOptions
from ._rate_limit import RateLimitInfo, parse_rate_limit
from ._request import Endpoint, PreparedRequest, prepare
from ._retry import RetryDecision, RetryPolicy, RetryPolicyFn, unsafe_note, unsafe_to_repeat
from ._types import NotGiven, TimeoutTypes
from .exceptions import APIConnectionError, APITimeoutError, ClientClosedError, PictifyError

T = TypeVar("T")

logger = logging.getLogger("pictify_ssg.client")

_TIMEOUT_PHASES: dict[type[httpx.TimeoutException], str] = {
    httpx.ConnectTimeout: "connect",
    httpx.ReadTimeout: "read",
    httpx.WriteTimeout: "write",
    httpx.PoolTimeout: "pool",
}
#: Transport errors raised before a byte of the request left: repeating is always safe.
_NOT_SENT = (httpx.ConnectError, httpx.UnsupportedProtocol)


class BaseClient:
    """Configuration plus pure helpers shared by the sync and async clients."""

    def __init__(
        self,
        api_key: str | None,
        *,
        base_url: str | None,
        timeout: TimeoutTypes | NotGiven,
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
        # The caller's own httpx client keeps its own timeout unless told otherwise.
        self._custom_http = http_client is not None
        self._closed = False
        # Random source for the poll jitter of wait_for_batch (injectable for tests).
        self._random: Callable[[], float] = random.random

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

    def _prepare(self, endpoint: Endpoint[Any], options: RequestOptions) -> PreparedRequest:
        return prepare(
            endpoint,
            base_url=self._config.base_url,
            api_key=self._config.api_key,
            user_agent=USER_AGENT,
            extra_headers=options.extra_headers,
        )

    def _timeout_for(
        self, endpoint: Endpoint[Any], options: RequestOptions
    ) -> httpx.Timeout | UseClientDefault:
        """The timeout of one call: the call's own, else the constructor's, else (for a client
        we made) the endpoint's default; a caller's ``http_client`` otherwise keeps its own."""
        if options.timeout is not None:
            return options.timeout
        if self._config.timeout is not None:
            return self._config.timeout
        if self._custom_http:
            return httpx.USE_CLIENT_DEFAULT
        return default_timeout(endpoint.long_running)

    def _check_open(self, http_closed: bool) -> None:
        """Raise :class:`ClientClosedError` instead of httpx's bare ``RuntimeError``."""
        if self._closed:
            raise ClientClosedError(
                f"This {type(self).__name__} client was closed; create a new client to make "
                "more calls"
            )
        if http_closed:
            raise ClientClosedError(
                "The httpx client passed as http_client= is closed; pass an open one (or none)"
            )

    def _transport_error(
        self, exc: httpx.RequestError, prepared: PreparedRequest
    ) -> APIConnectionError:
        detail = redact(str(exc) or type(exc).__name__, self._config.api_key)
        context: dict[str, Any] = {
            "method": prepared.method,
            "url": prepared.url,
            "effect": prepared.effect,
        }
        if isinstance(exc, httpx.TimeoutException):
            phase = _TIMEOUT_PHASES.get(type(exc), "read")
            return APITimeoutError(
                f"{prepared.method} {prepared.url} timed out ({phase}): {detail}",
                phase=phase,
                **context,
            )
        return APIConnectionError(
            f"Could not reach {prepared.url}: {detail}"
            if isinstance(exc, _NOT_SENT)
            else f"No answer from {prepared.method} {prepared.url}: {detail}",
            maybe_sent=not isinstance(exc, _NOT_SENT),
            **context,
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
            effect=prepared.effect,
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

    def _policy_for(self, options: RequestOptions) -> RetryPolicyFn:
        if options.max_retries is not None and isinstance(self._retry_policy, RetryPolicy):
            return dataclasses.replace(self._retry_policy, max_retries=options.max_retries)
        return self._retry_policy

    def _decide(self, error: PictifyError, attempt: int, options: RequestOptions) -> RetryDecision:
        if options.max_retries is not None and attempt >= options.max_retries:
            # A custom policy cannot be given a budget; the per-call one still caps it.
            decision = RetryDecision(False, reason="retries exhausted (per-call max_retries)")
        else:
            decision = self._policy_for(options)(error, attempt)
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

    @staticmethod
    def _final(error: PictifyError) -> PictifyError:
        """The error to raise: told, when repeating it is unsafe, that and why it was not
        retried (whatever the policy, such a failure is never safe to repeat blindly)."""
        if unsafe_to_repeat(error):
            error._add_note(unsafe_note(error))
        return error
