"""``images``: ``POST /image``, ``/image/canvas``, ``/image/agent-screenshot``, ``GET /image``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pictify_ssg.client._effects import Effect
from pictify_ssg.client._models import ImageResult
from pictify_ssg.client._options import RequestOptions
from pictify_ssg.client._pagination import AsyncPaginator, ListQuery, SyncPage
from pictify_ssg.client._request import Endpoint, path_segment, to_wire
from pictify_ssg.client._types import NOT_GIVEN, NotGiven, TimeoutTypes

from ._common import AsyncResource, SyncResource, model_parser, one_of, output_format

_parse_image = model_parser(ImageResult, "image")

#: ``fileExtension`` values of ``/image`` and ``/image/canvas`` (``jpg`` is sent as ``jpeg``).
IMAGE_FORMATS = frozenset({"png", "jpeg", "webp"})
#: Names under which callers pass the format through ``**options`` (the wire name, snake-cased
#: or not); without this they were overwritten by ``format=None`` and silently dropped.
_FORMAT_ALIASES = ("file_extension", "fileExtension")


def _format_from(format: str | None, options: dict[str, Any]) -> str | None:
    """``format=`` or its wire name ``file_extension=`` (removed from ``options``), checked."""
    chosen = output_format(format, allowed=IMAGE_FORMATS, param="format")
    for alias in _FORMAT_ALIASES:
        given = output_format(options.pop(alias, None), allowed=IMAGE_FORMATS, param=alias)
        if given is None:
            continue
        if chosen is not None and given != chosen:
            raise ValueError(f"pass format= or {alias}=, not both")
        chosen = given
    return chosen


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
    extras = dict(options)
    file_extension = _format_from(format, extras)
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
            "variables": dict(variables) if variables is not None else None,
            "width": width,
            "height": height,
            "file_extension": file_extension,
            "selector": selector,
        }
    )
    return Endpoint(
        "POST",
        "/image",
        _parse_image,
        body=body,
        idempotency_key=idempotency_key,
        effect=Effect.BILLED,
    )


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
            "file_extension": output_format(format, allowed=IMAGE_FORMATS, param="format"),
        }
    )
    return Endpoint(
        "POST",
        "/image/canvas",
        _parse_image,
        body=body,
        idempotency_key=idempotency_key,
        effect=Effect.BILLED,
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
        effect=Effect.BILLED,
        long_running=True,  # a browser agent navigates before it shoots
    )


def _list_query(limit: int | None, options: RequestOptions) -> ListQuery[ImageResult]:
    return ListQuery(
        "/image", "images", ImageResult.model_validate, "offset", limit, options=options
    )


def _get(uid: str) -> Endpoint[ImageResult]:
    return Endpoint("GET", f"/image/{path_segment(uid)}", _parse_image)


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
        return self._client._request(
            _canvas(
                fabric_js_data=fabric_js_data,
                variables=variables,
                variable_definitions=variable_definitions,
                width=width,
                height=height,
                format=format,
                idempotency_key=idempotency_key,
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
        return self._client._request(
            _agent_screenshot(
                prompt=prompt, width=width, height=height, idempotency_key=idempotency_key
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
        return SyncPage.fetch(self._client, _list_query(limit, options), offset)

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
            _get(uid), RequestOptions.of(timeout, max_retries, extra_headers)
        )


# --- async twins (same surface, awaitable) ---


class AsyncImages(AsyncResource):
    """Async twin of :class:`Images` (same methods and parameters).

    Every method also takes ``timeout=`` (seconds, an ``httpx.Timeout``, or ``None`` for no
    limit), ``max_retries=`` and ``extra_headers=`` for that one call.
    """

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
            ),
            RequestOptions.of(timeout, max_retries, extra_headers),
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
        return await self._client._request(
            _canvas(
                fabric_js_data=fabric_js_data,
                variables=variables,
                variable_definitions=variable_definitions,
                width=width,
                height=height,
                format=format,
                idempotency_key=idempotency_key,
            ),
            RequestOptions.of(timeout, max_retries, extra_headers),
        )

    async def agent_screenshot(
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
        return await self._client._request(
            _agent_screenshot(
                prompt=prompt, width=width, height=height, idempotency_key=idempotency_key
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
    ) -> AsyncPaginator[ImageResult]:
        """List images (``GET /image``); await: one page; async for: all items.

        Args:
            limit: Page size (server default 30, max 100).
            offset: Where to start.
            timeout: Timeout of each page's request (default: the client's).
            max_retries: Retries of each page's request (default: the client's).
            extra_headers: Headers sent with each page's request.
        """
        options = RequestOptions.of(timeout, max_retries, extra_headers)
        return AsyncPaginator(self._client, _list_query(limit, options), offset)

    async def get(
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
        return await self._client._request(
            _get(uid), RequestOptions.of(timeout, max_retries, extra_headers)
        )
