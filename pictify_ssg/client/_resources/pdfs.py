"""``pdfs``: ``POST /pdf/render`` and ``POST /pdf/multi-page``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pictify_ssg.client._models import PdfResult
from pictify_ssg.client._request import Endpoint, to_wire, to_wire_deep

from ._common import AsyncResource, SyncResource, check_variable_sets, model_parser

_parse_pdf = model_parser(PdfResult, "pdf")


def _render(
    *,
    template_uid: str,
    variables: Mapping[str, Any] | None,
    options: Mapping[str, Any] | None,
    idempotency_key: str | None,
) -> Endpoint[PdfResult]:
    body = to_wire(
        {
            "template_uid": template_uid,
            "variables": dict(variables) if variables is not None else None,
            "options": to_wire_deep(options) if options else None,
        }
    )
    return Endpoint("POST", "/pdf/render", _parse_pdf, body=body, idempotency_key=idempotency_key)


def _multi_page(
    *,
    template_uid: str,
    variable_sets: Sequence[Mapping[str, Any]],
    options: Mapping[str, Any] | None,
    idempotency_key: str | None,
) -> Endpoint[PdfResult]:
    body = to_wire(
        {
            "template_uid": template_uid,
            "variable_sets": check_variable_sets(variable_sets),
            "options": to_wire_deep(options) if options else None,
        }
    )
    return Endpoint(
        "POST", "/pdf/multi-page", _parse_pdf, body=body, idempotency_key=idempotency_key
    )


class Pdfs(SyncResource):
    """PDFs rendered from saved templates."""

    def render(
        self,
        *,
        template_uid: str,
        variables: Mapping[str, Any] | None = None,
        options: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> PdfResult:
        """Render a one-page PDF (``POST /pdf/render``).

        Args:
            template_uid: Template to render (wire: ``templateUid``).
            variables: Template variables (sent unchanged).
            options: ``preset`` (``A4``...), ``margins``, ``landscape``, ``print_background``...;
                keys are camelCased.
            idempotency_key: Reused on every retry; generated when omitted.

        Returns:
            The PDF (``pdf["url"]``, ``pdf.page_count``).
        """
        return self._client._request(
            _render(
                template_uid=template_uid,
                variables=variables,
                options=options,
                idempotency_key=idempotency_key,
            )
        )

    def multi_page(
        self,
        *,
        template_uid: str,
        variable_sets: Sequence[Mapping[str, Any]],
        options: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> PdfResult:
        """Render one PDF with a page per variable set (``POST /pdf/multi-page``).

        Args:
            template_uid: Template to render.
            variable_sets: 1 to 100 sets of variables, one page each.
            options: As for :meth:`render`.
            idempotency_key: Reused on every retry; generated when omitted.

        Raises:
            ValueError: For an empty list or more than 100 sets.
        """
        return self._client._request(
            _multi_page(
                template_uid=template_uid,
                variable_sets=variable_sets,
                options=options,
                idempotency_key=idempotency_key,
            )
        )


# --- async twins (same surface, awaitable) ---


class AsyncPdfs(AsyncResource):
    """Async twin of :class:`Pdfs` (same methods and parameters)."""

    async def render(
        self,
        *,
        template_uid: str,
        variables: Mapping[str, Any] | None = None,
        options: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> PdfResult:
        """Render a one-page PDF (``POST /pdf/render``).

        Args:
            template_uid: Template to render (wire: ``templateUid``).
            variables: Template variables (sent unchanged).
            options: ``preset`` (``A4``...), ``margins``, ``landscape``, ``print_background``...;
                keys are camelCased.
            idempotency_key: Reused on every retry; generated when omitted.

        Returns:
            The PDF (``pdf["url"]``, ``pdf.page_count``).
        """
        return await self._client._request(
            _render(
                template_uid=template_uid,
                variables=variables,
                options=options,
                idempotency_key=idempotency_key,
            )
        )

    async def multi_page(
        self,
        *,
        template_uid: str,
        variable_sets: Sequence[Mapping[str, Any]],
        options: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> PdfResult:
        """Render one PDF with a page per variable set (``POST /pdf/multi-page``).

        Args:
            template_uid: Template to render.
            variable_sets: 1 to 100 sets of variables, one page each.
            options: As for :meth:`render`.
            idempotency_key: Reused on every retry; generated when omitted.

        Raises:
            ValueError: For an empty list or more than 100 sets.
        """
        return await self._client._request(
            _multi_page(
                template_uid=template_uid,
                variable_sets=variable_sets,
                options=options,
                idempotency_key=idempotency_key,
            )
        )
