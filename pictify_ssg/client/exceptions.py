"""Exceptions raised by the Pictify client.

Every error is a :class:`PictifyError`. HTTP errors carry the status, the server's error type
and code, the decoded body and the request id; connection problems and timeouts have their own
classes so callers can tell "the server said no" from "we never heard back".

The names :class:`PictifyError`, :class:`AuthenticationError`, :class:`ValidationError` and
:class:`RateLimitError` mirror the documented ``pictify.exceptions`` module.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from ._effects import Effect

__all__ = [
    "APIConnectionError",
    "APITimeoutError",
    "AuthenticationError",
    "BatchTimeoutError",
    "ClientClosedError",
    "ConflictError",
    "NotFoundError",
    "PermissionDeniedError",
    "PictifyError",
    "QuotaExceededError",
    "RateLimitError",
    "RequestTimeoutError",
    "ServerError",
    "ValidationError",
]

#: What kind of failure an error is, for callers deciding what to tell the user and whether
#: to try again: the key or the plan (``account``), the request's content (``request``), a
#: resource that is not there (``not_found``), the service failing (``service``), or a
#: passing condition such as a rate limit or a timeout (``transient``).
ErrorKind = Literal["account", "request", "not_found", "service", "transient"]


class PictifyError(Exception):
    """Base class of every error raised by the client.

    Attributes:
        message: Human-readable message (from the body's ``error``, ``message`` or ``errors``).
        status: HTTP status, or ``None`` when no response was received.
        error_type: The body's ``type`` when sent, else a stable slug for the error class
            (``"rate_limit_error"``...).
        code: Machine-readable code from the body (``"quota_exceeded"``...), if any.
        body: Decoded response body (a dict, or ``{"message": text}`` for non-JSON bodies).
        request_id: Value of the ``X-Request-Id`` header (or body ``requestId``), if any.
        headers: Response headers (never contains the API key).
        method: HTTP method of the failed request.
        url: URL of the failed request.
        effect: What repeating the failed call would do (``Effect.BILLED`` for renders...),
            as its endpoint declares; ``None`` for errors not tied to a request. The retry
            policy reads it.
    """

    default_type = "pictify_error"
    #: See :data:`ErrorKind`; each subclass sets its own.
    kind: ClassVar[ErrorKind] = "service"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        error_type: str | None = None,
        code: str | None = None,
        body: Mapping[str, Any] | None = None,
        request_id: str | None = None,
        headers: Mapping[str, str] | None = None,
        method: str | None = None,
        url: str | None = None,
        effect: Effect | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.error_type = error_type or self.default_type
        self.code = code
        self.body: dict[str, Any] = dict(body) if body is not None else {}
        self.request_id = request_id
        self.headers: dict[str, str] = dict(headers) if headers is not None else {}
        self.method = method
        self.url = url
        self.effect = effect

    def _add_note(self, note: str) -> None:
        """Append a sentence to the message (used when the client explains a decision)."""
        self.message = f"{self.message}. {note}"
        self.args = (self.message,)

    @property
    def outcome_unknown(self) -> bool:
        """Whether the server may have done (and billed) the work although the call failed:
        the rule the retry policy applies, for callers deciding whether to repeat a call."""
        from ._retry import outcome_unknown

        return outcome_unknown(self)

    @property
    def retryable(self) -> bool:
        """Whether the same call may succeed later (service trouble, rate limits, timeouts);
        ``False`` when only a change by the user helps (key, plan, request content), or when
        the server said it will never do this request (a 501, a body saying
        ``"retriable": false``)."""
        from ._retry import refused_for_good

        return self.kind in ("service", "transient") and not refused_for_good(self)

    @property
    def status_code(self) -> int | None:
        """Alias of :attr:`status` (the official SDK's attribute name)."""
        return self.status

    def __str__(self) -> str:
        return f"[{self.status}] {self.message}" if self.status else self.message

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.message!r}, status={self.status!r}, code={self.code!r})"
        )


class AuthenticationError(PictifyError):
    """The API key is missing or invalid (HTTP 401)."""

    default_type = "authentication_error"
    kind = "account"


class PermissionDeniedError(PictifyError):
    """The key may not do this, e.g. an unverified account or a foreign resource (HTTP 403)."""

    default_type = "permission_error"
    kind = "account"


class NotFoundError(PictifyError):
    """The template, batch or other resource does not exist (HTTP 404)."""

    default_type = "not_found_error"
    kind = "not_found"


class RequestTimeoutError(PictifyError):
    """The server gave up waiting for the request to arrive (HTTP 408).

    Retried, also for billed calls: the server had not received the whole request, so it did
    nothing. Not to be confused with :class:`APITimeoutError` (we gave up waiting).
    """

    default_type = "request_timeout_error"
    kind = "transient"


class ConflictError(PictifyError):
    """The request conflicts with the resource's state (HTTP 409), e.g. an ``Idempotency-Key``
    reused with a different body, or a state change that no longer applies. Not retried."""

    default_type = "conflict_error"
    kind = "request"


class ValidationError(PictifyError):
    """The request was rejected as invalid (HTTP 400, 413 or 422).

    Attributes:
        errors: Field or compile errors from the body's ``errors`` list (strings or dicts).
    """

    default_type = "validation_error"
    kind = "request"

    def __init__(self, message: str, *, errors: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.errors: list[Any] = list(errors or [])


class RateLimitError(PictifyError):
    """Too many requests in a short window (HTTP 429 without a quota code).

    Attributes:
        retry_after: Seconds the server asked us to wait, if it said.
    """

    default_type = "rate_limit_error"
    kind = "transient"

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class QuotaExceededError(PictifyError):
    """The plan's render quota or spending cap is used up (HTTP 402, or 429 with a quota code).

    Never retried: waiting a few seconds does not bring quota back.
    """

    default_type = "quota_exceeded_error"
    kind = "account"


class ServerError(PictifyError):
    """The server failed (HTTP 5xx)."""

    default_type = "server_error"
    kind = "service"


class APIConnectionError(PictifyError):
    """No usable response: DNS, connect, TLS or a dropped connection.

    Attributes:
        maybe_sent: ``False`` when the request certainly never left (the connection could not
            be made); ``True`` when the server may have received it, and so may have done (and
            billed) the work although no answer came back.
    """

    default_type = "connection_error"
    kind = "service"

    def __init__(self, message: str, *, maybe_sent: bool = True, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.maybe_sent = maybe_sent


class APITimeoutError(APIConnectionError):
    """The request timed out.

    Attributes:
        phase: Which part timed out: ``"connect"``, ``"read"``, ``"write"`` or ``"pool"``.
            Only after a ``"read"`` or ``"write"`` timeout may the request have been sent.
    """

    default_type = "timeout_error"
    kind = "service"

    def __init__(self, message: str, *, phase: str = "read", **kwargs: Any) -> None:
        kwargs.setdefault("maybe_sent", phase not in ("connect", "pool"))
        super().__init__(message, **kwargs)
        self.phase = phase


class ClientClosedError(PictifyError, builtins.RuntimeError):
    """A call was made on a client after ``close()`` (or on a closed ``http_client``).

    Also a ``RuntimeError``, what httpx raises in this case, so existing handlers keep working.
    Create a new client to make more calls.
    """

    default_type = "client_closed_error"
    kind = "request"


class BatchTimeoutError(PictifyError, builtins.TimeoutError):
    """``wait_for_batch`` gave up before the batch reached a terminal status.

    Attributes:
        batch_id: The batch that was being waited for.
        last_status: The last status seen (``"processing"``...), if any poll succeeded.
        cancelled: Whether the batch was cancelled before raising (``cancel_on_timeout=True``
            and the cancel call succeeded).
    """

    default_type = "batch_timeout_error"
    kind = "transient"

    def __init__(
        self,
        message: str,
        *,
        batch_id: str,
        last_status: str | None = None,
        cancelled: bool = False,
    ) -> None:
        super().__init__(message)
        self.batch_id = batch_id
        self.last_status = last_status
        self.cancelled = cancelled
