"""One HTTP/1.1 connection driven by hand (h11 over a socket), for tests that need control
httpx does not give: reading the response before the request body is sent, or proving that
two requests went over the same connection."""

from __future__ import annotations

import json
import select
import socket
from typing import Any
from urllib.parse import urlsplit

import h11


class RawConnection:
    """A client connection to ``base_url``; close it (or use it in a ``with``)."""

    def __init__(self, base_url: str, timeout: float = 60.0) -> None:
        parts = urlsplit(base_url)
        assert parts.hostname is not None
        assert parts.port is not None
        self.host = f"{parts.hostname}:{parts.port}"
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=timeout)
        self.conn = h11.Connection(h11.CLIENT)

    def __enter__(self) -> RawConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.sock.close()

    def start(self, method: str, path: str, headers: list[tuple[str, str]]) -> None:
        """Send the request line and headers (``Host`` is added)."""
        self._send(h11.Request(method=method, target=path, headers=[("Host", self.host), *headers]))

    def send_body(self, data: bytes) -> None:
        """Send part of the body (a chunk, when the request is chunked)."""
        self._send(h11.Data(data=data))

    def end(self) -> None:
        """Finish the request."""
        self._send(h11.EndOfMessage())

    def response_waiting(self, timeout: float) -> bool:
        """Whether response bytes arrive within ``timeout`` seconds."""
        readable, _, _ = select.select([self.sock], [], [], timeout)
        return bool(readable)

    def read_response(self) -> tuple[int, dict[str, str], bytes]:
        """The next complete response: status, headers (lower-case names), body."""
        status = 0
        headers: dict[str, str] = {}
        body = bytearray()
        while True:
            event = self.conn.next_event()
            if event is h11.NEED_DATA:
                self.conn.receive_data(self.sock.recv(65536))
            elif isinstance(event, h11.Response):
                status = event.status_code
                headers = {k.decode().lower(): v.decode() for k, v in event.headers}
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage):
                return status, headers, bytes(body)
            elif isinstance(event, h11.ConnectionClosed):
                raise ConnectionError("the server closed the connection")

    def next_request(self) -> None:
        """Reuse the connection for another request (fails unless both sides are done)."""
        self.conn.start_next_cycle()

    def get_json(self, path: str, headers: list[tuple[str, str]] | None = None) -> Any:
        """A whole GET on this connection; returns ``(status, json body)``."""
        self.start("GET", path, headers or [])
        self.end()
        status, _, body = self.read_response()
        return status, json.loads(body)

    def _send(self, event: h11.Event) -> None:
        data = self.conn.send(event)
        if data:
            self.sock.sendall(data)
