# Generated from _resources/_async/webhooks.py by scripts/unasync.py: edit that file, not this one.
"""``webhooks``: webhook subscriptions (``/webhook-subscriptions``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pictify_ssg.client._effects import Effect
from pictify_ssg.client._models_integrations import Deleted, WebhookSubscription
from pictify_ssg.client._options import RequestOptions
from pictify_ssg.client._pagination import ListQuery, SyncPage
from pictify_ssg.client._request import Endpoint, path_segment, to_wire
from pictify_ssg.client._resources._common import model_parser
from pictify_ssg.client._resources._sync._resource import SyncResource
from pictify_ssg.client._types import NOT_GIVEN, NotGiven, TimeoutTypes

_BASE = "/webhook-subscriptions"
_parse_sub = model_parser(WebhookSubscription, "subscription")


def _item(uid: str, suffix: str = "") -> str:
    return f"{_BASE}/{path_segment(uid)}{suffix}"


def _action(uid: str, action: str, idempotency_key: str | None) -> Endpoint[WebhookSubscription]:
    # Pausing (or resuming) twice leaves the same state: safe to repeat whatever happened.
    return Endpoint(
        "POST",
        _item(uid, f"/{action}"),
        _parse_sub,
        idempotency_key=idempotency_key,
        effect=Effect.IDEMPOTENT,
    )


class Webhooks(SyncResource):
    """Webhook subscriptions: where Pictify posts ``render.completed`` and other events.

    Every method also takes ``timeout=`` (seconds, an ``httpx.Timeout``, or ``None`` for no
    limit), ``max_retries=`` and ``extra_headers=`` for that one call.
    """

    def list(
        self,
        *,
        page: int = 1,
        limit: int | None = None,
        event: str | None = None,
        status: str | None = None,
        platform: str | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> SyncPage[WebhookSubscription]:
        """List subscriptions (``GET /webhook-subscriptions``); iterate to walk every page.

        Args:
            page: First page (1-based).
            limit: Page size (server default 20).
            event: Only this event.
            status: ``active``, ``paused`` or ``failed``.
            platform: ``zapier``, ``make``, ``n8n``, ``pipedream`` or ``custom``.
            timeout: Timeout of each page's request (default: the client's).
            max_retries: Retries of each page's request (default: the client's).
            extra_headers: Headers sent with each page's request.
        """
        options = RequestOptions.of(timeout, max_retries, extra_headers)
        filters = to_wire({"event": event, "status": status, "platform": platform})
        query = ListQuery(
            _BASE,
            "subscriptions",
            WebhookSubscription.model_validate,
            "page",
            limit,
            filters,
            options,
        )
        return SyncPage.fetch(self._client, query, page)

    def create(
        self,
        *,
        event: str,
        target_url: str,
        platform: str | None = None,
        filters: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> WebhookSubscription:
        """Subscribe a URL to an event (``POST /webhook-subscriptions``).

        Not retried once the request may have reached the server: a second subscription would
        deliver every event twice.

        Args:
            event: ``render.completed``, ``render.failed``, ``binding.updated`` or
                ``binding.failed``.
            target_url: HTTPS endpoint that receives the events.
            platform: Integration label (default ``custom``).
            filters: ``{"template_id": ...}`` / ``{"binding_id": ...}`` (keys camelCased).
            idempotency_key: Sent on every attempt; generated when omitted.
            timeout: This call's timeout (default: the client's).
            max_retries: This call's retries (default: the client's).
            extra_headers: Headers sent with this call only.

        Returns:
            The subscription, with ``secret`` (store it now: it is only returned here).
        """
        body = to_wire(
            {
                "event": event,
                "target_url": target_url,
                "platform": platform,
                "filters": to_wire(filters) if filters else None,
            }
        )
        # A second subscription would deliver every event twice: CREATES, not retried blindly.
        return self._client._request(
            Endpoint(
                "POST",
                _BASE,
                _parse_sub,
                body=body,
                idempotency_key=idempotency_key,
                effect=Effect.CREATES,
            ),
            RequestOptions.of(timeout, max_retries, extra_headers),
        )

    def get(
        self,
        uid: str,
        *,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> WebhookSubscription:
        """Fetch a subscription (``GET /webhook-subscriptions/{uid}``).

        Args:
            uid: Subscription uid.
            timeout: This call's timeout (default: the client's).
            max_retries: This call's retries (default: the client's).
            extra_headers: Headers sent with this call only.
        """
        return self._client._request(
            Endpoint("GET", _item(uid), _parse_sub),
            RequestOptions.of(timeout, max_retries, extra_headers),
        )

    def update(
        self,
        uid: str,
        *,
        target_url: str | None = None,
        filters: Mapping[str, Any] | None = None,
        status: str | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> WebhookSubscription:
        """Change a subscription (``PUT /webhook-subscriptions/{uid}``).

        Args:
            uid: Subscription uid.
            target_url: New endpoint.
            filters: New filters (keys camelCased).
            status: ``active`` or ``paused``.
            timeout: This call's timeout (default: the client's).
            max_retries: This call's retries (default: the client's).
            extra_headers: Headers sent with this call only.
        """
        body = to_wire(
            {
                "target_url": target_url,
                "filters": to_wire(filters) if filters is not None else None,
                "status": status,
            }
        )
        return self._client._request(
            Endpoint("PUT", _item(uid), _parse_sub, body=body),
            RequestOptions.of(timeout, max_retries, extra_headers),
        )

    def delete(
        self,
        uid: str,
        *,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Deleted:
        """Delete a subscription (``DELETE /webhook-subscriptions/{uid}``).

        Args:
            uid: Subscription uid.
            timeout: This call's timeout (default: the client's).
            max_retries: This call's retries (default: the client's).
            extra_headers: Headers sent with this call only.
        """
        return self._client._request(
            Endpoint("DELETE", _item(uid), model_parser(Deleted)),
            RequestOptions.of(timeout, max_retries, extra_headers),
        )

    def pause(
        self,
        uid: str,
        *,
        idempotency_key: str | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> WebhookSubscription:
        """Stop deliveries (``POST /webhook-subscriptions/{uid}/pause``).

        Args:
            uid: Subscription uid.
            idempotency_key: Sent on every attempt; generated when omitted.
            timeout: This call's timeout (default: the client's).
            max_retries: This call's retries (default: the client's).
            extra_headers: Headers sent with this call only.
        """
        return self._client._request(
            _action(uid, "pause", idempotency_key),
            RequestOptions.of(timeout, max_retries, extra_headers),
        )

    def resume(
        self,
        uid: str,
        *,
        idempotency_key: str | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> WebhookSubscription:
        """Restart deliveries (``POST /webhook-subscriptions/{uid}/resume``).

        Args:
            uid: Subscription uid.
            idempotency_key: Sent on every attempt; generated when omitted.
            timeout: This call's timeout (default: the client's).
            max_retries: This call's retries (default: the client's).
            extra_headers: Headers sent with this call only.
        """
        return self._client._request(
            _action(uid, "resume", idempotency_key),
            RequestOptions.of(timeout, max_retries, extra_headers),
        )
