"""``templates``: CRUD, render, variables and batch rendering."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pictify_ssg.client._effects import Effect
from pictify_ssg.client._models import (
    BatchJob,
    BatchResults,
    RenderResult,
    Template,
    TemplateVariables,
)
from pictify_ssg.client._models_integrations import Deleted
from pictify_ssg.client._options import RequestOptions
from pictify_ssg.client._pagination import AsyncPaginator, ListQuery
from pictify_ssg.client._request import Endpoint, path_segment, to_wire
from pictify_ssg.client._resources import _template_endpoints as ep
from pictify_ssg.client._resources._async._resource import AsyncResource
from pictify_ssg.client._resources._common import check_variable_sets, model_parser
from pictify_ssg.client._resources._common import output_format as check_format
from pictify_ssg.client._types import NOT_GIVEN, NotGiven, TimeoutTypes
from pictify_ssg.client.exceptions import BatchTimeoutError, PictifyError

_parse_template = model_parser(Template, "template")


def _item(uid: str, suffix: str = "") -> str:
    return f"/templates/{path_segment(uid)}{suffix}"


class AsyncTemplates(AsyncResource):
    """Saved templates: manage them, render them one by one or in batches.

    Every method except ``wait_for_batch`` also takes ``timeout=`` (seconds, an
    ``httpx.Timeout``, or ``None`` for no limit), ``max_retries=`` and ``extra_headers=`` for
    that one call.
    """

    def list(
        self,
        *,
        page: int = 1,
        limit: int | None = None,
        sort: str | None = None,
        output_format: str | None = None,
        has_dynamic_link: bool | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> AsyncPaginator[Template]:
        """List templates (``GET /templates``); await: one page; async for: all items.

        Args:
            page: First page to fetch (1-based).
            limit: Page size (server default 12, max 100).
            sort: ``newest`` (default), ``oldest`` or ``name``.
            output_format: ``all``, ``image`` or ``pdf``.
            has_dynamic_link: Only templates with (or without) a binding.
            timeout: Timeout of each page's request (default: the client's).
            max_retries: Retries of each page's request (default: the client's).
            extra_headers: Headers sent with each page's request.

        Returns:
            The page: ``result["templates"]``, ``result["pagination"]``; iterating yields every
            template of this and the following pages.
        """
        options = RequestOptions.of(timeout, max_retries, extra_headers)
        filters = to_wire(
            {"sort": sort, "output_format": output_format, "has_dynamic_link": has_dynamic_link}
        )
        query = ListQuery(
            "/templates", "templates", Template.model_validate, "page", limit, filters, options
        )
        return AsyncPaginator(self._client, query, page)

    async def create(
        self,
        *,
        name: str | None = None,
        html: str | None = None,
        width: int | None = None,
        height: int | None = None,
        variable_definitions: Sequence[Mapping[str, Any]] | None = None,
        output_format: str | None = None,
        layouts: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        **fields: Any,
    ) -> Template:
        """Create a template (``POST /templates``).

        Not retried once the request may have reached the server (dropped connection, read
        timeout, 5xx): the API ignores ``Idempotency-Key`` here, so a retry could create a
        second template.

        Args:
            name: Display name.
            html: Handlebars HTML (``{{title}}`` placeholders are discovered by the server).
            width: Canvas width.
            height: Canvas height.
            variable_definitions: Explicit variable definitions.
            output_format: ``image`` (default) or ``pdf``.
            layouts: Extra layouts ``{key: {name, width, height}}``.
            idempotency_key: Sent on every attempt; generated when omitted.
            timeout: This call's timeout (default: the client's).
            max_retries: This call's retries (default: the client's).
            extra_headers: Headers sent with this call only.
            **fields: More fields, camelCased (``engine``, ``js_enabled``, ``fabric_js_data``...).

        Returns:
            The new template, unwrapped from ``{"template": ...}``.
        """
        body = ep.template_fields(
            name=name,
            html=html,
            width=width,
            height=height,
            variable_definitions=variable_definitions,
            output_format=output_format,
            layouts=layouts,
            fields=fields,
        )
        if not body.get("html") and not body.get("fabricJSData"):
            raise ValueError("a template needs html= (or fabric_js_data=)")
        return await self._client._request(
            Endpoint(
                "POST",
                "/templates",
                _parse_template,
                body=body,
                idempotency_key=idempotency_key,
                effect=Effect.CREATES,
            ),
            RequestOptions.of(timeout, max_retries, extra_headers),
        )

    async def get(
        self,
        uid: str,
        *,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Template:
        """Fetch a template (``GET /templates/{uid}``).

        Args:
            uid: Template uid.
            timeout: This call's timeout (default: the client's).
            max_retries: This call's retries (default: the client's).
            extra_headers: Headers sent with this call only.

        Raises:
            NotFoundError: When the template does not exist.
        """
        return await self._client._request(
            Endpoint("GET", _item(uid), _parse_template),
            RequestOptions.of(timeout, max_retries, extra_headers),
        )

    async def update(
        self,
        uid: str,
        *,
        name: str | None = None,
        html: str | None = None,
        width: int | None = None,
        height: int | None = None,
        variable_definitions: Sequence[Mapping[str, Any]] | None = None,
        output_format: str | None = None,
        layouts: Mapping[str, Any] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        **fields: Any,
    ) -> Template:
        """Change some fields of a template (``PUT /templates/{uid}``); omitted fields stay.

        Args:
            uid: Template uid.
            name: New name.
            html: New HTML.
            width: New width.
            height: New height.
            variable_definitions: New variable definitions.
            output_format: New output format.
            layouts: New layouts map.
            timeout: This call's timeout (default: the client's).
            max_retries: This call's retries (default: the client's).
            extra_headers: Headers sent with this call only.
            **fields: Further fields, camelCased.
        """
        body = ep.template_fields(
            name=name,
            html=html,
            width=width,
            height=height,
            variable_definitions=variable_definitions,
            output_format=output_format,
            layouts=layouts,
            fields=fields,
        )
        return await self._client._request(
            Endpoint("PUT", _item(uid), _parse_template, body=body),
            RequestOptions.of(timeout, max_retries, extra_headers),
        )

    async def delete(
        self,
        uid: str,
        *,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Deleted:
        """Delete a template (``DELETE /templates/{uid}``).

        Args:
            uid: Template uid.
            timeout: This call's timeout (default: the client's).
            max_retries: This call's retries (default: the client's).
            extra_headers: Headers sent with this call only.
        """
        return await self._client._request(
            Endpoint("DELETE", _item(uid), model_parser(Deleted)),
            RequestOptions.of(timeout, max_retries, extra_headers),
        )

    async def render(
        self,
        uid: str,
        *,
        variables: Mapping[str, Any] | None = None,
        format: str = "png",
        quality: float | None = 0.9,
        width: int | None = None,
        height: int | None = None,
        layout: str | None = None,
        layouts: Sequence[str] | None = None,
        variable_sets: Sequence[Mapping[str, Any]] | None = None,
        preset: str | None = None,
        idempotency_key: str | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> RenderResult:
        """Render a saved template (``POST /templates/{uid}/render``).

        Billed: not retried once the request may have reached the server (dropped connection,
        read timeout, 5xx), since the server may still be rendering (and billing) it and the
        hosted render route ignores ``Idempotency-Key``.

        Args:
            uid: Template uid.
            variables: Values for the template's variables (sent unchanged).
            format: ``png``, ``jpeg`` (``jpg`` accepted), ``webp`` or ``pdf``.
            quality: 0.1 to 1.0.
            width: Override the template width.
            height: Override the template height.
            layout: Render one named layout.
            layouts: Render several layouts (max 20; ``"default"`` is the base canvas).
            variable_sets: With ``format="pdf"``: one page per set (1 to 100); a long
                operation (unless a timeout is configured, the answer may take 120 s).
            preset: PDF page size (``A4``, ``Letter``...).
            idempotency_key: Sent on every attempt; generated when omitted.
            timeout: This call's timeout (default: the client's).
            max_retries: This call's retries (default: the client's).
            extra_headers: Headers sent with this call only.

        Returns:
            The ``results[]`` envelope; ``result["url"]`` is the first result's URL. Unknown
            layouts are listed in ``result.errors`` (the call still succeeds).

        Raises:
            ValueError: For an unknown format, or both ``layout`` and ``layouts``.
        """
        if layout is not None and layouts is not None:
            raise ValueError("pass layout= or layouts=, not both")
        body = to_wire(
            {
                "variables": variables or {},
                "format": check_format(format, allowed=ep.RENDER_FORMATS, param="format"),
                "quality": quality,
                "width": width,
                "height": height,
                "layout": layout,
                "layouts": layouts,
                "variable_sets": (
                    check_variable_sets(variable_sets) if variable_sets is not None else None
                ),
                "preset": preset,
            }
        )
        return await self._client._request(
            Endpoint(
                "POST",
                _item(uid, "/render"),
                model_parser(RenderResult),
                body=body,
                idempotency_key=idempotency_key,
                effect=Effect.BILLED,
                long_running=variable_sets is not None,  # a multi-page PDF
            ),
            RequestOptions.of(timeout, max_retries, extra_headers),
        )

    async def get_variables(
        self,
        uid: str,
        *,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> TemplateVariables:
        """List a template's variables (``GET /templates/{uid}/variables``).

        Args:
            uid: Template uid.
            timeout: This call's timeout (default: the client's).
            max_retries: This call's retries (default: the client's).
            extra_headers: Headers sent with this call only.
        """
        return await self._client._request(
            Endpoint("GET", _item(uid, "/variables"), model_parser(TemplateVariables)),
            RequestOptions.of(timeout, max_retries, extra_headers),
        )

    async def batch_render(
        self,
        uid: str,
        *,
        variable_sets: Sequence[Mapping[str, Any]],
        format: str = "png",
        quality: float | None = 0.9,
        concurrency: int | None = None,
        webhook_url: str | None = None,
        layout: str | None = None,
        layouts: Sequence[str] | None = None,
        idempotency_key: str | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> BatchJob:
        """Start a batch render (``POST /templates/{uid}/batch-render``, answered with 202).

        Billed: not retried once the request may have reached the server (a second batch
        would render every item again).

        Args:
            uid: Template uid.
            variable_sets: 1 to 100 variable sets (checked before sending).
            format: ``png``, ``jpeg`` (``jpg`` accepted), ``webp`` or ``gif``.
            quality: 0.1 to 1.0.
            concurrency: Parallel renders, 1 to 10 (plan-capped by the server).
            webhook_url: Where the server may post completion events.
            layout: One layout for every item.
            layouts: Several layouts per item.
            idempotency_key: Sent on every attempt; generated when omitted.
            timeout: This call's timeout (default: the client's).
            max_retries: This call's retries (default: the client's).
            extra_headers: Headers sent with this call only.

        Returns:
            The job: ``job.batch_id`` (also ``job["id"]``), ``job.status``, ``job.total_items``.

        Raises:
            ValueError: For 0 or more than 100 sets, a concurrency outside 1-10, or an unknown
                format.
        """
        if concurrency is not None and not 1 <= concurrency <= 10:
            raise ValueError("concurrency must be between 1 and 10")
        body = to_wire(
            {
                "variable_sets": check_variable_sets(variable_sets),
                "format": check_format(format, allowed=ep.BATCH_FORMATS, param="format"),
                "quality": quality,
                "concurrency": concurrency,
                "webhook_url": webhook_url,
                "layout": layout,
                "layouts": layouts,
            }
        )
        return await self._client._request(
            Endpoint(
                "POST",
                _item(uid, "/batch-render"),
                model_parser(BatchJob),
                body=body,
                idempotency_key=idempotency_key,
                effect=Effect.BILLED,
            ),
            RequestOptions.of(timeout, max_retries, extra_headers),
        )

    async def get_batch_results(
        self,
        batch_id: str,
        *,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> BatchResults:
        """Poll a batch (``GET /templates/batch/{id}/results``).

        Items carry ``url``/``width``/``height`` only when the server sends them (the hosted API
        delivers URLs through ``render.completed`` webhooks instead).

        Args:
            batch_id: The batch.
            timeout: This call's timeout (default: the client's).
            max_retries: This call's retries (default: the client's).
            extra_headers: Headers sent with this call only.
        """
        return await self._client._request(
            Endpoint(
                "GET",
                f"/templates/batch/{path_segment(batch_id)}/results",
                model_parser(BatchResults),
            ),
            RequestOptions.of(timeout, max_retries, extra_headers),
        )

    async def cancel_batch(
        self,
        batch_id: str,
        *,
        idempotency_key: str | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> BatchJob:
        """Cancel a batch (``POST /templates/batch/{id}/cancel``); finished items keep results.

        Args:
            batch_id: The batch.
            idempotency_key: Sent on every attempt; generated when omitted.
            timeout: This call's timeout (default: the client's).
            max_retries: This call's retries (default: the client's).
            extra_headers: Headers sent with this call only.
        """
        return await self._client._request(
            Endpoint(
                "POST",
                f"/templates/batch/{path_segment(batch_id)}/cancel",
                model_parser(BatchJob),
                idempotency_key=idempotency_key,
                # Cancelling twice leaves the batch cancelled: safe to repeat whatever happened.
                effect=Effect.IDEMPOTENT,
            ),
            RequestOptions.of(timeout, max_retries, extra_headers),
        )

    async def wait_for_batch(
        self,
        batch_id: str,
        *,
        timeout: float = 300.0,
        poll_interval: float = 1.0,
        max_poll_interval: float = 10.0,
        cancel_on_timeout: bool = False,
    ) -> BatchResults:
        """Poll a batch until it is completed, partial, failed or cancelled.

        The interval starts at ``poll_interval`` and grows by half each poll up to
        ``max_poll_interval``; each wait is shortened by a random part of up to a quarter, so
        waiters started together do not poll in step, and the last wait is cut so the deadline
        is kept.

        Args:
            batch_id: The batch to wait for.
            timeout: Give up after this many seconds (the whole wait, not one request).
            poll_interval: First wait between polls.
            max_poll_interval: Longest wait between polls.
            cancel_on_timeout: At the deadline, cancel the batch before raising, so it stops
                rendering (and billing) items nobody waits for. Should the batch turn out to
                have finished meanwhile, its results are returned instead.

        Returns:
            The terminal results (check ``status``: ``partial``/``failed`` are terminal too).

        Raises:
            BatchTimeoutError: When the batch is still running at the deadline (its
                ``cancelled`` tells whether it was cancelled; a failed cancel is in the message
                and chained as the cause).
        """
        ep.check_wait_args(timeout, poll_interval, max_poll_interval)
        deadline = self._client._clock() + timeout
        interval = poll_interval
        while True:
            results = await self.get_batch_results(batch_id)
            if results.is_terminal:
                return results
            remaining = deadline - self._client._clock()
            if remaining <= 0:
                return await self._give_up(batch_id, timeout, results, cancel_on_timeout)
            await self._client._sleep(ep.poll_wait(interval, remaining, self._client._random()))
            interval = ep.next_poll_interval(interval, max_poll_interval)

    async def _give_up(
        self, batch_id: str, timeout: float, last: BatchResults, cancel: bool
    ) -> BatchResults:
        """Raise the timeout, cancelling first when asked (or return, if it just finished)."""
        message = ep.timeout_message(batch_id, timeout, last)
        cause: PictifyError | None = None
        cancelled = False
        if cancel:
            try:
                answer = await self.cancel_batch(batch_id)
            except PictifyError as exc:
                message += f"; cancelling it failed: {exc}"
                cause = exc
            else:
                if ep.finished_meanwhile(answer):
                    final = await self.get_batch_results(batch_id)
                    if final.is_terminal:
                        return final
                cancelled = True
                message += ep.cancelled_note(answer)
        raise BatchTimeoutError(
            message, batch_id=batch_id, last_status=last.status, cancelled=cancelled
        ) from cause
