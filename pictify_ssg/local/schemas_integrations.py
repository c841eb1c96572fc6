"""Request bodies of webhook subscriptions and bindings (camelCase on the wire).

Syntax is checked here (a 422 naming the field, like every other body); whether the server
may call a URL depends on its options and is checked by `outbound_policy` (a 400).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator

from pictify_ssg.local.jsonpath import parse
from pictify_ssg.local.schemas import Dimension, _Body

WebhookEvent = Literal["render.completed", "render.failed", "binding.updated", "binding.failed"]
Platform = Literal["zapier", "make", "n8n", "pipedream", "custom"]
MAX_URL = 2048
MAX_MAPPINGS = 100
Uid = Annotated[str, Field(min_length=1, max_length=200)]


def _absolute_http(value: str | None) -> str | None:
    if value is not None:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an absolute http(s) URL")
    return value


HttpUrl = Annotated[str, Field(min_length=1, max_length=MAX_URL)]


class WebhookFilters(_Body):
    """Only events about this template or binding (absent: every event)."""

    template_id: Uid | None = None
    binding_id: Uid | None = None


class _SubscriptionFields(_Body):
    target_url: HttpUrl | None = None
    filters: WebhookFilters | None = None

    @field_validator("target_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return _absolute_http(value)


class SubscriptionCreate(_SubscriptionFields):
    """``POST /webhook-subscriptions``."""

    event: WebhookEvent
    target_url: HttpUrl
    platform: Platform = "custom"


class SubscriptionUpdate(_SubscriptionFields):
    """``PUT /webhook-subscriptions/{uid}`` (partial)."""

    status: Literal["active", "paused"] | None = None


class Credentials(_Body):
    """How the data source authenticates; ``value`` is the secret (``user:password`` for basic)."""

    type: Literal["api_key", "bearer_token", "basic_auth", "custom_header"]
    value: Annotated[str, Field(min_length=1, max_length=4096)]
    header_name: Annotated[str, Field(min_length=1, max_length=200)] | None = None


class DataSource(_Body):
    """Where a binding's data comes from: an ``http`` JSON endpoint or ``static`` data."""

    type: Literal["http", "static"]
    url: HttpUrl | None = None
    method: Literal["GET", "POST"] = "GET"
    headers: dict[str, str] = Field(default_factory=dict)
    body: Any = None
    data: Any = None
    credentials: Credentials | None = None

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return _absolute_http(value)

    @model_validator(mode="after")
    def _http_needs_url(self) -> DataSource:
        if self.type == "http" and self.url is None:
            raise ValueError("an http data source needs 'url'")
        return self


class RefreshPolicy(_Body):
    """When the data is fetched again, and what is served while the source fails.

    ``ttl``: on access once ``ttlSeconds`` have passed since the last fetch; ``manual``: only
    on ``POST /bindings/{uid}/refresh``.
    """

    type: Literal["ttl", "manual"] = "ttl"
    ttl_seconds: Annotated[int, Field(ge=1, le=604800)] = 300
    on_error: Literal["serve_stale", "serve_default", "serve_error", "error"] = "serve_stale"


class OutputConfig(_Body):
    """The image a binding serves."""

    format: Literal["png", "jpeg", "jpg", "webp", "pdf"] = "png"
    quality: Annotated[int, Field(ge=1, le=100)] = 90
    width: Dimension | None = None
    height: Dimension | None = None


def _check_path(variable: str, path: str) -> None:
    try:
        parse(path)
    except ValueError as exc:
        raise ValueError(f"{variable}: {exc}") from None


def _check_mapping(value: dict[str, str] | None) -> dict[str, str] | None:
    for variable, path in (value or {}).items():
        _check_path(variable, path)
    return value


Mapping_ = Annotated[dict[str, str], Field(max_length=MAX_MAPPINGS)]


class _BindingFields(_Body):
    name: Annotated[str, Field(max_length=500)] | None = None
    data_source: DataSource | None = None
    mapping: Mapping_ | None = None
    defaults: dict[str, Any] | None = None
    refresh_policy: RefreshPolicy | None = None
    output_config: OutputConfig | None = None

    @field_validator("mapping")
    @classmethod
    def _paths(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        return _check_mapping(value)


class BindingCreate(_BindingFields):
    """``POST /bindings``."""

    template_id: Uid
    data_source: DataSource
    mapping: Mapping_


class BindingUpdate(_BindingFields):
    """``PUT /bindings/{uid}`` (partial)."""

    status: Literal["active", "paused"] | None = None
