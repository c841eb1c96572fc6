"""Response models for webhook subscriptions, bindings, pagination and deletions."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import AliasChoices, Field

from ._model_base import PictifyModel
from ._model_types import Timestamp, WireId


class PagePagination(PictifyModel):
    """``page``/``limit`` pagination block (templates, subscriptions, bindings)."""

    page: int | None = None
    limit: int | None = None
    total: int | None = None
    total_pages: int | None = None
    has_next: bool | None = None
    has_prev: bool | None = None


class OffsetPagination(PictifyModel):
    """``limit``/``offset`` pagination block (images, GIFs)."""

    total: int | None = None
    limit: int | None = None
    offset: int | None = None
    has_more: bool | None = None


class WebhookSubscription(PictifyModel):
    """A webhook subscription. ``secret`` is only present in the answer to ``create``."""

    uid: WireId = Field(validation_alias=AliasChoices("uid", "id"))
    event: str | None = None
    target_url: str | None = None
    platform: str | None = None
    status: str | None = None
    filters: dict[str, Any] | None = None
    secret: str | None = None
    delivery_count: int | None = None
    failure_count: int | None = None
    last_delivery_at: Timestamp | None = None
    created_at: Timestamp | None = None

    item_aliases: ClassVar[dict[str, str]] = {"id": "uid"}


class Binding(PictifyModel):
    """A binding (a live image whose variables come from a data source).

    Wire fields are the ones the dashboard posts (wire notes, conflict C7). ``binding["imageUrl"]``
    (the SDK docs' name) returns ``render_url``.
    """

    uid: WireId = Field(validation_alias=AliasChoices("uid", "id"))
    name: str | None = None
    template_id: WireId | None = Field(
        default=None, validation_alias=AliasChoices("templateId", "templateUid", "template_id")
    )
    data_source: dict[str, Any] | None = None
    mapping: dict[str, Any] | None = None
    defaults: dict[str, Any] | None = None
    refresh_policy: dict[str, Any] | None = None
    output_config: dict[str, Any] | None = None
    status: str | None = None
    render_url: str | None = Field(
        default=None, validation_alias=AliasChoices("renderUrl", "imageUrl", "render_url")
    )
    webhook_url: str | None = None
    last_render_at: Timestamp | None = None
    last_fetch_at: Timestamp | None = None
    created_at: Timestamp | None = None

    item_aliases: ClassVar[dict[str, str]] = {
        "id": "uid",
        "imageUrl": "render_url",
        "image_url": "render_url",
        "templateUid": "template_id",
        "template_uid": "template_id",
    }


class BindingRefresh(PictifyModel):
    """Answer to ``POST /bindings/{uid}/refresh`` (shape unconfirmed; all fields optional)."""

    status: str | None = None
    render_url: str | None = Field(
        default=None, validation_alias=AliasChoices("renderUrl", "imageUrl", "render_url")
    )
    binding: Binding | None = None

    item_aliases: ClassVar[dict[str, str]] = {"imageUrl": "render_url", "image_url": "render_url"}


class Deleted(PictifyModel):
    """Answer to a DELETE (``{"message": ...}`` or ``{"deleted": true}``; empty for 204)."""

    message: str | None = None
    deleted: bool | None = None
