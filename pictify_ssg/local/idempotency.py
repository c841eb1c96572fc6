"""``Idempotency-Key`` replay for POST requests (off unless ``ServerOptions.idempotency``).

A repeated POST with the same key, path and body gets the first response again (with an
``Idempotent-Replayed: true`` header) instead of a second render; the same key with another
body is refused with 409. Server errors are not stored, so a retry after a 5xx runs again.
Entries live in memory for 24 hours, like the documented hosted behaviour.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pictify_ssg.local.api_errors import ApiError

TTL_SECONDS = 24 * 3600


@dataclass
class _Entry:
    body_hash: str
    status: int = 0
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    body: bytes = b""
    expires: float = 0.0
    done: bool = False


class IdempotencyStore:
    """Stored responses keyed by (caller, key, method, path)."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str, str, str], _Entry] = {}
        self._locks: dict[tuple[str, str, str, str], asyncio.Lock] = {}

    async def handle(
        self, app: ASGIApp, scope: Scope, receive: Receive, send: Send, caller: str, key: str
    ) -> None:
        """Serve one POST carrying ``Idempotency-Key: key``."""
        body = await _read_body(receive)
        digest = hashlib.sha256(body).hexdigest()
        slot = (caller, key, scope["method"], scope["path"])
        # Concurrent requests with one key wait for the first instead of rendering twice.
        lock = self._locks.setdefault(slot, asyncio.Lock())
        async with lock:
            self._expire()
            entry = self._entries.get(slot)
            if entry is not None and entry.done:
                if entry.body_hash != digest:
                    await ApiError(
                        409,
                        "Idempotency-Key was already used with a different request body",
                        "IDEMPOTENCY_KEY_REUSED",
                    ).response()(scope, receive, send)
                    return
                await _replay(entry, send)
                return
            entry = _Entry(body_hash=digest)
            await app(scope, _replay_receive(body), _capturing(send, entry))
            if entry.done and entry.status < 500:
                entry.expires = time.monotonic() + TTL_SECONDS
                self._entries[slot] = entry

    def _expire(self) -> None:
        now = time.monotonic()
        for slot in [s for s, e in self._entries.items() if e.expires < now]:
            del self._entries[slot]
            self._locks.pop(slot, None)


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay_receive(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        # After the body, the only thing left to report is the client going away.
        await asyncio.Event().wait()
        return {"type": "http.disconnect"}  # pragma: no cover

    return receive


def _capturing(send: Send, entry: _Entry) -> Send:
    async def capture(message: Message) -> None:
        if message["type"] == "http.response.start":
            entry.status = message["status"]
            entry.headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            entry.body += message.get("body", b"")
            if not message.get("more_body", False):
                entry.done = True
        await send(message)

    return capture


async def _replay(entry: _Entry, send: Send) -> None:
    headers = [(k, v) for k, v in entry.headers if k.lower() != b"content-length"]
    headers += [
        (b"content-length", str(len(entry.body)).encode()),
        (b"idempotent-replayed", b"true"),
    ]
    await send({"type": "http.response.start", "status": entry.status, "headers": headers})
    await send({"type": "http.response.body", "body": entry.body, "more_body": False})
