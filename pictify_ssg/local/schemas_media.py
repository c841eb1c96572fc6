"""Request bodies of the GIF, PDF, canvas and agent-screenshot endpoints (camelCase on the wire).

Kept beside `schemas` (same base, same rules: unknown fields ignored, failures are 422s naming
each field) so that module stays about templates and images.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from pictify_ssg.local.gif_frames import GifQuality
from pictify_ssg.local.pdf_print import MM_PER_INCH, PAPER_SIZES_MM, PaperSpec, length_inches
from pictify_ssg.local.pdf_print import preset_name as canonical_preset
from pictify_ssg.local.schemas import (
    MAX_VARIABLE_SETS,
    Dimension,
    SourceBody,
    VariableDefinition,
    _Body,
    check_http_url,
    image_format,
)

MAX_GIF_DIMENSION = 2000
"""The hosted API documents 1-2000 for GIF sizes (every frame is a full screenshot)."""

GifDimension = Annotated[int, Field(ge=1, le=MAX_GIF_DIMENSION)]
Length = Annotated[float, Field(ge=0)] | Annotated[str, Field(max_length=32)]
VariableSets = Annotated[list[dict[str, Any]], Field(min_length=1, max_length=MAX_VARIABLE_SETS)]

MAX_PAPER_INCHES = 200.0
"""Largest custom paper side (Chromium's own limit is higher; no document needs more)."""


class GifRequest(SourceBody):
    """``POST /gif``: exactly one of ``html``, ``url``, ``template``."""

    width: GifDimension = 800
    height: GifDimension = 600
    quality: GifQuality = "medium"
    frames_per_second: Annotated[int, Field(ge=1, le=30)] | None = None


class GifCaptureRequest(_Body):
    """``POST /gif/capture``: film a live page for ``frameDurationSeconds`` seconds."""

    url: str
    width: GifDimension = 1280
    height: GifDimension = 720
    quality: GifQuality = "medium"
    # The total recording time, as the MCP tools and the docs describe it (the old backend
    # used it as a per-frame time; wire notes, conflict C16).
    frame_duration_seconds: Annotated[float, Field(ge=1, le=30)] = 3.0

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        checked = check_http_url(value)
        assert checked is not None
        return checked


def _length(value: float | str, field: str) -> float:
    try:
        return length_inches(value)
    except ValueError as exc:
        raise ValueError(f"{field}: {exc}") from None


class PdfMargins(_Body):
    """Margins: numbers are CSS pixels; strings may name a unit (``"12mm"``, ``"0.5in"``)."""

    top: Length = 0
    right: Length = 0
    bottom: Length = 0
    left: Length = 0

    def inches(self) -> tuple[float, float, float, float]:
        """Top, right, bottom, left in inches."""
        return (
            _length(self.top, "top"),
            _length(self.right, "right"),
            _length(self.bottom, "bottom"),
            _length(self.left, "left"),
        )


class PdfCustomSize(_Body):
    """Paper size for ``preset: "custom"``: numbers are CSS pixels, strings may name a unit."""

    width: Length
    height: Length


class PdfOptions(_Body):
    """``options`` of the PDF endpoints."""

    preset: Annotated[str, Field(min_length=1, max_length=40)] | None = None
    custom_size: PdfCustomSize | None = None
    margins: PdfMargins | None = None
    landscape: bool = False
    print_background: bool = True
    scale: Annotated[float, Field(ge=0.1, le=2)] = 1.0
    title: Annotated[str, Field(max_length=500)] | None = None

    @model_validator(mode="after")
    def _check(self) -> PdfOptions:
        self.paper()  # raises ValueError for a bad preset, size or margins
        return self

    def paper(self, default: PaperSpec | None = None) -> PaperSpec:
        """The paper these options describe (``default``, else A4, when no preset is named).

        Raises:
            ValueError: Unknown preset, ``custom`` without ``customSize``, a side out of
                range, or margins that leave nothing to print on.
        """
        if self.custom_size is not None and self.preset in (None, "custom"):
            width = _length(self.custom_size.width, "customSize.width")
            height = _length(self.custom_size.height, "customSize.height")
            if not (0 < width <= MAX_PAPER_INCHES and 0 < height <= MAX_PAPER_INCHES):
                raise ValueError(
                    f"customSize sides must be above 0 and at most {MAX_PAPER_INCHES} in"
                )
        elif self.preset is None and default is not None:
            width, height = default.width, default.height
        else:
            width, height = _preset_inches(self.preset or "A4")
        if self.landscape:
            width, height = max(width, height), min(width, height)
        margins = self.margins.inches() if self.margins is not None else (0.0, 0.0, 0.0, 0.0)
        top, right, bottom, left = margins
        if left + right >= width or top + bottom >= height:
            raise ValueError("margins leave no room on the page")
        return PaperSpec(width, height, margins, self.print_background, self.scale, self.title)

    def or_preset(self, preset: object) -> PdfOptions:
        """These options, with ``preset`` (a template's ``pdfPreset``) when none is named.

        A stored preset the server does not know is ignored (templates accept any string).
        """
        if self.preset is not None or self.custom_size is not None:
            return self
        known = canonical_preset(preset) if isinstance(preset, str) else None
        return self if known is None else self.model_copy(update={"preset": known})

    @property
    def preset_label(self) -> str:
        """The preset named in the response."""
        if self.custom_size is not None and self.preset in (None, "custom"):
            return "custom"
        return canonical_preset(self.preset or "A4") or "A4"


def _preset_inches(name: str) -> tuple[float, float]:
    known = canonical_preset(name)
    if known is None:
        if name.lower() == "custom":
            raise ValueError("preset 'custom' needs customSize {width, height}")
        raise ValueError(f"unknown preset {name!r}; use one of {', '.join(PAPER_SIZES_MM)}")
    width, height = PAPER_SIZES_MM[known]
    return width / MM_PER_INCH, height / MM_PER_INCH


class PdfRenderRequest(_Body):
    """``POST /pdf/render``."""

    template_uid: Annotated[str, Field(min_length=1)]
    variables: dict[str, Any] = Field(default_factory=dict)
    options: PdfOptions = Field(default_factory=PdfOptions)


class PdfMultiPageRequest(_Body):
    """``POST /pdf/multi-page``: one page per variable set."""

    template_uid: Annotated[str, Field(min_length=1)]
    variable_sets: VariableSets
    options: PdfOptions = Field(default_factory=PdfOptions)


class CanvasRequest(_Body):
    """``POST /image/canvas``: render FabricJS JSON without saving a template."""

    fabric_js_data: dict[str, Any] = Field(alias="fabricJSData")
    variables: dict[str, Any] = Field(default_factory=dict)
    variable_definitions: list[VariableDefinition] | None = None
    width: Dimension | None = None
    height: Dimension | None = None
    file_extension: str = "png"

    @property
    def output_format(self) -> Literal["png", "jpeg", "webp"]:
        """The output format; unknown extensions become PNG, as for ``POST /image``."""
        return image_format(self.file_extension)


class AgentScreenshotRequest(_Body):
    """``POST /image/agent-screenshot`` (validated, then refused: no agent runs locally)."""

    prompt: Annotated[str, Field(min_length=1, pattern=r"\S")]
    width: Dimension | None = None
    height: Dimension | None = None
