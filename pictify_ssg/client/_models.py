"""Response models for generation, templates and batches (wire notes §6)."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import AliasChoices, Field, model_validator

from ._model_base import PictifyModel
from ._model_types import Timestamp, WireId, split_error

TERMINAL_BATCH_STATUSES = frozenset({"completed", "partial", "failed", "cancelled"})


class ImageResult(PictifyModel):
    """A rendered image (``POST /image``, canvas, agent screenshot, ``GET /image/{uid}``)."""

    url: str
    id: WireId | None = Field(default=None, validation_alias=AliasChoices("id", "uid"))
    created_at: Timestamp | None = None
    width: int | None = None
    height: int | None = None
    format: str | None = None


class Gif(PictifyModel):
    """A GIF, unwrapped from the ``{"gif": {...}}`` envelope.

    ``animation_length`` is in milliseconds for ``POST /gif`` and seconds for ``/gif/capture``
    (wire notes, conflict C15): kept as sent.
    """

    url: str
    uid: WireId | None = None
    width: int | None = None
    height: int | None = None
    animation_length: float | None = None
    created_at: Timestamp | None = None

    item_aliases: ClassVar[dict[str, str]] = {"id": "uid"}


class PdfResult(PictifyModel):
    """A rendered PDF (``POST /pdf/render``, ``/pdf/multi-page``)."""

    url: str
    id: WireId | None = None
    success: bool | None = None
    page_count: int | None = None
    preset: str | None = None
    page_size: dict[str, Any] | None = None
    created_at: Timestamp | None = None


class RenderedImage(PictifyModel):
    """One layout rendered by ``POST /templates/{uid}/render``."""

    url: str | None = None
    width: int | None = None
    height: int | None = None
    format: str | None = None
    layout: str | None = None
    name: str | None = None
    id: WireId | None = None
    created_at: Timestamp | None = None


class RenderError(PictifyModel):
    """A layout that failed inside an otherwise successful render (HTTP 200).

    ``error`` is the message; when the server sends an object ``{message, code}`` the code is
    in ``error_code`` and the object in ``error_details``.
    """

    layout: str | None = None
    error: str | None = None
    error_code: WireId | None = None
    error_details: dict[str, Any] | None = None

    @model_validator(mode="before")
    @classmethod
    def _error_object(cls, data: Any) -> Any:
        return split_error(data)


class RenderResult(PictifyModel):
    """The ``results[]`` envelope of ``POST /templates/{uid}/render``.

    ``result["url"]`` (and ``result.url``) give the first result's URL, as the SDK examples use.
    """

    results: list[RenderedImage] = Field(default_factory=list)
    errors: list[RenderError] = Field(default_factory=list)
    total_layouts: int | None = None
    total_rendered: int | None = None
    total_errors: int | None = None
    template_uid: WireId | None = None

    item_aliases: ClassVar[dict[str, str]] = {"url": "first_url"}

    @model_validator(mode="before")
    @classmethod
    def _accept_flat_answer(cls, data: Any) -> Any:
        # Older docs show a flat {url, id, ...} answer (wire notes, conflict C2): read it as
        # a one-result envelope instead of failing.
        if isinstance(data, dict) and "results" not in data and isinstance(data.get("url"), str):
            return {"results": [data]}
        return data

    @property
    def first_url(self) -> str | None:
        """URL of the first rendered layout, if any."""
        return self.results[0].url if self.results else None

    @property
    def url(self) -> str | None:
        """Alias of :attr:`first_url`."""
        return self.first_url

    def _lookup(self, key: str) -> Any:
        if key == "first_url":
            return self.first_url
        return super()._lookup(key)


class TemplateVariableDefinition(PictifyModel):
    """A declared template variable."""

    name: str
    type: str | None = None
    default_value: Any = None
    description: str | None = None
    validation: dict[str, Any] | None = None


class Template(PictifyModel):
    """A saved template, unwrapped from ``{"template": {...}}``."""

    uid: WireId
    name: str | None = None
    html: str | None = None
    width: int | None = None
    height: int | None = None
    engine: str | None = None
    output_format: str | None = None
    variables: list[str] = Field(default_factory=list)
    variable_definitions: list[TemplateVariableDefinition] | None = None
    layouts: dict[str, Any] | None = None
    thumbnail: str | None = None
    created_at: Timestamp | None = None
    updated_at: Timestamp | None = None

    item_aliases: ClassVar[dict[str, str]] = {"id": "uid"}


class TemplateVariables(PictifyModel):
    """Result of ``GET /templates/{uid}/variables``."""

    template_uid: WireId | None = None
    template_name: str | None = None
    variables: list[TemplateVariableDefinition] = Field(default_factory=list)


class BatchJob(PictifyModel):
    """A batch render accepted with 202, or the answer to a cancel.

    ``job["id"]`` works too (the SDK docs read ``batch['id']``); the wire field is ``batchId``.
    """

    batch_id: WireId = Field(validation_alias=AliasChoices("batchId", "batch_id", "id"))
    status: str | None = None
    total_items: int | None = None
    message: str | None = None

    item_aliases: ClassVar[dict[str, str]] = {"id": "batch_id"}


class BatchItem(PictifyModel):
    """One item of a batch.

    ``variables`` is what the server sent: the list of variable *names* used (hosted API) or
    the ``{name: value}`` object of the documented batch item; :attr:`variable_names` reads
    both. ``error`` is the message (an object ``{message, code}`` is split into ``error``,
    ``error_code`` and ``error_details``). The hosted API sends no per-item URL (wire notes,
    conflict C3); ``url``/``width``/``height`` are filled when a server sends them.
    """

    index: int | None = None
    success: bool | None = None
    variables: list[str] | dict[str, Any] | None = None
    error: str | None = None
    error_code: WireId | None = None
    error_details: dict[str, Any] | None = None
    url: str | None = None
    width: int | None = None
    height: int | None = None

    @model_validator(mode="before")
    @classmethod
    def _error_object(cls, data: Any) -> Any:
        return split_error(data)

    @property
    def variable_names(self) -> list[str]:
        """Names of the item's variables, whichever shape ``variables`` came in."""
        if isinstance(self.variables, dict):
            return [str(name) for name in self.variables]
        return list(self.variables or [])


class BatchResults(PictifyModel):
    """Progress and per-item outcome of a batch (``GET /templates/batch/{id}/results``)."""

    batch_id: WireId = Field(validation_alias=AliasChoices("batchId", "batch_id", "id"))
    status: str | None = None
    progress: float | None = None
    total_items: int | None = None
    completed_items: int | None = None
    failed_items: int | None = None
    results: list[BatchItem] = Field(default_factory=list)
    errors: list[BatchItem] = Field(default_factory=list)
    created_at: Timestamp | None = None
    started_at: Timestamp | None = None
    completed_at: Timestamp | None = None

    item_aliases: ClassVar[dict[str, str]] = {"id": "batch_id"}

    @property
    def is_terminal(self) -> bool:
        """True once the status is completed, partial, failed or cancelled."""
        return self.status in TERMINAL_BATCH_STATUSES
