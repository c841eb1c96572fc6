"""``gifs``: ``POST /gif``, ``POST /gif/capture``, ``GET /gif``, ``GET /gif/{uid}``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pictify_ssg.client._models import Gif
from pictify_ssg.client._pagination import AsyncPaginator, ListQuery, SyncPage
from pictify_ssg.client._request import Endpoint, path_segment, to_wire

from ._common import AsyncResource, SyncResource, model_parser, one_of

_parse_gif = model_parser(Gif, "gif")


def _create(
    *,
    html: str | None,
    url: str | None,
    template: str | None,
    variables: Mapping[str, Any] | None,
    width: int | None,
    height: int | None,
    quality: str | None,
    selector: str | None,
    frames_per_second: int | None,
    idempotency_key: str | None,
) -> Endpoint[Gif]:
    one_of(html=html, url=url, template=template)
    body = to_wire(
        {
            "html": html,
            "url": url,
            "template": template,
            "variables": dict(variables) if variables is not None else None,
            "width": width,
            "height": height,
            "quality": quality,
            "selector": selector,
            "frames_per_second": frames_per_second,
        }
    )
    return Endpoint("POST", "/gif", _parse_gif, body=body, idempotency_key=idempotency_key)


def _capture(
    *,
    url: str,
    width: int | None,
    height: int | None,
    quality: str | None,
    frame_duration_seconds: float | None,
    idempotency_key: str | None,
) -> Endpoint[Gif]:
    body = to_wire(
        {
            "url": url,
            "width": width,
            "height": height,
            "quality": quality,
            "frame_duration_seconds": frame_duration_seconds,
        }
    )
    return Endpoint("POST", "/gif/capture", _parse_gif, body=body, idempotency_key=idempotency_key)


def _list_query(limit: int | None) -> ListQuery[Gif]:
    return ListQuery("/gif", "gifs", Gif.model_validate, "offset", limit)


def _get(uid: str) -> Endpoint[Gif]:
    return Endpoint("GET", f"/gif/{path_segment(uid)}", _parse_gif)


class Gifs(SyncResource):
    """Animated GIFs from HTML/URL/template, or recorded from a live page."""

    def create(
        self,
        *,
        html: str | None = None,
        url: str | None = None,
        template: str | None = None,
        variables: Mapping[str, Any] | None = None,
        width: int | None = None,
        height: int | None = None,
        quality: str | None = None,
        selector: str | None = None,
        frames_per_second: int | None = None,
        idempotency_key: str | None = None,
    ) -> Gif:
        """Render a GIF (``POST /gif``) from exactly one of ``html``, ``url``, ``template``.

        Args:
            html: HTML with CSS animations.
            url: Page to record.
            template: Saved template uid (with ``variables``).
            variables: Template variables.
            width: Width in pixels (server default 800).
            height: Height in pixels (server default 600).
            quality: ``low``, ``medium`` (default) or ``high``.
            selector: CSS selector to crop to.
            frames_per_second: Frame rate.
            idempotency_key: Reused on every retry; generated when omitted.

        Returns:
            The GIF, unwrapped from ``{"gif": ...}`` (``gif["url"]``).
        """
        return self._client._request(
            _create(
                html=html,
                url=url,
                template=template,
                variables=variables,
                width=width,
                height=height,
                quality=quality,
                selector=selector,
                frames_per_second=frames_per_second,
                idempotency_key=idempotency_key,
            )
        )

    def capture(
        self,
        *,
        url: str,
        width: int | None = None,
        height: int | None = None,
        quality: str | None = None,
        frame_duration_seconds: float | None = None,
        idempotency_key: str | None = None,
    ) -> Gif:
        """Record a GIF from a live URL (``POST /gif/capture``).

        Args:
            url: Page to record.
            width: Width in pixels.
            height: Height in pixels.
            quality: ``low``, ``medium`` or ``high``.
            frame_duration_seconds: Sent as ``frameDurationSeconds`` (meaning disputed: per-frame
                time in the old backend, total duration in the docs).
            idempotency_key: Reused on every retry; generated when omitted.
        """
        return self._client._request(
            _capture(
                url=url,
                width=width,
                height=height,
                quality=quality,
                frame_duration_seconds=frame_duration_seconds,
                idempotency_key=idempotency_key,
            )
        )

    def list(self, *, limit: int | None = None, offset: int = 0) -> SyncPage[Gif]:
        """List GIFs (``GET /gif``); iterate the result to walk every page.

        Args:
            limit: Page size (max 100).
            offset: Where to start.
        """
        return SyncPage.fetch(self._client, _list_query(limit), offset)

    def get(self, uid: str) -> Gif:
        """Fetch one GIF by uid (``GET /gif/{uid}``)."""
        return self._client._request(_get(uid))


# --- async twins (same surface, awaitable) ---


class AsyncGifs(AsyncResource):
    """Async twin of :class:`Gifs` (same methods and parameters)."""

    async def create(
        self,
        *,
        html: str | None = None,
        url: str | None = None,
        template: str | None = None,
        variables: Mapping[str, Any] | None = None,
        width: int | None = None,
        height: int | None = None,
        quality: str | None = None,
        selector: str | None = None,
        frames_per_second: int | None = None,
        idempotency_key: str | None = None,
    ) -> Gif:
        """Render a GIF (``POST /gif``) from exactly one of ``html``, ``url``, ``template``.

        Args:
            html: HTML with CSS animations.
            url: Page to record.
            template: Saved template uid (with ``variables``).
            variables: Template variables.
            width: Width in pixels (server default 800).
            height: Height in pixels (server default 600).
            quality: ``low``, ``medium`` (default) or ``high``.
            selector: CSS selector to crop to.
            frames_per_second: Frame rate.
            idempotency_key: Reused on every retry; generated when omitted.

        Returns:
            The GIF, unwrapped from ``{"gif": ...}`` (``gif["url"]``).
        """
        return await self._client._request(
            _create(
                html=html,
                url=url,
                template=template,
                variables=variables,
                width=width,
                height=height,
                quality=quality,
                selector=selector,
                frames_per_second=frames_per_second,
                idempotency_key=idempotency_key,
            )
        )

    async def capture(
        self,
        *,
        url: str,
        width: int | None = None,
        height: int | None = None,
        quality: str | None = None,
        frame_duration_seconds: float | None = None,
        idempotency_key: str | None = None,
    ) -> Gif:
        """Record a GIF from a live URL (``POST /gif/capture``).

        Args:
            url: Page to record.
            width: Width in pixels.
            height: Height in pixels.
            quality: ``low``, ``medium`` or ``high``.
            frame_duration_seconds: Sent as ``frameDurationSeconds`` (meaning disputed: per-frame
                time in the old backend, total duration in the docs).
            idempotency_key: Reused on every retry; generated when omitted.
        """
        return await self._client._request(
            _capture(
                url=url,
                width=width,
                height=height,
                quality=quality,
                frame_duration_seconds=frame_duration_seconds,
                idempotency_key=idempotency_key,
            )
        )

    def list(self, *, limit: int | None = None, offset: int = 0) -> AsyncPaginator[Gif]:
        """List GIFs (``GET /gif``); await: one page; async for: all items.

        Args:
            limit: Page size (max 100).
            offset: Where to start.
        """
        return AsyncPaginator(self._client, _list_query(limit), offset)

    async def get(self, uid: str) -> Gif:
        """Fetch one GIF by uid (``GET /gif/{uid}``)."""
        return await self._client._request(_get(uid))
