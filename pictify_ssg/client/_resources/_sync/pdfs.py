# Generated from _resources/_async/pdfs.py by scripts/unasync.py: edit that file, not this one.
"""``pdfs``: ``POST /pdf/render`` and ``POST /pdf/multi-page``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pictify_ssg.client._effects import Effect
from pictify_ssg.client._models import PdfResult
from pictify_ssg.client._options import RequestOptions
from pictify_ssg.client._request import Endpoint, to_wire, to_wire_deep
from pictify_ssg.client._resources._common import check_variable_sets, model_parser
from pictify_ssg.client._resources._sync._resource import SyncResource
from pictify_ssg.client._types import NOT_GIVEN, NotGiven, TimeoutTypes

_parse_pdf = model_parser(PdfResult, "pdf")


class Pdfs(SyncResource):
    """PDFs rendered from saved templates.

    Every method also takes ``timeout=`` (seconds, an ``httpx.Timeout``, or ``None`` for no
    limit), ``max_retries=`` and ``extra_headers=`` for that one call. ``multi_page`` is a long
    operation: unless a timeout is configured, its answer may take 120 s.
    """

    def render(
        self,
        *,
        template_uid: str,
        variables: Mapping[str, Any] | None = None,
        options: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> PdfResult:
        """Render a one-page PDF (``POST /pdf/render``).

        Args:
            template_uid: Template to render (wire: ``templateUid``).
            variables: Template variables (sent unchanged).
            options: ``preset`` (``A4``...), ``margins``, ``landscape``, ``print_background``...;
                keys are camelCased.
            idempotency_key: Reused on every retry; generated when omitted.
            timeout: This call's timeout (default: the client's).
            max_retries: This call's retries (default: the client's).
            extra_headers: Headers sent with this call only.

        Returns:
            The PDF (``pdf["url"]``, ``pdf.page_count``).
        """
        body = to_wire(
            {
                "template_uid": template_uid,
                "variables": variables,
                "options": to_wire_deep(options) if options else None,
            }
        )
        return self._client._request(
            Endpoint(
                "POST",
                "/pdf/render",
                _parse_pdf,
                body=body,
                idempotency_key=idempotency_key,
                effect=Effect.BILLED,
            ),
            RequestOptions.of(timeout, max_retries, extra_headers),
        )

    def multi_page(
        self,
        *,
        template_uid: str,
        variable_sets: Sequence[Mapping[str, Any]],
        options: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
    ) -> PdfResult:
        """Render one PDF with a page per variable set (``POST /pdf/multi-page``).

        Args:
            template_uid: Template to render.
            variable_sets: 1 to 100 sets of variables, one page each.
            options: As for :meth:`render`.
            idempotency_key: Reused on every retry; generated when omitted.
            timeout: This call's timeout (default: the client's, else 120 s to read).
            max_retries: This call's retries (default: the client's).
            extra_headers: Headers sent with this call only.

        Raises:
            ValueError: For an empty list or more than 100 sets.
        """
        body = to_wire(
            {
                "template_uid": template_uid,
                "variable_sets": check_variable_sets(variable_sets),
                "options": to_wire_deep(options) if options else None,
            }
        )
        return self._client._request(
            Endpoint(
                "POST",
                "/pdf/multi-page",
                _parse_pdf,
                body=body,
                idempotency_key=idempotency_key,
                effect=Effect.BILLED,
                long_running=True,  # up to 100 pages rendered in one request
            ),
            RequestOptions.of(timeout, max_retries, extra_headers),
        )
