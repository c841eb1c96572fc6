"""``images``: ``POST /image``, ``/image/canvas``, ``/image/agent-screenshot``, ``GET /image``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pictify_ssg.client._models import ImageResult
from pictify_ssg.client._pagination import AsyncPaginator, ListQuery, SyncPage
from pictify_ssg.client._request import Endpoint, path_segment, to_wire

from ._common import AsyncResource, SyncResource, model_parser, one_of

_parse_image = model_parser(ImageResult, "image")


def _create(
    *,
    html: str | None,
    url: str | None,
    template: str | None,
    variables: Mapping[str, Any] | None,
    width: int | None,
    height: int | None,
    format: str | None,
    selector: str | None,
    css: str | None,
    idempotency_key: str | None,
    options: Mapping[str, Any],
) -> Endpoint[ImageResult]:
    one_of(html=html, url=url, template=template)
    if css:  # not a wire field: the official SDKs inline it into the HTML
        if html is None:
            raise ValueError("css= only applies to html= renders")
        html = f"<style>{css}</style>{html}"
    body = to_wire(
        {
            **options,
            "html": html,
            "url": url,
            "template": template,
            "variables": dict(variables) if variables is not None else None,
            "width": width,
            "height": height,
            "file_extension": format,
            "selector": selector,
        }
    )
    return Endpoint("POST", "/image", _parse_image, body=body, idempotency_key=idempotency_key)


def _canvas(
    *,
    fabric_js_data: Mapping[str, Any],
    variables: Mapping[str, Any] | None,
    variable_definitions: Sequence[Mapping[str, Any]] | None,
    width: int | None,
    height: int | None,
    format: str | None,
    idempotency_key: str | None,
) -> Endpoint[ImageResult]:
    body = to_wire(
        {
            "fabric_js_data": dict(fabric_js_data),
            "variables": dict(variables) if variables is not None else None,
            "variable_definitions": (
                [dict(d) for d in variable_definitions] if variable_definitions else None
            ),
            "width": width,
            "height": height,
            "file_extension": format,
        }
    )
    return Endpoint(
        "POST", "/image/canvas", _parse_image, body=body, idempotency_key=idempotency_key
    )


def _agent_screenshot(
    *, prompt: str, width: int | None, height: int | None, idempotency_key: str | None
) -> Endpoint[ImageResult]:
    if not prompt.strip():
        raise ValueError("prompt must not be empty")
    body = to_wire({"prompt": prompt, "width": width, "height": height})
    return Endpoint(
        "POST",
        "/image/agent-screenshot",
        _parse_image,
        body=body,
        idempotency_key=idempotency_key,
    )


def _list_query(limit: int | None) -> ListQuery[ImageResult]:
    return ListQuery("/image", "images", ImageResult.model_validate, "offset", limit)


def _get(uid: str) -> Endpoint[ImageResult]:
    return Endpoint("GET", f"/image/{path_segment(uid)}", _parse_image)


class Images(SyncResource):
    """Still images from HTML, a URL, a saved template, a FabricJS canvas or a prompt."""

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
            format: ``png`` (default), ``jpg``, ``jpeg`` or ``webp`` (wire: ``fileExtension``).
            selector: CSS selector to crop to.
            css: Extra CSS, inlined into ``html`` as a ``<style>`` block.
            idempotency_key: Reused on every retry; generated when omitted.
            **options: Further fields sent camelCased (e.g. ``full_page=True`` -> ``fullPage``).

        Returns:
            The image (``result["url"]``, ``result["id"]``...).

        Raises:
            ValueError: When not exactly one source is given.
            PictifyError: On API errors. Not retried after a read timeout (renders are billed).
        """
        return self._client._request(
            _create(
                html=html,
                url=url,
                template=template,
                variables=variables,
                width=width,
                height=height,
                format=format,
                selector=selector,
                css=css,
                idempotency_key=idempotency_key,
                options=options,
            )
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
    ) -> ImageResult:
        """Render FabricJS canvas JSON without saving a template (``POST /image/canvas``).

        Args:
            fabric_js_data: The canvas JSON (wire: ``fabricJSData``).
            variables: Values for ``{{placeholders}}`` in the canvas.
            variable_definitions: Optional variable definitions.
            width: Output width (default: canvas size).
            height: Output height (default: canvas size).
            format: ``png``, ``jpg``, ``jpeg`` or ``webp`` (wire: ``fileExtension``).
            idempotency_key: Reused on every retry; generated when omitted.
        """
        return self._client._request(
            _canvas(
                fabric_js_data=fabric_js_data,
                variables=variables,
                variable_definitions=variable_definitions,
                width=width,
                height=height,
                format=format,
                idempotency_key=idempotency_key,
            )
        )

    def agent_screenshot(
        self,
        *,
        prompt: str,
        width: int | None = None,
        height: int | None = None,
        idempotency_key: str | None = None,
    ) -> ImageResult:
        """Take a screenshot described in natural language (``POST /image/agent-screenshot``).

        Args:
            prompt: What to capture, e.g. "the pricing section on example.com".
            width: Optional viewport width.
            height: Optional viewport height.
            idempotency_key: Reused on every retry; generated when omitted.
        """
        return self._client._request(
            _agent_screenshot(
                prompt=prompt, width=width, height=height, idempotency_key=idempotency_key
            )
        )

    def list(self, *, limit: int | None = None, offset: int = 0) -> SyncPage[ImageResult]:
        """List images (``GET /image``); iterate the result to walk every page.

        Args:
            limit: Page size (server default 30, max 100).
            offset: Where to start.
        """
        return SyncPage.fetch(self._client, _list_query(limit), offset)

    def get(self, uid: str) -> ImageResult:
        """Fetch one image by uid (``GET /image/{uid}``)."""
        return self._client._request(_get(uid))


# --- async twins (same surface, awaitable) ---


class AsyncImages(AsyncResource):
    """Async twin of :class:`Images` (same methods and parameters)."""

    async def create(
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
            format: ``png`` (default), ``jpg``, ``jpeg`` or ``webp`` (wire: ``fileExtension``).
            selector: CSS selector to crop to.
            css: Extra CSS, inlined into ``html`` as a ``<style>`` block.
            idempotency_key: Reused on every retry; generated when omitted.
            **options: Further fields sent camelCased (e.g. ``full_page=True`` -> ``fullPage``).

        Returns:
            The image (``result["url"]``, ``result["id"]``...).

        Raises:
            ValueError: When not exactly one source is given.
            PictifyError: On API errors. Not retried after a read timeout (renders are billed).
        """
        return await self._client._request(
            _create(
                html=html,
                url=url,
                template=template,
                variables=variables,
                width=width,
                height=height,
                format=format,
                selector=selector,
                css=css,
                idempotency_key=idempotency_key,
                options=options,
            )
        )

    async def canvas(
        self,
        *,
        fabric_js_data: Mapping[str, Any],
        variables: Mapping[str, Any] | None = None,
        variable_definitions: Sequence[Mapping[str, Any]] | None = None,
        width: int | None = None,
        height: int | None = None,
        format: str | None = None,
        idempotency_key: str | None = None,
    ) -> ImageResult:
        """Render FabricJS canvas JSON without saving a template (``POST /image/canvas``).

        Args:
            fabric_js_data: The canvas JSON (wire: ``fabricJSData``).
            variables: Values for ``{{placeholders}}`` in the canvas.
            variable_definitions: Optional variable definitions.
            width: Output width (default: canvas size).
            height: Output height (default: canvas size).
            format: ``png``, ``jpg``, ``jpeg`` or ``webp`` (wire: ``fileExtension``).
            idempotency_key: Reused on every retry; generated when omitted.
        """
        return await self._client._request(
            _canvas(
                fabric_js_data=fabric_js_data,
                variables=variables,
                variable_definitions=variable_definitions,
                width=width,
                height=height,
                format=format,
                idempotency_key=idempotency_key,
            )
        )

    async def agent_screenshot(
        self,
        *,
        prompt: str,
        width: int | None = None,
        height: int | None = None,
        idempotency_key: str | None = None,
    ) -> ImageResult:
        """Take a screenshot described in natural language (``POST /image/agent-screenshot``).

        Args:
            prompt: What to capture, e.g. "the pricing section on example.com".
            width: Optional viewport width.
            height: Optional viewport height.
            idempotency_key: Reused on every retry; generated when omitted.
        """
        return await self._client._request(
            _agent_screenshot(
                prompt=prompt, width=width, height=height, idempotency_key=idempotency_key
            )
        )

    def list(self, *, limit: int | None = None, offset: int = 0) -> AsyncPaginator[ImageResult]:
        """List images (``GET /image``); await: one page; async for: all items.

        Args:
            limit: Page size (server default 30, max 100).
            offset: Where to start.
        """
        return AsyncPaginator(self._client, _list_query(limit), offset)

    async def get(self, uid: str) -> ImageResult:
        """Fetch one image by uid (``GET /image/{uid}``)."""
        return await self._client._request(_get(uid))
