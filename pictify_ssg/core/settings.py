"""The one settings model both adapters validate their configuration into."""

from __future__ import annotations

import difflib
import functools
import itertools
import os
import re
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from pictify_ssg.core.errors import SettingsError

_SECRET_FIELDS = frozenset({"api_key"})
_NUMBER_FIELDS = (
    *("width", "height", "quality", "cache_max_age_days", "batch_size", "direct_threshold"),
    *("concurrency", "timeout", "title_max_length", "description_max_length", "size_warning_kb"),
)
#: pydantic's wording for a few error types, in the words of a config file.
_FRIENDLY = {
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "path_type": "must be a folder or file path (text)",
    "string_type": "must be text",
    "list_type": "must be a list (or one text value)",
    "dict_type": "must be a mapping of name: value",
}
_VARIABLE_NAME = re.compile(r"^[A-Za-z_][\w.-]*$")
#: What to write instead of an empty path, per option.
_EMPTY_PATH = {
    "template_file": "is empty; name the card template, e.g. card.html (relative to the site "
    "config folder), or remove the option to use the built-in design",
    "fallback_image": "is empty; name an image file (relative to the site config folder) or "
    "an https:// URL, or remove the option",
    "cache_dir": "is empty; name a folder such as .cache/pictify (the default), or remove the "
    "option",
}


def _api_key_from_env() -> SecretStr | None:
    value = os.environ.get("PICTIFY_API_KEY", "").strip()
    return SecretStr(value) if value else None


def _as_list(value: Any) -> Any:
    """Accept a single glob where a list is expected (``exclude: drafts/**``)."""
    if isinstance(value, str):
        return [value]
    return value


def _http_url(value: str | None, what: str) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if not re.match(r"^https?://[^/\s]+", value):
        raise ValueError(f"{what} must be an absolute http(s) URL like https://example.org/")
    return value


class Settings(BaseModel):
    """Settings of the pictify social-card pipeline (shared by the MkDocs and Pelican plugins).

    Build it with :meth:`from_mapping` to get friendly error messages.
    """

    # Field docstrings are read on demand by field_descriptions(), not by pydantic's
    # use_attribute_docstrings: that parses this module's source on every import, a cost
    # every build would pay for text only documentation needs.
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        validate_default=True,
    )

    enabled: bool = True
    """Turn card generation on or off (off: pages get no card and no tags)."""

    backend: Literal["auto", "hosted", "local", "skip"] = "auto"
    """Where cards are rendered: ``hosted`` (the Pictify API), ``local`` (the embedded
    Chromium server), ``skip`` (no rendering; cached cards only), or ``auto`` (hosted when an
    API key is set, else local, else skip with one warning)."""

    api_key: SecretStr | None = Field(
        default_factory=_api_key_from_env, repr=False, validate_default=True
    )
    """Pictify API key. Defaults to the ``PICTIFY_API_KEY`` environment variable; prefer the
    environment over writing it in a config file. Never logged, cached or written out."""

    base_url: str | None = None
    """Base URL of the Pictify API (default: ``PICTIFY_BASE_URL`` or https://api.pictify.io)."""

    renderer_hosts: list[str] = Field(default_factory=list)
    """Hosts the local renderer may fetch card resources from over https, e.g.
    ``fonts.googleapis.com`` and ``fonts.gstatic.com`` for web fonts (``*.example.com``
    matches subdomains). By default a card renders from its HTML and inlined images alone,
    with no network at all; private and loopback addresses stay closed even for listed hosts.
    The hosted API fetches resources itself and ignores this."""

    template: str | None = None
    """Uid of a Pictify template to render cards with. Its version (``updatedAt``) is checked
    once per build so edits in the Pictify editor refresh every card."""

    template_file: Path | None = None
    """A local HTML (Handlebars) file used as the card template, relative to the site config.
    The Pictify template is created or updated from it, keyed by its content hash, so the card
    design is versioned with the site. Without ``template`` and ``template_file`` a built-in
    design is used."""

    layout: str = "default"
    """The built-in card design used without ``template`` and ``template_file``: ``default``
    (dark, accent stripe), ``accent`` (light, solid accent band), ``image`` (a background
    picture) or ``minimal`` (the title alone). A page picks another with ``pictify: {layout:
    accent}`` in its front matter (Pelican: ``Pictify_Layout: accent``). ``pictify-ssg init``
    copies a layout out as a starting template file."""

    layout_options: dict[str, str | None] = Field(default_factory=dict)
    """Options of the layouts: ``logo`` and ``background_image`` (an image file, relative to
    the config or docs folder, inlined into the card; or a URL), ``background``, ``accent``
    and ``text`` (CSS colours) and ``font`` (a font family). MkDocs takes the theme's logo,
    mkdocs-material palette and text font by default, Pelican ``SITELOGO``; set an option to
    null to drop the theme's value."""

    width: int = Field(default=1200, ge=1, le=4096)
    """Card width in pixels."""

    height: int = Field(default=630, ge=1, le=4096)
    """Card height in pixels."""

    format: Literal["png", "jpeg", "webp"] = "png"
    """Image format: ``png``, ``jpeg`` (``jpg`` accepted) or ``webp``. JPEG is much smaller;
    some platforms do not show WebP."""

    quality: float = Field(default=0.9, ge=0.1, le=1.0)
    """Image quality from 0.1 to 1.0 (JPEG and WebP)."""

    png_optimize: Literal["palette", "lossless", "off"] = "palette"
    """How PNG cards are shrunk before they go into the site: ``palette`` (256 colours when
    that keeps them at 38 dB PSNR or better, which looks the same and is 3-20x smaller; else
    lossless), ``lossless`` (the same pixels, better compressed) or ``off`` (the renderer's
    bytes as they are)."""

    variables: dict[str, str | None] = Field(default_factory=dict)
    """Template variable -> Jinja2 text over ``page`` and ``site``, merged over the defaults
    (``title``, ``description``, ``site_name``, ``url``, ``section``, ``date``, ``author``,
    ``tags``, ``lang``). Example: ``title: "{{ page.title }} | {{ site.name }}"``. Set a
    variable to null to stop sending it."""

    include: list[str] = Field(default_factory=list)
    """Globs of source paths that get cards (``**`` crosses folders); empty means all pages."""

    allowed_dirs: list[Path] = Field(default_factory=list)
    """More folders (relative to the site config) whose files pages may name as their card
    template. Pages are untrusted: by default a page may only name files inside the site's
    own folders (the config folder and the docs or content folder), never hidden files,
    symlinks or hard links leading elsewhere. Add a folder here only if every file in it may
    end up in a public card."""

    exclude: list[str] = Field(default_factory=list)
    """Globs of source paths that never get cards, e.g. ``drafts/**``."""

    cache_dir: Path = Path(".cache/pictify")
    """Folder of the card cache, relative to the site config. Keep it between CI runs:
    with every card cached a build makes no render call."""

    cache_max_age_days: int = Field(default=30, ge=0)
    """Cached cards not used for this many days are pruned (0 keeps them forever)."""

    render_mode: Literal["auto", "batch", "direct"] = "auto"
    """How missing cards are rendered: ``direct`` (one call per card), ``batch`` (batch jobs),
    or ``auto`` (direct for a few, batches for many when the service returns image URLs in
    batch results)."""

    batch_size: int = Field(default=100, ge=1, le=100)
    """Cards per batch job (the API allows at most 100)."""

    direct_threshold: int = Field(default=10, ge=0)
    """In ``auto`` mode, up to this many missing cards are rendered with direct calls."""

    concurrency: int = Field(default=4, ge=1, le=64)
    """Maximum number of render requests (or batch jobs) in flight at once."""

    timeout: float = Field(default=120.0, gt=0)
    """Seconds to wait for one render request, and for one batch job to finish (it is
    cancelled after that)."""

    on_error: Literal["warn", "fail"] = "warn"
    """When a card cannot be made: ``warn`` keeps the page's previous card or the fallback
    image and the build succeeds; ``fail`` stops the build listing the failed pages."""

    fallback_image: str | None = None
    """Image used when a card cannot be made: a URL, or a file relative to the site config
    (copied into ``output_dir``)."""

    hosting: Literal["site", "pictify"] = "site"
    """``site``: card files are written into the built site (``output_dir``) under a hashed
    name; ``pictify``: pages point at the service's image URL (hosted backend only)."""

    output_dir: str = "assets/social"
    """Folder inside the built site where card files are written (``hosting: site``)."""

    site_url: str | None = None
    """Absolute URL of the published site; overrides the SSG's own ``site_url``/``SITEURL``.
    Social platforms need absolute image URLs."""

    meta_tags: bool = True
    """Produce ``og:*`` and ``twitter:*`` meta tags for the pages."""

    gallery: bool = False
    """Write ``<output_dir>/index.html``: every page with its card, to review the designs."""

    title_max_length: int = Field(default=90, ge=0)
    """Card titles longer than this are cut at a word with an ellipsis (0: no limit)."""

    description_max_length: int = Field(default=200, ge=0)
    """Card descriptions longer than this are cut at a word with an ellipsis (0: no limit)."""

    size_warning_kb: int = Field(default=300, ge=0)
    """Warn when a card file is larger than this many kilobytes (0: never)."""

    # -- validators -------------------------------------------------------------------------

    @field_validator("renderer_hosts", mode="before")
    @classmethod
    def _host_names(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            return value
        return [_host_pattern(item) for item in value]

    @field_validator("format", mode="before")
    @classmethod
    def _format_alias(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().lower()
            return "jpeg" if value == "jpg" else value
        return value

    @field_validator(*_NUMBER_FIELDS, mode="before")
    @classmethod
    def _no_bool_numbers(cls, value: Any) -> Any:
        # pydantic reads true as 1: "width: true" would quietly make 1-pixel cards.
        if isinstance(value, bool):
            raise ValueError("must be a number, not true/false")
        return value

    @field_validator("api_key", mode="before")
    @classmethod
    def _empty_key(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("api_key")
    @classmethod
    def _header_safe_key(cls, value: SecretStr | None) -> SecretStr | None:
        # Checked here, not at the first request: there the failure is an "'ascii' codec"
        # error from deep inside the HTTP stack that seems to blame the template.
        key = value.get_secret_value() if value is not None else ""
        if any(not (33 <= ord(char) <= 126) for char in key.strip()):
            raise ValueError(
                "the key contains characters an HTTP header cannot carry (non-ASCII or spaces, "
                "such as a curly quote or a non-breaking space copied along with it); copy the "
                "key again into PICTIFY_API_KEY or the api_key option"
            )
        return SecretStr(key.strip()) if value is not None else None

    @field_validator("template", mode="before")
    @classmethod
    def _template_uid(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip() or None
            if value and (value.lower().endswith((".html", ".htm", ".hbs")) or "/" in value):
                raise ValueError(
                    f"{value!r} looks like a file; use 'template_file' for a local template "
                    "('template' is a Pictify template uid)"
                )
        return value

    @field_validator("template_file", "fallback_image", "cache_dir", mode="before")
    @classmethod
    def _not_empty_path(cls, value: Any, info: ValidationInfo) -> Any:
        # An empty path is the config folder itself: the file options would then report "is
        # a folder", and cache_dir would scatter the cache among the site's own files.
        if isinstance(value, str) and not value.strip():
            raise ValueError(_EMPTY_PATH[info.field_name or ""])
        return value

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str | None) -> str | None:
        url = _http_url(value, "base_url")
        return url.rstrip("/") if url else None

    @field_validator("site_url")
    @classmethod
    def _site_url(cls, value: str | None) -> str | None:
        return _http_url(value, "site_url")

    @field_validator("layout", mode="before")
    @classmethod
    def _layout(cls, value: Any) -> Any:
        from pictify_ssg.core.layouts import check_layout_name

        return check_layout_name(value)

    @field_validator("layout_options", mode="before")
    @classmethod
    def _layout_options(cls, value: Any) -> Any:
        from pictify_ssg.core.layouts import check_layout_options

        if isinstance(value, Mapping):
            checked: dict[str, str | None] = dict(check_layout_options(value))
            checked.update({str(k): None for k, v in value.items() if v is None})
            return checked
        return value

    @field_validator("include", "exclude", mode="before")
    @classmethod
    def _globs(cls, value: Any) -> Any:
        return _as_list(value)

    @field_validator("output_dir")
    @classmethod
    def _output_dir(cls, value: str) -> str:
        path = PurePosixPath(value.replace("\\", "/").strip())
        if path.is_absolute() or ".." in path.parts or not path.parts:
            raise ValueError("must be a relative folder inside the built site, e.g. assets/social")
        return path.as_posix()

    @field_validator("variables")
    @classmethod
    def _variables(cls, value: dict[str, str | None]) -> dict[str, str | None]:
        from pictify_ssg.core.variables import check_expression

        for name, expression in value.items():
            if not _VARIABLE_NAME.match(name):
                raise ValueError(f"{name!r} is not a valid template variable name")
            if expression is not None:
                problem = check_expression(expression)
                if problem:
                    raise ValueError(f"{name!r}: {problem}")
        return value

    @model_validator(mode="after")
    def _one_template(self) -> Settings:
        if self.template and self.template_file:
            raise ValueError("set either 'template' (a Pictify uid) or 'template_file', not both")
        return self

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def from_mapping(
        cls, raw: Mapping[str, Any], *, source: str = "mkdocs.yml plugins.pictify"
    ) -> Settings:
        """Validate raw configuration into settings.

        A ``None`` value (an empty YAML entry) means "the default".

        Args:
            raw: Option name -> value, as read from the site configuration.
            source: Where the options came from, used in error messages.

        Raises:
            SettingsError: Listing every bad option and what to do about it.
        """
        values = {key: value for key, value in raw.items() if value is not None}
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            raise SettingsError(
                [_describe(error) for error in exc.errors(include_url=False)], source=source
            ) from None

    def check_files(self, config_dir: Path, *, source: str = "mkdocs.yml plugins.pictify") -> None:
        """Fail fast when a file named by the settings is missing (call it at start-up).

        Args:
            config_dir: The folder relative paths start from (next to the site config).
            source: Where the options came from, used in the message.

        Raises:
            SettingsError: Naming each missing file and where it was looked for.
        """
        problems = []
        files = {"template_file": self.template_file, "fallback_image": self.fallback_image}
        for name, value in files.items():
            if value is None or (isinstance(value, str) and "://" in value):
                continue
            path = resolve_path(config_dir, value)
            if path.is_dir():
                problems.append(f"option '{name}': {path} is a folder; name a file in it")
            elif not path.is_file():
                problems.append(
                    f"option '{name}': file {path} does not exist (relative paths start at "
                    f"{config_dir})"
                )
        for folder in self.allowed_dirs:
            path = resolve_path(config_dir, folder)
            if not path.is_dir():
                problems.append(
                    f"option 'allowed_dirs': {path} is not a folder (relative paths start at "
                    f"{config_dir})"
                )
        if problems:
            raise SettingsError(problems, source=source)

    def __repr_args__(self) -> Any:
        # The key never shows up in reprs, not even masked, so nobody learns whether it is set
        # from a log line alone.
        return [(k, v) for k, v in super().__repr_args__() if k not in _SECRET_FIELDS]


def _host_pattern(item: object) -> str:
    """One ``renderer_hosts`` entry, normalised by the rule the local renderer applies."""
    from pictify_ssg.local.network_policy import normalise_host_pattern

    try:
        return normalise_host_pattern(str(item))
    except ValueError:
        raise ValueError(
            f"{item!r} is not a host name; write e.g. 'fonts.gstatic.com' or "
            "'*.example.com' (no scheme, path or port)"
        ) from None


def resolve_path(config_dir: Path, value: str | Path) -> Path:
    """A settings path made absolute: relative paths start at the site config folder."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else (config_dir / path).resolve()


def _describe(error: ErrorDetails) -> str:
    """One friendly line for one pydantic error."""
    loc = [str(part) for part in error["loc"]]
    name = loc[0] if loc else ""
    if error["type"] == "extra_forbidden":
        options = list(Settings.model_fields)
        guess = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
        if guess:
            return f"unknown option '{name}' (did you mean '{guess[0]}'?)"
        return f"unknown option '{name}'; known options: {', '.join(options)}"
    message = _FRIENDLY.get(error["type"]) or error["msg"].removeprefix("Value error, ")
    message = message.replace("Input should be", "must be")
    if not loc:
        return message
    where = ".".join(loc)
    if name in _SECRET_FIELDS:
        return f"option '{where}': {message}"
    shown = repr(error.get("input"))
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"option '{where}': {message} (got {shown})"


@functools.lru_cache(maxsize=1)
def field_descriptions() -> dict[str, str]:
    """Option name -> its documentation (the docstring under the field), for adapters
    generating docs and option lists."""
    import ast  # only documentation needs the parser
    import inspect

    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.ClassDef) and node.name == Settings.__name__):
            continue
        for field, text in itertools.pairwise(node.body):
            if (
                isinstance(field, ast.AnnAssign)
                and isinstance(field.target, ast.Name)
                and isinstance(text, ast.Expr)
                and isinstance(text.value, ast.Constant)
                and isinstance(text.value.value, str)
            ):
                found[field.target.id] = inspect.cleandoc(text.value.value)
    return {name: found.get(name, "") for name in Settings.model_fields}
