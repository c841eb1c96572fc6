"""The service wrapper: card downloads never carry the API key; calls are counted."""

from __future__ import annotations

import asyncio

import httpx

from pictify_ssg.client import AsyncPictify
from pictify_ssg.core.service import Service


def test_downloads_send_no_credentials() -> None:
    seen: list[httpx.Request] = []

    def media(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=b"\x89PNG...")

    async def go() -> bytes:
        api = AsyncPictify(api_key="sk-secret", base_url="http://127.0.0.1:9")
        async with httpx.AsyncClient(transport=httpx.MockTransport(media)) as downloads:
            service = Service(api, identity="x", account="a", downloads=downloads, concurrency=2)
            data = await service.download("https://media.example/x.png")
            assert service.calls == {"download": 1}
            await service.aclose()
            return data

    assert asyncio.run(go()) == b"\x89PNG..."
    assert "authorization" not in {k.lower() for k in seen[0].headers}
    assert b"sk-secret" not in repr(seen[0].headers).encode()
