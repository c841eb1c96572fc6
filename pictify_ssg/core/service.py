"""The rendering service as the core sees it: the async client plus call counting and downloads.

Everything the pipeline sends goes through :class:`Service`, so ``report.api_calls`` is exact.
Card files are downloaded with a separate, plain ``httpx`` client that never carries the
``Authorization`` header: file URLs point at a media host, which must never see the key.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # Only for annotations: httpx is imported when a service is opened (see backend.py).
    import httpx

    from pictify_ssg.client import AsyncPictify


@dataclass(frozen=True)
class Rendered:
    """One rendered card: where the service put it, and its bytes once downloaded."""

    url: str | None
    width: int
    height: int
    data: bytes | None = None


class Service:
    """One rendering service (hosted API or the local server) for the length of a build.

    Args:
        client: The async Pictify client (authenticated).
        identity: Service identity used in fingerprints (its base URL, or ``"local"``).
        account: A non-reversible id of the account, for remembering templates per account.
        downloads: A plain HTTP client for card files (no auth header).
        concurrency: Maximum requests in flight.
    """

    def __init__(
        self,
        client: AsyncPictify,
        *,
        identity: str,
        account: str,
        downloads: httpx.AsyncClient,
        concurrency: int,
    ) -> None:
        self.client = client
        self.identity = identity
        self.account = account
        self.calls: Counter[str] = Counter()
        self._downloads = downloads
        self._limit = asyncio.Semaphore(concurrency)

    # Each method counts its call before sending, so failed calls are counted too.

    async def get_template(self, uid: str) -> Any:
        """``GET /templates/{uid}``."""
        self.calls["templates.get"] += 1
        return await self.client.templates.get(uid)

    async def create_template(self, *, name: str, html: str, width: int, height: int) -> Any:
        """``POST /templates``."""
        self.calls["templates.create"] += 1
        return await self.client.templates.create(name=name, html=html, width=width, height=height)

    async def newest_template(self, name: str) -> Any | None:
        """``GET /templates?sort=newest``: the newest template named ``name`` among the last
        20 made on the account, if any."""
        self.calls["templates.list"] += 1
        page = await self.client.templates.list(sort="newest", limit=20)
        return next((t for t in page.items if t.name == name), None)

    async def update_template(self, uid: str, *, html: str, width: int, height: int) -> Any:
        """``PUT /templates/{uid}``."""
        self.calls["templates.update"] += 1
        return await self.client.templates.update(uid, html=html, width=width, height=height)

    async def render(
        self,
        uid: str,
        variables: Mapping[str, str],
        *,
        format: str,
        quality: float,
        width: int,
        height: int,
    ) -> Rendered:
        """``POST /templates/{uid}/render``: one card.

        Raises:
            RuntimeError: When the service answered without an image.
        """
        async with self._limit:
            self.calls["templates.render"] += 1
            result = await self.client.templates.render(
                uid,
                variables=dict(variables),
                format=format,
                quality=quality,
                width=width,
                height=height,
            )
        images = list(result.results)
        if not images or not images[0].url:
            errors = "; ".join(str(e.error) for e in result.errors) or "no image in the response"
            raise RuntimeError(f"render returned no image: {errors}")
        first = images[0]
        return Rendered(url=first.url, width=first.width or width, height=first.height or height)

    async def batch_render(
        self, uid: str, variable_sets: Sequence[Mapping[str, str]], *, format: str, quality: float
    ) -> str:
        """``POST /templates/{uid}/batch-render``; returns the batch id."""
        self.calls["templates.batch_render"] += 1
        job = await self.client.templates.batch_render(
            uid, variable_sets=[dict(v) for v in variable_sets], format=format, quality=quality
        )
        return str(job.batch_id)

    async def batch_results(self, batch_id: str) -> Any:
        """``GET /templates/batch/{id}/results``."""
        self.calls["templates.get_batch_results"] += 1
        return await self.client.templates.get_batch_results(batch_id)

    async def cancel_batch(self, batch_id: str) -> None:
        """``POST /templates/batch/{id}/cancel``."""
        self.calls["templates.cancel_batch"] += 1
        await self.client.templates.cancel_batch(batch_id)

    async def download(self, url: str) -> bytes:
        """Fetch a card file (no credentials sent).

        Raises:
            httpx.HTTPError: On transport errors and non-2xx answers.
        """
        import httpx  # already loaded: the service that gave the URL is open

        async with self._limit:
            self.calls["download"] += 1
            response = await self._downloads.get(url)
            response.raise_for_status()
            if not response.content:
                raise httpx.HTTPError(f"empty card file at {url}")
            return response.content

    async def aclose(self) -> None:
        """Close the API client (the download client belongs to the caller)."""
        await self.client.close()
