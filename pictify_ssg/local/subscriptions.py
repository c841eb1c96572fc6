"""Webhook subscription documents: creation, the wire view, and which ones an event reaches.

A subscription is stored like every other document (JSON in the server's SQLite), with two
fields that never go over the wire after creation: its signing ``secret`` (returned once, in the
201) and the ``account`` (a digest of the API key that made it; other keys cannot see it and
its events come only from that key's renders).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from pictify_ssg.local.api_errors import not_found
from pictify_ssg.local.ids import new_uid, now_iso
from pictify_ssg.local.schemas_integrations import SubscriptionCreate
from pictify_ssg.local.storage import Storage

_PRIVATE = frozenset({"secret", "account", "consecutiveFailures"})
# Event data field each filter compares with.
_FILTER_FIELDS = {"templateId": "templateId", "bindingId": "bindingId"}


def new_subscription(body: SubscriptionCreate, account: str) -> dict[str, Any]:
    """The stored document of a new, active subscription (with its fresh secret)."""
    now = now_iso()
    return {
        "uid": new_uid(),
        "event": body.event,
        "targetUrl": body.target_url,
        "platform": body.platform,
        "status": "active",
        "filters": body.filters.model_dump(by_alias=True, exclude_none=True)
        if body.filters
        else {},
        "deliveryCount": 0,
        "failureCount": 0,
        "lastDeliveryAt": None,
        "lastDelivery": None,
        "createdAt": now,
        "updatedAt": now,
        # 32 random bytes, hex, behind the prefix the hosted docs show.
        "secret": f"whsec_{secrets.token_hex(32)}",
        "account": account,
        "consecutiveFailures": 0,
    }


def public(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The wire view: everything but the secret and the owner."""
    return {key: value for key, value in doc.items() if key not in _PRIVATE}


def load(storage: Storage, uid: str, account: str) -> dict[str, Any]:
    """The caller's subscription ``uid``.

    Raises:
        ApiError: 404 when it does not exist or belongs to another key.
    """
    doc = storage.get("subscription", uid)
    if doc is None or doc.get("account") != account:
        raise not_found("Webhook subscription", "SUBSCRIPTION_NOT_FOUND")
    return doc


def matches(doc: Mapping[str, Any], account: str, event: str, data: Mapping[str, Any]) -> bool:
    """Whether an ``event`` of ``account`` with ``data`` goes to subscription ``doc``."""
    if doc.get("account") != account or doc.get("event") != event:
        return False
    if doc.get("status") != "active":
        return False
    filters = doc.get("filters") or {}
    return all(
        data.get(field) == filters[key] for key, field in _FILTER_FIELDS.items() if filters.get(key)
    )
