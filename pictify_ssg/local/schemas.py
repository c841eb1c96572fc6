"""Request bodies the server accepts, validated by pydantic (camelCase on the wire).

The server keeps its own request models rather than sharing the client's: the client models
describe what the hosted API returns, these describe what this server is willing to accept.
Unknown fields are ignored, as the hosted API does.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic.alias_generators import to_camel
from starlette.requests import Request

from pictify_ssg.local.api_errors import ApiError, validation_failed
from pictify_ssg.local.json_body import parse_json

MAX_DIMENSION = 4096
MAX_HTML_BYTES = 500 * 1024
MAX_LAYOUTS = 20
MAX_VARIABLE_SETS = 100
LAYOUT_KEY_PATTERN = r"^[a-z0-9-]{1,64}$"

Dimension = Annotated[int, Field(ge=1, le=MAX_DIMENSION)]
Quality = Annotated[float, Field(ge=0.1, le=1.0)]
LayoutKey = Annotated[str, Field(pattern=LAYOUT_KEY_PATTERN)]


class _Body(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True
    )


class VariableDefinition(BaseModel):
    """A declared template variable; engine-specific keys are kept as they are."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    name: Annotated[str, Field(min_length=1, max_length=200)]
    type: str = "text"
    default_value: Any = Field(default="", alias="defaultValue")
    description: str | None = None
    validation: dict[str, Any] | None = None


def _check_html_size(html: str | None) -> str | None:
    # ApiError is not a ValueError, so pydantic lets it through as the 413 it is.
    if html is not None and len(html.encode("utf-8", "surrogatepass")) > MAX_HTML_BYTES:
        raise ApiError(413, "Template HTML exceeds 500 KB", "TEMPLATE_TOO_LARGE")
    return html


class LayoutSpec(_Body):
    """A layout variant: another size (and optionally other HTML) of the same template."""

    name: str | None = None
    width: Dimension | None = None
    height: Dimension | None = None
    html: str | None = None

    @field_validator("html")
    @classmethod
    def _html_size(cls, value: str | None) -> str | None:
        # A layout's own HTML is a template too: the same 500 KB bound applies.
        return _check_html_size(value)


class TemplateFields(_Body):
    """Fields shared by template create and update (all optional here)."""

    name: Annotated[str, Field(max_length=500)] | None = None
    html: str | None = None
    engine: Literal["html"] | None = None
    width: Dimension | None = None
    height: Dimension | None = None
    variable_definitions: list[VariableDefinition] | None = None
    variables: list[str] | None = None
    output_format: Literal["image", "pdf"] | None = None
    js_enabled: bool | None = None
    strict_variables: bool | None = None
    type: str | None = None
    category: str | None = None
    tags: list[str] | None = None
    layouts: Annotated[dict[LayoutKey, LayoutSpec], Field(max_length=MAX_LAYOUTS)] | None = None
    pdf_preset: str | None = None

    @field_validator("engine", mode="before")
    @classmethod
    def _only_html(cls, value: object) -> object:
        if value == "fabric":
            raise ValueError("the local server supports only engine 'html' (fabric is retired)")
        return value


class TemplateCreate(TemplateFields):
    """``POST /templates``."""

    html: str

    @model_validator(mode="before")
    @classmethod
    def _needs_html(cls, data: Any) -> Any:
        if isinstance(data, dict) and "html" not in data and "fabricJSData" in data:
            raise ValueError("fabricJSData templates are not supported; send 'html'")
        return data


class TemplateUpdate(TemplateFields):
    """``PUT /templates/{uid}`` (partial update)."""


def _only(source: str) -> dict[str, Any]:
    """JSON Schema for "``source`` is a string and the other two sources are absent or null"."""
    others = {name: {"type": "null"} for name in ("html", "url", "template") if name != source}
    return {"required": [source], "properties": {source: {"type": "string"}, **others}}


class SourceBody(_Body):
    """A body naming exactly one source: ``html``, ``url`` or a saved ``template``."""

    # The one-source rule of `_one_source`, stated in the JSON Schema too (for the OpenAPI
    # document, so clients and the fuzzer know it).
    model_config = ConfigDict(
        json_schema_extra={"oneOf": [_only(name) for name in ("html", "url", "template")]}
    )

    html: str | None = None
    url: str | None = None
    template: str | None = None
    variables: dict[str, Any] = Field(default_factory=dict)
    selector: Annotated[str, Field(min_length=1)] | None = None

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        return check_http_url(value)

    @model_validator(mode="after")
    def _one_source(self) -> SourceBody:
        given = [name for name in ("html", "url", "template") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError("exactly one of 'html', 'url' or 'template' is required")
        return self


def check_http_url(value: str | None) -> str | None:
    """``value`` when it is an absolute http(s) URL (or ``None``); a ValueError otherwise."""
    if value is not None:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("url must be an absolute http(s) URL")
    return value


class ImageRequest(SourceBody):
    """``POST /image``: exactly one of ``html``, ``url``, ``template``."""

    width: Dimension = 1280
    height: Dimension = 720
    file_extension: str = "png"

    @property
    def output_format(self) -> Literal["png", "jpeg", "webp"]:
        """The output format; unknown extensions become PNG, as on the hosted API."""
        return image_format(self.file_extension)


def image_format(file_extension: str) -> Literal["png", "jpeg", "webp"]:
    """The image format of a ``fileExtension``; unknown ones become PNG, as on the hosted API."""
    ext = file_extension.lower()
    if ext in ("jpg", "jpeg"):
        return "jpeg"
    if ext == "webp":
        return "webp"
    return "png"


class RenderRequest(_Body):
    """``POST /templates/{uid}/render``."""

    variables: dict[str, Any] = Field(default_factory=dict)
    format: Literal["png", "jpg", "jpeg", "webp", "pdf"] = "png"
    quality: Quality = 0.9
    width: Dimension | None = None
    height: Dimension | None = None
    layout: LayoutKey | None = None
    layouts: Annotated[list[LayoutKey], Field(min_length=1, max_length=MAX_LAYOUTS)] | None = None
    # With format "pdf": one page per set (instead of `variables`) on `preset` paper.
    variable_sets: (
        Annotated[list[dict[str, Any]], Field(min_length=1, max_length=MAX_VARIABLE_SETS)] | None
    ) = None
    preset: Annotated[str, Field(min_length=1, max_length=40)] | None = None


class BatchRequest(_Body):
    """``POST /templates/{uid}/batch-render``."""

    variable_sets: Annotated[
        list[dict[str, Any]], Field(min_length=1, max_length=MAX_VARIABLE_SETS)
    ]
    format: Literal["png", "jpg", "jpeg", "webp"] = "png"
    quality: Quality = 0.9
    concurrency: Annotated[int, Field(ge=1, le=10)] = 5
    layout: LayoutKey | None = None
    layouts: Annotated[list[LayoutKey], Field(min_length=1, max_length=MAX_LAYOUTS)] | None = None
    webhook_url: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _no_csv(cls, data: Any) -> Any:
        if isinstance(data, dict) and "csvUrl" in data and "variableSets" not in data:
            raise ValueError("csvUrl batches are not supported by the local server")
        return data


ModelT = TypeVar("ModelT", bound=BaseModel)


async def parse_body(request: Request, model: type[ModelT]) -> ModelT:
    """Read and validate a JSON body; an empty body counts as ``{}``.

    The body size limit is enforced while it is read (see `body_limit`), so this never holds
    more than that limit in memory.

    Raises:
        ApiError: 400 for malformed or too deeply nested JSON, 422 for a body that fails
            validation, 413 for a body over the size limit or oversized template HTML.
    """
    raw = await request.body()
    data = parse_json(raw) if raw.strip() else {}
    if not isinstance(data, dict):
        raise ApiError(422, "Request body must be a JSON object", "VALIDATION_ERROR", errors=[])
    _check_html_size(data.get("html") if isinstance(data.get("html"), str) else None)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_failed(exc) from None
