"""Deliver events to webhook subscriptions in the background, signed, with retries.

`WebhookDispatcher.emit` is called where a render finishes; it only picks the matching
subscriptions and starts one background task per delivery, so a render never waits for a
receiver, however slow or dead. Each delivery is a ``POST`` of ``{event, timestamp, data}``
with these headers (wire notes §8):

* ``X-Pictify-Signature: t=<unix seconds>,v1=<hex>`` where the hex is
  ``HMAC-SHA256(secret, "<t>.<body>")`` over the exact bytes sent, signed again per attempt so
  a late retry is still within a receiver's tolerance; ``X-Webhook-Signature`` carries the same
  value (the other header name the hosted design notes use);
* ``X-Pictify-Event`` and ``X-Pictify-Delivery-Id`` (the same id on every attempt, so a
  receiver can drop a repeat).

A 2xx answer counts as delivered; anything else (another status, a timeout, a refused
connection, a URL the outbound policy refuses) is retried after the pauses of
`ServerOptions.webhook_retry_delays_s`. After `ServerOptions.webhook_failure_limit` consecutive
failed attempts the subscription is marked ``failed`` and gets nothing until it is resumed.
Before every attempt the subscription is read again: a paused, failed or deleted one gets
nothing more. Deliveries still waiting when the server stops are dropped (the hosted API keeps
them in a queue; a local server's receivers are usually gone with it).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from pictify_ssg.local.ids import now_iso
from pictify_ssg.local.outbound_policy import OutboundPolicy
from pictify_ssg.local.state import ServerState
from pictify_ssg.local.subscriptions import matches

logger = logging.getLogger(__name__)

MAX_PENDING = 1000
"""Deliveries in flight at most; beyond it new ones are dropped with a warning."""
MAX_CONCURRENT_SENDS = 16
"""Requests open at once, so many hanging receivers cannot exhaust sockets."""
USER_AGENT = "pictify-ssg-local-webhooks"


def signature(body: bytes, secret: str, timestamp: int) -> str:
    """The ``X-Pictify-Signature`` value of ``body`` (``t=<timestamp>,v1=<hex>``)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


@dataclass(frozen=True)
class Delivery:
    """One event on its way to one subscription."""

    id: str
    subscription: str
    event: str
    body: bytes


class WebhookDispatcher:
    """Sends the events of one server.

    Args:
        state: The server (its storage holds the subscriptions, its options the schedule).
    """

    def __init__(self, state: ServerState) -> None:
        self._state = state
        self._policy = OutboundPolicy(state.options.outbound_hosts)
        self._tasks: set[asyncio.Task[None]] = set()
        self._client: httpx.AsyncClient | None = None
        self._sending: asyncio.Semaphore | None = None
        self._closed = False

    def emit(self, account: str, event: str, data: Mapping[str, Any]) -> int:
        """Queue ``event`` for every active matching subscription of ``account``.

        Must be called on the server's event loop; returns at once.

        Returns:
            How many deliveries were started.
        """
        if self._closed or not account:
            return 0
        targets = [
            doc
            for doc in self._state.storage.all("subscription")
            if matches(doc, account, event, data)
        ]
        if not targets:
            return 0
        payload = {"event": event, "timestamp": now_iso(), "data": dict(data)}
        body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
        started = 0
        for doc in targets:
            if len(self._tasks) >= MAX_PENDING:
                logger.warning("dropping a %s webhook: %d deliveries in flight", event, MAX_PENDING)
                break
            delivery = Delivery(f"dlv_{secrets.token_hex(8)}", doc["uid"], event, body)
            task = asyncio.get_running_loop().create_task(self._deliver(delivery))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            started += 1
        return started

    async def close(self) -> None:
        """Stop every delivery in flight and close the connections."""
        self._closed = True
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if tasks:
            logger.debug("dropped %d webhook deliveries at shutdown", len(tasks))
        if self._client is not None:
            await self._client.aclose()

    async def _deliver(self, delivery: Delivery) -> None:
        delays = self._state.options.webhook_retry_delays_s
        for attempt in range(len(delays) + 1):
            doc = self._state.storage.get("subscription", delivery.subscription)
            if doc is None or doc.get("status") != "active":
                return
            outcome = await self._attempt(doc, delivery)
            if not self._record(delivery, attempt, outcome):
                return
            if attempt < len(delays):
                logger.debug(
                    "webhook %s failed (%s); retrying in %.3g s",
                    delivery.id,
                    outcome.get("error") or outcome.get("responseCode"),
                    delays[attempt],
                )
                await asyncio.sleep(delays[attempt])

    async def _attempt(self, doc: Mapping[str, Any], delivery: Delivery) -> dict[str, Any]:
        """One POST; returns the ``lastDelivery`` record (``status`` ``success``/``failed``)."""
        url = str(doc["targetUrl"])
        outcome: dict[str, Any] = {"deliveryId": delivery.id, "timestamp": now_iso()}
        reason = await self._policy.check(url)
        if reason is not None:
            return {**outcome, "status": "failed", "error": f"targetUrl refused: {reason}"}
        value = signature(delivery.body, str(doc["secret"]), int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Pictify-Signature": value,
            "X-Webhook-Signature": value,
            "X-Pictify-Event": delivery.event,
            "X-Pictify-Delivery-Id": delivery.id,
        }
        client, sending = self._connections()
        started = time.monotonic()
        try:
            async with sending:
                response = await client.post(url, content=delivery.body, headers=headers)
        except httpx.HTTPError as exc:
            return {**outcome, "status": "failed", "error": f"{type(exc).__name__}: {exc}"}
        outcome["duration"] = round((time.monotonic() - started) * 1000)
        outcome["responseCode"] = response.status_code
        outcome["status"] = "success" if response.is_success else "failed"
        return outcome

    def _connections(self) -> tuple[httpx.AsyncClient, asyncio.Semaphore]:
        if self._client is None or self._sending is None:
            # Redirects are not followed: an allowed host must not bounce a signed event on.
            self._client = httpx.AsyncClient(
                timeout=self._state.options.outbound_timeout_s, follow_redirects=False
            )
            self._sending = asyncio.Semaphore(MAX_CONCURRENT_SENDS)
        return self._client, self._sending

    def _record(self, delivery: Delivery, attempt: int, outcome: dict[str, Any]) -> bool:
        """Store the attempt's outcome on the subscription; ``True`` when worth retrying."""
        # Read again (no await in between): a pause or edit made during the attempt stays.
        doc = self._state.storage.get("subscription", delivery.subscription)
        if doc is None:
            return False
        ok = outcome["status"] == "success"
        doc["lastDelivery"] = {**outcome, "retryCount": attempt}
        doc["lastDeliveryAt"] = outcome["timestamp"]
        if ok:
            doc["deliveryCount"] = int(doc.get("deliveryCount", 0)) + 1
            doc["consecutiveFailures"] = 0
        else:
            doc["failureCount"] = int(doc.get("failureCount", 0)) + 1
            doc["consecutiveFailures"] = int(doc.get("consecutiveFailures", 0)) + 1
            if doc["consecutiveFailures"] >= self._state.options.webhook_failure_limit:
                logger.warning(
                    "webhook subscription %s marked failed after %d failed deliveries",
                    doc["uid"],
                    doc["consecutiveFailures"],
                )
                doc["status"] = "failed"
        self._state.storage.put("subscription", doc["uid"], doc, doc["createdAt"])
        return not ok and doc["status"] == "active"
