# Generated from _resources/_async/gifs.py by scripts/unasync.py: edit that file, not this one.
"""``gifs``: ``POST /gif``, ``POST /gif/capture``, ``GET /gif``, ``GET /gif/{uid}``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pictify_ssg.client._effects import Effect
from pictify_ssg.client._models import Gif
from pictify_ssg.client._options import RequestOptions
from pictify_ssg.client._pagination import ListQuery, SyncPage
from pictify_ssg.client._request import Endpoint, path_segment, to_wire
from pictify_ssg.client._resources._common import model_parser, one_of
from pictify_ssg.client._resources._sync._resource import SyncResource
from pictify_ssg.client._types import NOT_GIVEN, NotGiven, TimeoutTypes

_parse_gif = model_parser(Gif, "gif")


class Gifs(SyncResource):
    """Animated GIFs from HTML/URL/template, or recorded from a live page.

    Every method also takes ``timeout=`` (seconds, an ``httpx.Timeout``, or ``None`` for no
    limit), ``max_retries=`` and ``extra_headers=`` for that one call. ``create`` and
    ``capture`` are long operations: unless a timeout is configured, their answer may take 120 s.
    """

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
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
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
            timeout: This call's timeout (default: the client's, else 120 s to read).
            max_retries: This call's retries (default: the client's).
            extra_headers: Headers sent with this call only.

        Returns:
            The GIF, unwrapped from ``{"gif": ...}`` (``gif["url"]``).
        """
        one_of(html=html, url=url, template=template)
        body = to_wire(
            {
                "html": html,
                "url": url,
                "template": template,
                "variables": variables,
                "width": width,
                "height": height,
                "quality": quality,
                "selector": selector,
                "frames_per_second": frames_per_second,
            }
        )
        return self._client._request(
            Endpoint(
                "POST",
                "/gif",
                _parse_gif,
                body=body,
                idempotency_key=idempotency_key,
                effect=Effect.BILLED,
                long_running=True,  # the animation is recorded frame by frame
            ),
            RequestOptions.of(timeout, max_retries, extra_headers),
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
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
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
            timeout: This call's timeout (default: the client's, else 120 s to read).
            max_retries: This call's retries (default: the client's).
            extra_headers: Headers sent with this call only.
        """
        body = to_wire(
            {
                "url": url,
                "width": width,
                "height": height,
                "quality": quality,
                "frame_duration_seconds": frame_duration_seconds,
            }
        )
        return self._client._request(
            Endpoint(
                "POST",
                "/gif/capture",
                _parse_gif,
                body=body,
                idempotency_key=idempotency_key,
                effect=Effect.BILLED,
                long_running=True,  # records a live page for up to 30 s, then encodes
            ),
            RequestOptions.of(timeout, max_retries, extra_headers),
        )

    def list(
        self,
        *,
        limit: int | None = None,
        offset: int = 0,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> SyncPage[Gif]:
        """List GIFs (``GET /gif``); iterate the result to walk every page.

        Args:
            limit: Page size (max 100).
            offset: Where to start.
            timeout: Timeout of each page's request (default: the client's).
            max_retries: Retries of each page's request (default: the client's).
            extra_headers: Headers sent with each page's request.
        """
        options = RequestOptions.of(timeout, max_retries, extra_headers)
        query = ListQuery("/gif", "gifs", Gif.model_validate, "offset", limit, options=options)
        return SyncPage.fetch(self._client, query, offset)

    def get(
        self,
        uid: str,
        *,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Gif:
        """Fetch one GIF by uid (``GET /gif/{uid}``).

        Args:
            uid: The GIF's uid.
            timeout: This call's timeout (default: the client's).
            max_retries: This call's retries (default: the client's).
            extra_headers: Headers sent with this call only.
        """
        return self._client._request(
            Endpoint("GET", f"/gif/{path_segment(uid)}", _parse_gif),
            RequestOptions.of(timeout, max_retries, extra_headers),
        )
