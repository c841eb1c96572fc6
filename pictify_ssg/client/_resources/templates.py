"""``templates``: CRUD, render, variables and batch rendering."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pictify_ssg.client._models import (
    BatchJob,
    BatchResults,
    RenderResult,
    Template,
    TemplateVariables,
)
from pictify_ssg.client._models_integrations import Deleted
from pictify_ssg.client._pagination import AsyncPaginator, SyncPage
from pictify_ssg.client.exceptions import BatchTimeoutError

from . import _template_endpoints as ep
from ._common import AsyncResource, SyncResource


class Templates(SyncResource):
    """Saved templates: manage them, render them one by one or in batches."""

    def list(
        self,
        *,
        page: int = 1,
        limit: int | None = None,
        sort: str | None = None,
        output_format: str | None = None,
        has_dynamic_link: bool | None = None,
    ) -> SyncPage[Template]:
        """List templates (``GET /templates``); iterate the result to walk every page.

        Args:
            page: First page to fetch (1-based).
            limit: Page size (server default 12, max 100).
            sort: ``newest`` (default), ``oldest`` or ``name``.
            output_format: ``all``, ``image`` or ``pdf``.
            has_dynamic_link: Only templates with (or without) a binding.

        Returns:
            The page: ``result["templates"]``, ``result["pagination"]``; iterating yields every
            template of this and the following pages.
        """
        query = ep.list_query(
            limit=limit,
            sort=sort,
            output_format=output_format,
            has_dynamic_link=has_dynamic_link,
        )
        return SyncPage.fetch(self._client, query, page)

    def create(
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
        **fields: Any,
    ) -> Template:
        """Create a template (``POST /templates``).

        Args:
            name: Display name.
            html: Handlebars HTML (``{{title}}`` placeholders are discovered by the server).
            width: Canvas width.
            height: Canvas height.
            variable_definitions: Explicit variable definitions.
            output_format: ``image`` (default) or ``pdf``.
            layouts: Extra layouts ``{key: {name, width, height}}``.
            idempotency_key: Reused on every retry; generated when omitted.
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
        return self._client._request(ep.create(body, idempotency_key))

    def get(self, uid: str) -> Template:
        """Fetch a template (``GET /templates/{uid}``).

        Raises:
            NotFoundError: When the template does not exist.
        """
        return self._client._request(ep.get(uid))

    def update(
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
        return self._client._request(ep.update(uid, body))

    def delete(self, uid: str) -> Deleted:
        """Delete a template (``DELETE /templates/{uid}``)."""
        return self._client._request(ep.delete(uid))

    def render(
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
    ) -> RenderResult:
        """Render a saved template (``POST /templates/{uid}/render``).

        Not retried after a read timeout: the server may still be rendering (and billing) the
        first request, and the hosted render route ignores ``Idempotency-Key``.

        Args:
            uid: Template uid.
            variables: Values for the template's variables (sent unchanged).
            format: ``png``, ``jpg``, ``jpeg``, ``webp`` or ``pdf``.
            quality: 0.1 to 1.0.
            width: Override the template width.
            height: Override the template height.
            layout: Render one named layout.
            layouts: Render several layouts (max 20; ``"default"`` is the base canvas).
            variable_sets: With ``format="pdf"``: one page per set (1 to 100).
            preset: PDF page size (``A4``, ``Letter``...).
            idempotency_key: Reused on every retry; generated when omitted.

        Returns:
            The ``results[]`` envelope; ``result["url"]`` is the first result's URL. Unknown
            layouts are listed in ``result.errors`` (the call still succeeds).
        """
        return self._client._request(
            ep.render(
                uid,
                variables=variables,
                format=format,
                quality=quality,
                width=width,
                height=height,
                layout=layout,
                layouts=layouts,
                variable_sets=variable_sets,
                preset=preset,
                idempotency_key=idempotency_key,
            )
        )

    def get_variables(self, uid: str) -> TemplateVariables:
        """List a template's variables (``GET /templates/{uid}/variables``)."""
        return self._client._request(ep.get_variables(uid))

    def batch_render(
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
    ) -> BatchJob:
        """Start a batch render (``POST /templates/{uid}/batch-render``, answered with 202).

        Args:
            uid: Template uid.
            variable_sets: 1 to 100 variable sets (checked before sending).
            format: ``png``, ``jpeg``, ``webp`` or ``gif``.
            quality: 0.1 to 1.0.
            concurrency: Parallel renders, 1 to 10 (plan-capped by the server).
            webhook_url: Where the server may post completion events.
            layout: One layout for every item.
            layouts: Several layouts per item.
            idempotency_key: Reused on every retry; generated when omitted.

        Returns:
            The job: ``job.batch_id`` (also ``job["id"]``), ``job.status``, ``job.total_items``.

        Raises:
            ValueError: For 0 or more than 100 sets, or a concurrency outside 1-10.
        """
        return self._client._request(
            ep.batch_render(
                uid,
                variable_sets=variable_sets,
                format=format,
                quality=quality,
                concurrency=concurrency,
                webhook_url=webhook_url,
                layout=layout,
                layouts=layouts,
                idempotency_key=idempotency_key,
            )
        )

    def get_batch_results(self, batch_id: str) -> BatchResults:
        """Poll a batch (``GET /templates/batch/{id}/results``).

        Items carry ``url``/``width``/``height`` only when the server sends them (the hosted API
        delivers URLs through ``render.completed`` webhooks instead).
        """
        return self._client._request(ep.batch_results(batch_id))

    def cancel_batch(self, batch_id: str, *, idempotency_key: str | None = None) -> BatchJob:
        """Cancel a batch (``POST /templates/batch/{id}/cancel``); finished items keep results."""
        return self._client._request(ep.cancel_batch(batch_id, idempotency_key))

    def wait_for_batch(
        self,
        batch_id: str,
        *,
        timeout: float = 300.0,
        poll_interval: float = 1.0,
        max_poll_interval: float = 10.0,
    ) -> BatchResults:
        """Poll a batch until it is completed, partial, failed or cancelled.

        The interval starts at ``poll_interval`` and grows by half each poll up to
        ``max_poll_interval``; the last sleep is shortened so the deadline is kept.

        Args:
            batch_id: The batch to wait for.
            timeout: Give up after this many seconds.
            poll_interval: First wait between polls.
            max_poll_interval: Longest wait between polls.

        Returns:
            The terminal results (check ``status``: ``partial``/``failed`` are terminal too).

        Raises:
            BatchTimeoutError: When the batch is still running at the deadline.
        """
        ep.check_wait_args(timeout, poll_interval, max_poll_interval)
        deadline = self._client._clock() + timeout
        interval = poll_interval
        while True:
            results = self.get_batch_results(batch_id)
            if results.is_terminal:
                return results
            remaining = deadline - self._client._clock()
            if remaining <= 0:
                raise BatchTimeoutError(
                    ep.timeout_message(batch_id, timeout, results),
                    batch_id=batch_id,
                    last_status=results.status,
                )
            self._client._sleep(min(interval, remaining))
            interval = ep.next_poll_interval(interval, max_poll_interval)


# --- async twins (same surface, awaitable) ---


class AsyncTemplates(AsyncResource):
    """Async twin of :class:`Templates` (same methods and parameters)."""

    def list(
        self,
        *,
        page: int = 1,
        limit: int | None = None,
        sort: str | None = None,
        output_format: str | None = None,
        has_dynamic_link: bool | None = None,
    ) -> AsyncPaginator[Template]:
        """List templates (``GET /templates``); await: one page; async for: all items.

        Args:
            page: First page to fetch (1-based).
            limit: Page size (server default 12, max 100).
            sort: ``newest`` (default), ``oldest`` or ``name``.
            output_format: ``all``, ``image`` or ``pdf``.
            has_dynamic_link: Only templates with (or without) a binding.

        Returns:
            The page: ``result["templates"]``, ``result["pagination"]``; iterating yields every
            template of this and the following pages.
        """
        query = ep.list_query(
            limit=limit,
            sort=sort,
            output_format=output_format,
            has_dynamic_link=has_dynamic_link,
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
        **fields: Any,
    ) -> Template:
        """Create a template (``POST /templates``).

        Args:
            name: Display name.
            html: Handlebars HTML (``{{title}}`` placeholders are discovered by the server).
            width: Canvas width.
            height: Canvas height.
            variable_definitions: Explicit variable definitions.
            output_format: ``image`` (default) or ``pdf``.
            layouts: Extra layouts ``{key: {name, width, height}}``.
            idempotency_key: Reused on every retry; generated when omitted.
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
        return await self._client._request(ep.create(body, idempotency_key))

    async def get(self, uid: str) -> Template:
        """Fetch a template (``GET /templates/{uid}``).

        Raises:
            NotFoundError: When the template does not exist.
        """
        return await self._client._request(ep.get(uid))

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
        return await self._client._request(ep.update(uid, body))

    async def delete(self, uid: str) -> Deleted:
        """Delete a template (``DELETE /templates/{uid}``)."""
        return await self._client._request(ep.delete(uid))

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
    ) -> RenderResult:
        """Render a saved template (``POST /templates/{uid}/render``).

        Not retried after a read timeout: the server may still be rendering (and billing) the
        first request, and the hosted render route ignores ``Idempotency-Key``.

        Args:
            uid: Template uid.
            variables: Values for the template's variables (sent unchanged).
            format: ``png``, ``jpg``, ``jpeg``, ``webp`` or ``pdf``.
            quality: 0.1 to 1.0.
            width: Override the template width.
            height: Override the template height.
            layout: Render one named layout.
            layouts: Render several layouts (max 20; ``"default"`` is the base canvas).
            variable_sets: With ``format="pdf"``: one page per set (1 to 100).
            preset: PDF page size (``A4``, ``Letter``...).
            idempotency_key: Reused on every retry; generated when omitted.

        Returns:
            The ``results[]`` envelope; ``result["url"]`` is the first result's URL. Unknown
            layouts are listed in ``result.errors`` (the call still succeeds).
        """
        return await self._client._request(
            ep.render(
                uid,
                variables=variables,
                format=format,
                quality=quality,
                width=width,
                height=height,
                layout=layout,
                layouts=layouts,
                variable_sets=variable_sets,
                preset=preset,
                idempotency_key=idempotency_key,
            )
        )

    async def get_variables(self, uid: str) -> TemplateVariables:
        """List a template's variables (``GET /templates/{uid}/variables``)."""
        return await self._client._request(ep.get_variables(uid))

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
    ) -> BatchJob:
        """Start a batch render (``POST /templates/{uid}/batch-render``, answered with 202).

        Args:
            uid: Template uid.
            variable_sets: 1 to 100 variable sets (checked before sending).
            format: ``png``, ``jpeg``, ``webp`` or ``gif``.
            quality: 0.1 to 1.0.
            concurrency: Parallel renders, 1 to 10 (plan-capped by the server).
            webhook_url: Where the server may post completion events.
            layout: One layout for every item.
            layouts: Several layouts per item.
            idempotency_key: Reused on every retry; generated when omitted.

        Returns:
            The job: ``job.batch_id`` (also ``job["id"]``), ``job.status``, ``job.total_items``.

        Raises:
            ValueError: For 0 or more than 100 sets, or a concurrency outside 1-10.
        """
        return await self._client._request(
            ep.batch_render(
                uid,
                variable_sets=variable_sets,
                format=format,
                quality=quality,
                concurrency=concurrency,
                webhook_url=webhook_url,
                layout=layout,
                layouts=layouts,
                idempotency_key=idempotency_key,
            )
        )

    async def get_batch_results(self, batch_id: str) -> BatchResults:
        """Poll a batch (``GET /templates/batch/{id}/results``).

        Items carry ``url``/``width``/``height`` only when the server sends them (the hosted API
        delivers URLs through ``render.completed`` webhooks instead).
        """
        return await self._client._request(ep.batch_results(batch_id))

    async def cancel_batch(self, batch_id: str, *, idempotency_key: str | None = None) -> BatchJob:
        """Cancel a batch (``POST /templates/batch/{id}/cancel``); finished items keep results."""
        return await self._client._request(ep.cancel_batch(batch_id, idempotency_key))

    async def wait_for_batch(
        self,
        batch_id: str,
        *,
        timeout: float = 300.0,
        poll_interval: float = 1.0,
        max_poll_interval: float = 10.0,
    ) -> BatchResults:
        """Poll a batch until it is completed, partial, failed or cancelled.

        The interval starts at ``poll_interval`` and grows by half each poll up to
        ``max_poll_interval``; the last sleep is shortened so the deadline is kept.

        Args:
            batch_id: The batch to wait for.
            timeout: Give up after this many seconds.
            poll_interval: First wait between polls.
            max_poll_interval: Longest wait between polls.

        Returns:
            The terminal results (check ``status``: ``partial``/``failed`` are terminal too).

        Raises:
            BatchTimeoutError: When the batch is still running at the deadline.
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
                raise BatchTimeoutError(
                    ep.timeout_message(batch_id, timeout, results),
                    batch_id=batch_id,
                    last_status=results.status,
                )
            await self._client._sleep(min(interval, remaining))
            interval = ep.next_poll_interval(interval, max_poll_interval)
