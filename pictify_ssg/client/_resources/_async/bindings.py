"""``bindings``: live images fed by a data source (``/bindings``).

Python arguments follow the SDK docs; :mod:`.._binding_wire` translates them to the wire shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pictify_ssg.client._effects import Effect
from pictify_ssg.client._models_integrations import Binding, BindingRefresh, Deleted
from pictify_ssg.client._options import RequestOptions
from pictify_ssg.client._pagination import AsyncPaginator, ListQuery
from pictify_ssg.client._request import Endpoint, path_segment, to_wire
from pictify_ssg.client._resources._async._resource import AsyncResource
from pictify_ssg.client._resources._binding_wire import binding_body
from pictify_ssg.client._resources._common import model_parser
from pictify_ssg.client._types import NOT_GIVEN, NotGiven, TimeoutTypes

_BASE = "/bindings"
_parse_binding = model_parser(Binding, "binding")


def _item(uid: str, suffix: str = "") -> str:
    return f"{_BASE}/{path_segment(uid)}{suffix}"


def _parse_refresh(data: Any) -> BindingRefresh:
    return BindingRefresh.model_validate(data if isinstance(data, Mapping) else {})


class AsyncBindings(AsyncResource):
    """Bindings: a template plus a data source, served at a permanent, self-updating URL.

    Every method also takes ``timeout=`` (seconds, an ``httpx.Timeout``, or ``None`` for no
    limit), ``max_retries=`` and ``extra_headers=`` for that one call.
    """

    def list(
        self,
        *,
        page: int = 1,
        limit: int | None = None,
        template_uid: str | None = None,
        status: str | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> AsyncPaginator[Binding]:
        """List bindings (``GET /bindings``); await: one page; async for: all items.

        Args:
            page: First page (1-based).
            limit: Page size (server default 20).
            template_uid: Only bindings of this template (wire: ``templateId``).
            status: ``active``, ``paused`` or ``error``.
            timeout: Timeout of each page's request (default: the client's).
            max_retries: Retries of each page's request (default: the client's).
            extra_headers: Headers sent with each page's request.
        """
        options = RequestOptions.of(timeout, max_retries, extra_headers)
        filters = to_wire({"template_id": template_uid, "status": status})
        query = ListQuery(
            _BASE, "bindings", Binding.model_validate, "page", limit, filters, options
        )
        return AsyncPaginator(self._client, query, page)

    async def create(
        self,
        *,
        template_uid: str,
        name: str | None = None,
        data_url: str | None = None,
        data_mapping: Mapping[str, str] | None = None,
        schedule: str | int | None = None,
        headers: Mapping[str, str] | None = None,
        method: str | None = None,
        defaults: Mapping[str, Any] | None = None,
        format: str | None = None,
        data_source: Mapping[str, Any] | None = None,
        mapping: Mapping[str, str] | None = None,
        refresh_policy: Mapping[str, Any] | None = None,
        output_config: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Binding:
        """Create a binding (``POST /bindings``).

        Not retried once the request may have reached the server (a retry could create a
        second binding). Only our own field names are camelCased: ``headers``, a data source's
        ``body``, ``mapping`` and ``defaults`` are sent exactly as given.

        Args:
            template_uid: Template to render (wire: ``templateId``).
            name: Display name.
            data_url: JSON endpoint to fetch (wire: ``dataSource.url``, type ``http``).
            data_mapping: ``{variable: "dot.path"}`` (wire: ``mapping`` with JSONPath).
            schedule: Cron expression or seconds (wire: ``refreshPolicy`` TTL).
            headers: Headers for fetching ``data_url``.
            method: ``GET`` (default) or ``POST`` for ``data_url``.
            defaults: Fallback variable values.
            format: Output format, ``png``, ``jpeg`` (``jpg`` accepted), ``webp`` or ``pdf``
                (wire: ``outputConfig.format``).
            data_source: Wire-shaped data source (instead of ``data_url``).
            mapping: Wire-shaped JSONPath mapping (instead of ``data_mapping``).
            refresh_policy: Wire-shaped refresh policy (instead of ``schedule``).
            output_config: Wire-shaped output config.
            idempotency_key: Sent on every attempt; generated when omitted.
            timeout: This call's timeout (default: the client's).
            max_retries: This call's retries (default: the client's).
            extra_headers: Headers sent with this call only (to Pictify, not the data source).

        Returns:
            The binding; ``binding["imageUrl"]`` / ``binding.render_url`` is its permanent URL.

        Raises:
            ValueError: For conflicting arguments, an unknown format or a cron with no fixed
                interval.
        """
        body = binding_body(
            name=name,
            template_uid=template_uid,
            data_url=data_url,
            data_mapping=data_mapping,
            schedule=schedule,
            headers=headers,
            method=method,
            defaults=defaults,
            format=format,
            data_source=data_source,
            mapping=mapping,
            refresh_policy=refresh_policy,
            output_config=output_config,
        )
        return await self._client._request(
            Endpoint(
                "POST",
                _BASE,
                _parse_binding,
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
    ) -> Binding:
        """Fetch a binding (``GET /bindings/{uid}``).

        Args:
            uid: Binding uid.
            timeout: This call's timeout (default: the client's).
            max_retries: This call's retries (default: the client's).
            extra_headers: Headers sent with this call only.
        """
        return await self._client._request(
            Endpoint("GET", _item(uid), _parse_binding),
            RequestOptions.of(timeout, max_retries, extra_headers),
        )

    async def update(
        self,
        uid: str,
        *,
        name: str | None = None,
        data_url: str | None = None,
        data_mapping: Mapping[str, str] | None = None,
        schedule: str | int | None = None,
        headers: Mapping[str, str] | None = None,
        method: str | None = None,
        defaults: Mapping[str, Any] | None = None,
        format: str | None = None,
        data_source: Mapping[str, Any] | None = None,
        mapping: Mapping[str, str] | None = None,
        refresh_policy: Mapping[str, Any] | None = None,
        output_config: Mapping[str, Any] | None = None,
        status: str | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Binding:
        """Change a binding (``PUT /bindings/{uid}``); arguments as for :meth:`create`.

        Args:
            uid: Binding uid.
            name: New name.
            data_url: New data URL.
            data_mapping: New dot-path mapping.
            schedule: New cron or seconds.
            headers: New headers for ``data_url`` (sent as given).
            method: New method for ``data_url``.
            defaults: New fallback values.
            format: New output format.
            data_source: Wire-shaped data source.
            mapping: Wire-shaped mapping.
            refresh_policy: Wire-shaped refresh policy.
            output_config: Wire-shaped output config.
            status: ``active`` or ``paused``.
            timeout: This call's timeout (default: the client's).
            max_retries: This call's retries (default: the client's).
            extra_headers: Headers sent with this call only.
        """
        body = binding_body(
            name=name,
            data_url=data_url,
            data_mapping=data_mapping,
            schedule=schedule,
            headers=headers,
            method=method,
            defaults=defaults,
            format=format,
            data_source=data_source,
            mapping=mapping,
            refresh_policy=refresh_policy,
            output_config=output_config,
            status=status,
        )
        return await self._client._request(
            Endpoint("PUT", _item(uid), _parse_binding, body=body),
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
        """Delete a binding (``DELETE /bindings/{uid}``).

        Args:
            uid: Binding uid.
            timeout: This call's timeout (default: the client's).
            max_retries: This call's retries (default: the client's).
            extra_headers: Headers sent with this call only.
        """
        return await self._client._request(
            Endpoint("DELETE", _item(uid), model_parser(Deleted)),
            RequestOptions.of(timeout, max_retries, extra_headers),
        )

    async def refresh(
        self,
        uid: str,
        *,
        idempotency_key: str | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> BindingRefresh:
        """Re-fetch the data and re-render now (``POST /bindings/{uid}/refresh``).

        Billed (it renders): not retried once the request may have reached the server.

        Args:
            uid: Binding uid.
            idempotency_key: Sent on every attempt; generated when omitted.
            timeout: This call's timeout (default: the client's).
            max_retries: This call's retries (default: the client's).
            extra_headers: Headers sent with this call only.
        """
        # "Invalidate the cache and re-render": a render, so billed like any other.
        return await self._client._request(
            Endpoint(
                "POST",
                _item(uid, "/refresh"),
                _parse_refresh,
                idempotency_key=idempotency_key,
                effect=Effect.BILLED,
            ),
            RequestOptions.of(timeout, max_retries, extra_headers),
        )
