"""``webhooks``: webhook subscriptions (``/webhook-subscriptions``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pictify_ssg.client._models_integrations import Deleted, WebhookSubscription
from pictify_ssg.client._pagination import AsyncPaginator, ListQuery, SyncPage
from pictify_ssg.client._request import Endpoint, path_segment, to_wire

from ._common import AsyncResource, SyncResource, model_parser

_BASE = "/webhook-subscriptions"
_parse_sub = model_parser(WebhookSubscription, "subscription")


def _list_query(
    limit: int | None, event: str | None, status: str | None, platform: str | None
) -> ListQuery[WebhookSubscription]:
    filters = to_wire({"event": event, "status": status, "platform": platform})
    return ListQuery(
        _BASE, "subscriptions", WebhookSubscription.model_validate, "page", limit, filters
    )


def _create(
    *,
    event: str,
    target_url: str,
    platform: str | None,
    filters: Mapping[str, Any] | None,
    idempotency_key: str | None,
) -> Endpoint[WebhookSubscription]:
    body = to_wire(
        {
            "event": event,
            "target_url": target_url,
            "platform": platform,
            "filters": to_wire(filters) if filters else None,
        }
    )
    return Endpoint("POST", _BASE, _parse_sub, body=body, idempotency_key=idempotency_key)


def _item(uid: str, suffix: str = "") -> str:
    return f"{_BASE}/{path_segment(uid)}{suffix}"


def _update(
    uid: str,
    *,
    target_url: str | None,
    filters: Mapping[str, Any] | None,
    status: str | None,
) -> Endpoint[WebhookSubscription]:
    body = to_wire(
        {
            "target_url": target_url,
            "filters": to_wire(filters) if filters is not None else None,
            "status": status,
        }
    )
    return Endpoint("PUT", _item(uid), _parse_sub, body=body)


def _action(uid: str, action: str, idempotency_key: str | None) -> Endpoint[WebhookSubscription]:
    return Endpoint("POST", _item(uid, f"/{action}"), _parse_sub, idempotency_key=idempotency_key)


class Webhooks(SyncResource):
    """Webhook subscriptions: where Pictify posts ``render.completed`` and other events."""

    def list(
        self,
        *,
        page: int = 1,
        limit: int | None = None,
        event: str | None = None,
        status: str | None = None,
        platform: str | None = None,
    ) -> SyncPage[WebhookSubscription]:
        """List subscriptions (``GET /webhook-subscriptions``); iterate to walk every page.

        Args:
            page: First page (1-based).
            limit: Page size (server default 20).
            event: Only this event.
            status: ``active``, ``paused`` or ``failed``.
            platform: ``zapier``, ``make``, ``n8n``, ``pipedream`` or ``custom``.
        """
        return SyncPage.fetch(self._client, _list_query(limit, event, status, platform), page)

    def create(
        self,
        *,
        event: str,
        target_url: str,
        platform: str | None = None,
        filters: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> WebhookSubscription:
        """Subscribe a URL to an event (``POST /webhook-subscriptions``).

        Args:
            event: ``render.completed``, ``render.failed``, ``binding.updated`` or
                ``binding.failed``.
            target_url: HTTPS endpoint that receives the events.
            platform: Integration label (default ``custom``).
            filters: ``{"template_id": ...}`` / ``{"binding_id": ...}`` (keys camelCased).
            idempotency_key: Reused on every retry; generated when omitted.

        Returns:
            The subscription, with ``secret`` (store it now: it is only returned here).
        """
        return self._client._request(
            _create(
                event=event,
                target_url=target_url,
                platform=platform,
                filters=filters,
                idempotency_key=idempotency_key,
            )
        )

    def get(self, uid: str) -> WebhookSubscription:
        """Fetch a subscription (``GET /webhook-subscriptions/{uid}``)."""
        return self._client._request(Endpoint("GET", _item(uid), _parse_sub))

    def update(
        self,
        uid: str,
        *,
        target_url: str | None = None,
        filters: Mapping[str, Any] | None = None,
        status: str | None = None,
    ) -> WebhookSubscription:
        """Change a subscription (``PUT /webhook-subscriptions/{uid}``).

        Args:
            uid: Subscription uid.
            target_url: New endpoint.
            filters: New filters (keys camelCased).
            status: ``active`` or ``paused``.
        """
        return self._client._request(
            _update(uid, target_url=target_url, filters=filters, status=status)
        )

    def delete(self, uid: str) -> Deleted:
        """Delete a subscription (``DELETE /webhook-subscriptions/{uid}``)."""
        return self._client._request(Endpoint("DELETE", _item(uid), model_parser(Deleted)))

    def pause(self, uid: str, *, idempotency_key: str | None = None) -> WebhookSubscription:
        """Stop deliveries (``POST /webhook-subscriptions/{uid}/pause``)."""
        return self._client._request(_action(uid, "pause", idempotency_key))

    def resume(self, uid: str, *, idempotency_key: str | None = None) -> WebhookSubscription:
        """Restart deliveries (``POST /webhook-subscriptions/{uid}/resume``)."""
        return self._client._request(_action(uid, "resume", idempotency_key))


# --- async twins (same surface, awaitable) ---


class AsyncWebhooks(AsyncResource):
    """Async twin of :class:`Webhooks` (same methods and parameters)."""

    def list(
        self,
        *,
        page: int = 1,
        limit: int | None = None,
        event: str | None = None,
        status: str | None = None,
        platform: str | None = None,
    ) -> AsyncPaginator[WebhookSubscription]:
        """List subscriptions (``GET /webhook-subscriptions``); iterate to walk every page.

        Args:
            page: First page (1-based).
            limit: Page size (server default 20).
            event: Only this event.
            status: ``active``, ``paused`` or ``failed``.
            platform: ``zapier``, ``make``, ``n8n``, ``pipedream`` or ``custom``.
        """
        return AsyncPaginator(self._client, _list_query(limit, event, status, platform), page)

    async def create(
        self,
        *,
        event: str,
        target_url: str,
        platform: str | None = None,
        filters: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> WebhookSubscription:
        """Subscribe a URL to an event (``POST /webhook-subscriptions``).

        Args:
            event: ``render.completed``, ``render.failed``, ``binding.updated`` or
                ``binding.failed``.
            target_url: HTTPS endpoint that receives the events.
            platform: Integration label (default ``custom``).
            filters: ``{"template_id": ...}`` / ``{"binding_id": ...}`` (keys camelCased).
            idempotency_key: Reused on every retry; generated when omitted.

        Returns:
            The subscription, with ``secret`` (store it now: it is only returned here).
        """
        return await self._client._request(
            _create(
                event=event,
                target_url=target_url,
                platform=platform,
                filters=filters,
                idempotency_key=idempotency_key,
            )
        )

    async def get(self, uid: str) -> WebhookSubscription:
        """Fetch a subscription (``GET /webhook-subscriptions/{uid}``)."""
        return await self._client._request(Endpoint("GET", _item(uid), _parse_sub))

    async def update(
        self,
        uid: str,
        *,
        target_url: str | None = None,
        filters: Mapping[str, Any] | None = None,
        status: str | None = None,
    ) -> WebhookSubscription:
        """Change a subscription (``PUT /webhook-subscriptions/{uid}``).

        Args:
            uid: Subscription uid.
            target_url: New endpoint.
            filters: New filters (keys camelCased).
            status: ``active`` or ``paused``.
        """
        return await self._client._request(
            _update(uid, target_url=target_url, filters=filters, status=status)
        )

    async def delete(self, uid: str) -> Deleted:
        """Delete a subscription (``DELETE /webhook-subscriptions/{uid}``)."""
        return await self._client._request(Endpoint("DELETE", _item(uid), model_parser(Deleted)))

    async def pause(self, uid: str, *, idempotency_key: str | None = None) -> WebhookSubscription:
        """Stop deliveries (``POST /webhook-subscriptions/{uid}/pause``)."""
        return await self._client._request(_action(uid, "pause", idempotency_key))

    async def resume(self, uid: str, *, idempotency_key: str | None = None) -> WebhookSubscription:
        """Restart deliveries (``POST /webhook-subscriptions/{uid}/resume``)."""
        return await self._client._request(_action(uid, "resume", idempotency_key))
