"""Pictify REST API client: ``Pictify`` (sync) and ``AsyncPictify`` (async).

Example:
    >>> from pictify_ssg.client import Pictify
    >>> with Pictify() as pictify:  # doctest: +SKIP
    ...     image = pictify.images.create(html="<h1>Hi</h1>", width=1200, height=630)
    ...     print(image["url"])
"""

from __future__ import annotations

from . import exceptions, webhooks
from ._async_client import AsyncPictify
from ._client import Pictify
from ._config import DEFAULT_BASE_URL
from ._effects import Effect
from ._models import (
    BatchItem,
    BatchJob,
    BatchResults,
    Gif,
    ImageResult,
    PdfResult,
    RenderedImage,
    RenderError,
    RenderResult,
    Template,
    TemplateVariableDefinition,
    TemplateVariables,
)
from ._models_integrations import (
    Binding,
    BindingRefresh,
    Deleted,
    OffsetPagination,
    PagePagination,
    WebhookSubscription,
)
from ._pagination import AsyncPage, AsyncPaginator, SyncPage
from ._rate_limit import RateLimitInfo
from ._retry import RetryDecision, RetryPolicy
from ._types import NOT_GIVEN, NotGiven
from .exceptions import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    BatchTimeoutError,
    ClientClosedError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    PictifyError,
    QuotaExceededError,
    RateLimitError,
    RequestTimeoutError,
    ServerError,
    ValidationError,
)
from .webhooks import WebhookVerificationError, sign, verify_signature

__all__ = [
    "DEFAULT_BASE_URL",
    "NOT_GIVEN",
    "APIConnectionError",
    "APITimeoutError",
    "AsyncPage",
    "AsyncPaginator",
    "AsyncPictify",
    "AuthenticationError",
    "BatchItem",
    "BatchJob",
    "BatchResults",
    "BatchTimeoutError",
    "Binding",
    "BindingRefresh",
    "ClientClosedError",
    "ConflictError",
    "Deleted",
    "Effect",
    "Gif",
    "ImageResult",
    "NotFoundError",
    "NotGiven",
    "OffsetPagination",
    "PagePagination",
    "PdfResult",
    "PermissionDeniedError",
    "Pictify",
    "PictifyError",
    "QuotaExceededError",
    "RateLimitError",
    "RateLimitInfo",
    "RenderError",
    "RenderResult",
    "RenderedImage",
    "RequestTimeoutError",
    "RetryDecision",
    "RetryPolicy",
    "ServerError",
    "SyncPage",
    "Template",
    "TemplateVariableDefinition",
    "TemplateVariables",
    "ValidationError",
    "WebhookSubscription",
    "WebhookVerificationError",
    "exceptions",
    "sign",
    "verify_signature",
    "webhooks",
]
