"""Template identity: which template renders a card, and which version of it.

Two kinds:

* a Pictify template uid: its version is its ``updatedAt``, read once per build (one GET).
  When the service cannot be reached, the last version seen is used, with a warning.
* a local HTML file (``template_file`` or the built-in design): its version is the content
  hash, so no network is needed to fingerprint. The Pictify template is created (or updated)
  from the file only when a card has to be rendered, and remembered in the store.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pictify_ssg.core import cache_keys
from pictify_ssg.core.errors import PageError
from pictify_ssg.core.fingerprint import sha256_bytes
from pictify_ssg.core.site_files import read_file
from pictify_ssg.core.store import Store

if TYPE_CHECKING:
    from pictify_ssg.core.service import Service

log = logging.getLogger("pictify_ssg")

BUILTIN_TEMPLATE = Path(__file__).parent.parent / "layouts" / "default.html"

_MUSTACHE = re.compile(r"\{\{\{?(.*?)\}?\}\}", re.S)
_IDENT = re.compile(r"(?<![\w@.\"'])([A-Za-z_][\w-]*)")
_NOT_VARIABLES = frozenset({"this", "else", "true", "false", "null", "undefined", "as"})


def _read_names(html: str) -> tuple[frozenset[str], frozenset[str]]:
    """Names the template reads, and those it prints unescaped (``{{{ }}}``, ``{{& }}``)."""
    names: set[str] = set()
    raw: set[str] = set()
    for match in _MUSTACHE.finditer(html):
        inner = match.group(1).strip()
        if inner.startswith(("!", "/")):
            continue  # comments and block closers read nothing
        unescaped = match.group(0).startswith("{{{") or inner.lstrip("~ ").startswith("&")
        block = inner[:1] in {"#", "^"}
        inner = inner.lstrip("#^>&~ ").rstrip("~ ")
        inner = re.sub(r"\"[^\"]*\"|'[^']*'", " ", inner)  # string literals
        tokens = _IDENT.findall(inner)
        if block or len(tokens) > 1:
            tokens = tokens[1:] if inner.split()[:1] == tokens[:1] else tokens
        read = {t for t in tokens if t not in _NOT_VARIABLES}
        names.update(read)
        if unescaped:
            raw.update(read)
    return frozenset(names), frozenset(raw)


def handlebars_variables(html: str) -> frozenset[str]:
    """Names a Handlebars template may read (over-inclusive, never under-inclusive).

    Only variables a template reads are sent and fingerprinted, so a page change the design
    ignores (say, its date) does not re-render its card, and pages with the same visible text
    share one render. Helper names such as ``if`` are left out.
    """
    return _read_names(html)[0]


def handlebars_raw_variables(html: str) -> frozenset[str]:
    """Names a template prints unescaped (``{{{title}}}``, ``{{& title}}``, or through a helper
    inside triple braces); their values are reduced to inline formatting before sending (see
    `pictify_ssg.core.markup`). Over-inclusive, like `handlebars_variables`."""
    return _read_names(html)[1]


@dataclass(frozen=True)
class TemplateVersion:
    """A template as fingerprinted in this build.

    Attributes:
        key: Stable key of the template within the build (``"uid:..."`` or ``"file:..."``).
        identity: What goes into card fingerprints.
        variables: Names the template reads (``None``: unknown, send every variable).
        raw_variables: Names it prints unescaped (``None``: unknown, treat every one so).
        uid: The Pictify uid (for files: known only once the remote copy exists).
        html: The file's content (file templates only).
        path: The file (file templates only).
    """

    key: str
    identity: dict[str, str]
    variables: frozenset[str] | None
    uid: str | None = None
    raw_variables: frozenset[str] | None = None
    html: str | None = None
    path: Path | None = None


def load_file_template(path: Path, *, what: str, page_named: bool = False) -> TemplateVersion:
    """Read a template file and fingerprint its content.

    Args:
        path: The file; for a page-named template, the real path that
            `SiteFolders.page_file` checked.
        what: The setting or page asking, for messages.
        page_named: The path came from page content: read it under the stricter rules of
            `pictify_ssg.core.site_files.read_file`.

    Raises:
        PageError: When the file cannot be read (``what`` names the setting or page).
    """
    data = read_file(path, what=what, page_named=page_named)
    try:
        html = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PageError(
            f"{what}: the template file {path} is not UTF-8 text (byte {exc.start}); "
            "save it as UTF-8"
        ) from None
    if not html.strip():
        # The service would answer with an error about a missing "html" field.
        raise PageError(f"{what}: the template file {path} is empty; write the card's HTML in it")
    return TemplateVersion(
        key=f"file:{path}",
        identity={"file_sha256": sha256_bytes(data)},
        variables=handlebars_variables(html),
        raw_variables=handlebars_raw_variables(html),
        html=html,
        path=path,
    )


def remote_version(template: Any) -> TemplateVersion:
    """Identity of a template read from the service (``updatedAt``, else a content hash)."""
    uid = str(template.uid)
    version = template.updated_at or sha256_bytes(
        f"{template.html}|{template.width}|{template.height}".encode()
    )
    declared = set(template.variables or ())
    for definition in template.variable_definitions or ():
        declared.add(definition.name)
    html = template.html if isinstance(template.html, str) else None
    return TemplateVersion(
        key=f"uid:{uid}",
        identity={"uid": uid, "version": str(version)},
        variables=frozenset(declared) if declared else None,
        uid=uid,
        raw_variables=handlebars_raw_variables(html) if html is not None else None,
    )


def remember_version(store: Store, service: str, version: TemplateVersion) -> None:
    """Keep the version seen, for builds that cannot reach the service."""
    assert version.uid is not None
    store.set_json(
        cache_keys.template_version(service, version.uid),
        {
            "version": version.identity["version"],
            "variables": sorted(version.variables) if version.variables is not None else None,
            "raw_variables": (
                sorted(version.raw_variables) if version.raw_variables is not None else None
            ),
        },
    )


def last_known_version(store: Store, service: str, uid: str) -> TemplateVersion | None:
    """The version remembered by an earlier build, if any."""
    value = store.get_json(cache_keys.template_version(service, uid))
    if not isinstance(value, dict) or not isinstance(value.get("version"), str):
        return None
    names = value.get("variables")
    variables = frozenset(str(n) for n in names) if isinstance(names, list) else None
    raw = value.get("raw_variables")
    return TemplateVersion(
        key=f"uid:{uid}",
        identity={"uid": uid, "version": str(value["version"])},
        variables=variables,
        uid=uid,
        raw_variables=frozenset(str(n) for n in raw) if isinstance(raw, list) else None,
    )


def known_remote_uid(
    store: Store, service: str, account: str, version: TemplateVersion
) -> str | None:
    """The uid of the remote copy of a file template, when it matches the file's content."""
    assert version.path is not None
    record = store.get_json(cache_keys.template_file(service, account, version.path))
    if (
        isinstance(record, dict)
        and record.get("sha256") == version.identity["file_sha256"]
        and isinstance(record.get("uid"), str)
    ):
        return str(record["uid"])
    return None


def previous_remote_uid(store: Store, service: str, account: str, path: Path) -> str | None:
    """The uid of the remote copy made from an earlier content of the file, if any."""
    record = store.get_json(cache_keys.template_file(service, account, path))
    if isinstance(record, dict) and isinstance(record.get("uid"), str):
        return str(record["uid"])
    return None


def remember_remote_uid(
    store: Store, service: str, account: str, version: TemplateVersion, uid: str
) -> None:
    """Record that ``uid`` now holds the file's current content."""
    assert version.path is not None
    store.set_json(
        cache_keys.template_file(service, account, version.path),
        {"uid": uid, "sha256": version.identity["file_sha256"]},
    )


async def read_remote_version(
    open_service: Callable[[], Awaitable[Service]],
    store: Store,
    *,
    identity: str,
    uid: str,
    what: str,
    warn: Callable[[str], None],
) -> tuple[TemplateVersion, bool]:
    """Read a template's version from the service (one GET), falling back to the last one seen.

    Args:
        open_service: Opens the service (lazily: only needed when a uid template is used).
        store: Where versions are remembered.
        identity: The service identity.
        uid: The template uid.
        what: The setting or page asking, for messages.
        warn: Receives the fallback warning.

    Returns:
        The version, and whether it came from the store (``True``) or the service.

    Raises:
        PageError: Unknown template, refused key, or unreachable with no version remembered.
    """
    from pictify_ssg.client import exceptions as errors
    from pictify_ssg.core.failures import explain_error

    try:
        service = await open_service()
        template = await service.get_template(uid)
    except errors.NotFoundError:
        raise PageError(
            f"{what}: template '{uid}' does not exist on {identity}; check the uid"
        ) from None
    except Exception as exc:  # noqa: BLE001 - unreachable service: use the last version seen
        if isinstance(exc, errors.PictifyError) and exc.kind == "account":
            # The key or plan: using the last version seen would hide what the user must fix.
            raise PageError(f"{what}: {explain_error(exc)}") from None
        known = last_known_version(store, identity, uid)
        if known is None:
            raise PageError(
                f"{what}: cannot read template '{uid}' from {identity} ({exc}) "
                "and no earlier build saw it"
            ) from None
        warn(
            f"pictify: cannot check template '{uid}' on {identity} ({exc}); "
            "using the version seen by the last build"
        )
        return known, True
    version = remote_version(template)
    remember_version(store, identity, version)
    return version, False


async def ensure_remote_copy(
    service: Service, store: Store, template: TemplateVersion, *, width: int, height: int
) -> str:
    """The Pictify uid holding a file template's current content.

    Uses the remembered copy when its content hash matches; otherwise updates that copy (so
    one remote template follows the file), or creates one when there is none (or it is gone).
    """
    from pictify_ssg.client import exceptions as errors

    if template.uid is not None:
        return template.uid
    assert template.path is not None
    assert template.html is not None
    identity, account = service.identity, service.account
    uid = known_remote_uid(store, identity, account, template)
    if uid is not None:
        return uid
    previous = previous_remote_uid(store, identity, account, template.path)
    result: Any = None
    if previous is not None:
        try:
            result = await service.update_template(
                previous, html=template.html, width=width, height=height
            )
        except errors.NotFoundError:
            result = None  # deleted on the service: make a new one
    if result is None:
        name = f"pictify-ssg {template.path.name} {template.identity['file_sha256'][:8]}"
        result = await _create(service, name=name, html=template.html, width=width, height=height)
    uid = str(result.uid)
    remember_remote_uid(store, identity, account, template, uid)
    return uid


async def _create(service: Service, *, name: str, html: str, width: int, height: int) -> Any:
    """Create the remote copy; once more when the first try's outcome is unknown.

    The client never repeats a create that may have reached the service (it could make a
    duplicate), but every card of the build waits on this one template: so the newest
    templates are looked through for the copy that try may have made, and only when it is not
    there is the template created again. A duplicate at worst costs a template, not a card.
    """
    from pictify_ssg.client import exceptions as errors

    try:
        return await service.create_template(name=name, html=html, width=width, height=height)
    except errors.PictifyError as exc:
        if not (exc.retryable and exc.outcome_unknown):
            raise
        log.debug("pictify: creating template %r failed (%s); looking for it", name, exc)
    # The name holds the file's content hash: a template of that name has this content.
    made = await service.newest_template(name)
    if made is not None:
        return made
    return await service.create_template(name=name, html=html, width=width, height=height)
