# Generated from _resources/_async/images.py by scripts/unasync.py: edit that file, not this one.
"""``images``: ``POST /image``, ``/image/canvas``, ``/image/agent-screenshot``, ``GET /image``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pictify_ssg.client._effects import Effect
from pictify_ssg.client._models import ImageResult
from pictify_ssg.client._options import RequestOptions
from pictify_ssg.client._pagination import ListQuery, SyncPage
from pictify_ssg.client._request import Endpoint, path_segment, to_wire
from pictify_ssg.client._resources._common import (
    IMAGE_FORMATS,
    image_format,
    model_parser,
    one_of,
    output_format,
)
from pictify_ssg.client._resources._sync._resource import SyncResource
from pictify_ssg.client._types import NOT_GIVEN, NotGiven, TimeoutTypes

_parse_image = model_parser(ImageResult, "image")


class Images(SyncResource):
    """Still images from HTML, a URL, a saved template, a FabricJS canvas or a prompt.

    Every method also takes ``timeout=`` (seconds, an ``httpx.Timeout``, or ``None`` for no
    limit), ``max_retries=`` and ``extra_headers=`` for that one call.
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
        format: str | None = None,
        selector: str | None = None,
        css: str | None = None,
        idempotency_key: str | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        **options: Any,
    ) -> ImageResult:
        """Render an image (``POST /image``) from exactly one of ``html``, ``url``, ``template``.

        Args:
            html: HTML document or fragment.
            url: Public page to screenshot.
            template: Saved template uid (with ``variables``).
            variables: Template variables.
            width: Viewport width (server default 1280).
            height: Viewport height (server default 720).
            format: ``png`` (default), ``jpeg`` (``jpg`` accepted) or ``webp`` (wire:
                ``fileExtension``; ``file_extension=`` is accepted as its alias).
            selector: CSS selector to crop to.
            css: Extra CSS, inlined into ``html`` as a ``<style>`` block.
            idempotency_key: Reused on every retry; generated when omitted.
            timeout: This call's timeout (default: the client's).
            max_retries: This call's retries (default: the client's).
            extra_headers: Headers sent with this call only.
            **options: Further fields sent camelCased (e.g. ``full_page=True`` -> ``fullPage``).

        Returns:
            The image (``result["url"]``, ``result["id"]``...).

        Raises:
            ValueError: When not exactly one source is given, or for an unknown format (the
                hosted API would silently render it as PNG).
            PictifyError: On API errors. Billed: not retried once the request may have reached
                the server (dropped connection, read timeout, 5xx).
        """
        one_of(html=html, url=url, template=template)
        extras = dict(options)
        file_extension = image_format(format, extras)
        if css:  # not a wire field: the official SDKs inline it into the HTML
            if html is None:
                raise ValueError("css= only applies to html= renders")
            html = f"<style>{css}</style>{html}"
        body = to_wire(
            {
                **extras,
                "html": html,
                "url": url,
                "template": template,
                "variables": variables,
                "width": width,
                "height": height,
                "file_extension": file_extension,
                "selector": selector,
            }
        )
        return self._client._request(
            Endpoint(
                "POST",
                "/image",
                _parse_image,
                body=body,
                idempotency_key=idempotency_key,
                effect=Effect.BILLED,
            ),
            RequestOptions.of(timeout, max_retries, extra_headers),
        )

    def canvas(
        self,
        *,
        fabric_js_data: Mapping[str, Any],
        variables: Mapping[str, Any] | None = None,
        variable_definitions: Sequence[Mapping[str, Any]] | None = None,
        width: int | None = None,
        height: int | None = None,
        format: str | None = None,
        idempotency_key: str | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> ImageResult:
        """Render FabricJS canvas JSON without saving a template (``POST /image/canvas``).

        Args:
            fabric_js_data: The canvas JSON (wire: ``fabricJSData``).
            variables: Values for ``{{placeholders}}`` in the canvas.
            variable_definitions: Optional variable definitions.
            width: Output width (default: canvas size).
            height: Output height (default: canvas size).
            format: ``png``, ``jpeg`` (``jpg`` accepted) or ``webp`` (wire: ``fileExtension``).
            idempotency_key: Reused on every retry; generated when omitted.
            timeout: This call's timeout (default: the client's).
            max_retries: This call's retries (default: the client's).
            extra_headers: Headers sent with this call only.

        Raises:
            ValueError: For an unknown format.
        """
        body = to_wire(
            {
                "fabric_js_data": fabric_js_data,
                "variables": variables,
                "variable_definitions": variable_definitions or None,
                "width": width,
                "height": height,
                "file_extension": output_format(format, allowed=IMAGE_FORMATS, param="format"),
            }
        )
        return self._client._request(
            Endpoint(
                "POST",
                "/image/canvas",
                _parse_image,
                body=body,
                idempotency_key=idempotency_key,
                effect=Effect.BILLED,
            ),
            RequestOptions.of(timeout, max_retries, extra_headers),
        )

    def agent_screenshot(
        self,
        *,
        prompt: str,
        width: int | None = None,
        height: int | None = None,
        idempotency_key: str | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> ImageResult:
        """Take a screenshot described in natural language (``POST /image/agent-screenshot``).

        A long operation: unless a timeout is configured, the answer may take 120 s.

        Args:
            prompt: What to capture, e.g. "the pricing section on example.com".
            width: Optional viewport width.
            height: Optional viewport height.
            idempotency_key: Reused on every retry; generated when omitted.
            timeout: This call's timeout (default: the client's, else 120 s to read).
            max_retries: This call's retries (default: the client's).
            extra_headers: Headers sent with this call only.
        """
        if not prompt.strip():
            raise ValueError("prompt must not be empty")
        return self._client._request(
            Endpoint(
                "POST",
                "/image/agent-screenshot",
                _parse_image,
                body=to_wire({"prompt": prompt, "width": width, "height": height}),
                idempotency_key=idempotency_key,
                effect=Effect.BILLED,
                long_running=True,  # a browser agent navigates before it shoots
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
    ) -> SyncPage[ImageResult]:
        """List images (``GET /image``); iterate the result to walk every page.

        Args:
            limit: Page size (server default 30, max 100).
            offset: Where to start.
            timeout: Timeout of each page's request (default: the client's).
            max_retries: Retries of each page's request (default: the client's).
            extra_headers: Headers sent with each page's request.
        """
        options = RequestOptions.of(timeout, max_retries, extra_headers)
        query = ListQuery(
            "/image", "images", ImageResult.model_validate, "offset", limit, options=options
        )
        return SyncPage.fetch(self._client, query, offset)

    def get(
        self,
        uid: str,
        *,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> ImageResult:
        """Fetch one image by uid (``GET /image/{uid}``).

        Args:
            uid: The image's id.
            timeout: This call's timeout (default: the client's).
            max_retries: This call's retries (default: the client's).
            extra_headers: Headers sent with this call only.
        """
        return self._client._request(
            Endpoint("GET", f"/image/{path_segment(uid)}", _parse_image),
            RequestOptions.of(timeout, max_retries, extra_headers),
        )
