"""Local files a card template uses (pictures, backgrounds, web fonts), inlined as data URIs.

A template may say ``<img src="logo.png">``, ``background: url(bg.jpg)`` (in a ``style``
attribute or a ``<style>`` element) or ``@font-face { src: url(fonts/Inter.woff2) }``. The
renderer sees only the HTML (the hosted API has no access to the site's disk; the local one
is kept off it), so each such file is read here and written into the HTML as a ``data:`` URI.
Both backends then get the very same HTML, and because the template's fingerprint is taken
over that HTML, changing the logo file refreshes every card.

A relative reference is looked up next to the template file, then in the site's folders (the
config folder, then the docs or content folder). Whatever is found must lie inside one of the
site's folders (`SiteFolders`) or, for a template the site configuration names, the
template's own folder. ``http(s)://``, ``data:`` and ``{{variable}}`` references are left as
they are. A reference that cannot be used is left as it is too, with one warning per build
naming the template and the path.
"""

from __future__ import annotations

import base64
import mimetypes
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote

from pictify_ssg.core.card_templates import TemplateVersion
from pictify_ssg.core.errors import PageError
from pictify_ssg.core.fingerprint import sha256_bytes
from pictify_ssg.core.site_files import SiteFolders, note_file, read_file

#: Largest file inlined: the hosted API refuses template HTML over 500 KB, and base64 adds a
#: third. Logos and backgrounds for a 1200x630 card fit well below this.
MAX_ASSET_BYTES = 360 * 1024
#: Template HTML the hosted API accepts (see `pictify_ssg.core.site_files.MAX_TEMPLATE_BYTES`).
HOSTED_HTML_LIMIT = 500 * 1024

_IMG_SRC = re.compile(r"(<img\b[^>]*?\bsrc\s*=\s*)([\"'])(.*?)\2", re.IGNORECASE | re.DOTALL)
_CSS_URL = re.compile(r"(url\(\s*)(?:(&quot;|[\"'])(.*?)\2|([^\"')\s]+))(\s*\))", re.IGNORECASE)
_LEFT_ALONE = ("http:", "https:", "data:", "file:", "//", "#", "about:", "blob:")
#: Types browsers know but ``mimetypes`` may not, by file ending.
_TYPES = {
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
    ".avif": "image/avif",
}
_ACCEPTED_PREFIXES = ("image/", "font/")


@dataclass
class AssetContext:
    """Where a template's local files may come from.

    Attributes:
        folders: The site's folders (config, docs or content, ``allowed_dirs``).
        what: The template, for messages (``template card.html``, ``layout 'accent'``).
        template_dir: The template file's folder, searched first (None for built-in layouts,
            whose relative paths start at the site's folders).
        page_named: The template came from page content: only the site's folders count, and
            hidden or hard-linked files are refused (see `SiteFolders.page_file`).
        warnings: Collected messages, one per reference that could not be inlined.
    """

    folders: SiteFolders
    what: str
    template_dir: Path | None = None
    page_named: bool = False
    warnings: list[str] = field(default_factory=list)
    _cache: dict[str, str | None] = field(default_factory=dict)

    def bases(self) -> list[Path]:
        """Folders a relative reference is looked up in, in order."""
        found = [self.template_dir] if self.template_dir is not None else []
        found.append(self.folders.base)
        found.extend(self.folders.roots)
        return list(dict.fromkeys(found))

    def roots(self) -> tuple[Path, ...]:
        """Folders a file found must lie in."""
        extra = (self.template_dir,) if self.template_dir and not self.page_named else ()
        return tuple(Path(os.path.realpath(r)) for r in (*self.folders.roots, *extra))

    def data_uri(self, reference: str) -> str | None:
        """The reference as a data URI (None: leave it, a warning was recorded)."""
        if reference not in self._cache:
            self._cache[reference] = self._inline(reference)
        return self._cache[reference]

    def _inline(self, reference: str) -> str | None:
        try:
            path = self._find(reference)
            kind = _media_type(path)
            data = read_file(
                path,
                what=f"{self.what}: {reference!r}",
                max_bytes=MAX_ASSET_BYTES,
                page_named=self.page_named,
            )
        except PageError as exc:
            self.warnings.append(f"pictify: {self.what}: cannot inline {reference!r}: {exc}")
            return None
        return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"

    def _find(self, reference: str) -> Path:
        name = unquote(reference.split("#", 1)[0].split("?", 1)[0]).strip()
        if not name:
            raise PageError("the reference is empty")
        if "\x00" in name:
            raise PageError("the path contains a NUL character")
        candidates = [Path(name)] if Path(name).is_absolute() else [b / name for b in self.bases()]
        roots = self.roots()
        outside = False
        for candidate in candidates:
            real = Path(os.path.realpath(candidate))
            root = next((r for r in roots if real == r or r in real.parents), None)
            if root is None:
                outside = True
                continue
            if self.page_named and any(p.startswith(".") for p in real.relative_to(root).parts):
                raise PageError("the file is hidden; pages cannot use hidden files")
            # Inside the site only (outside, existence is none of a page's business): a file
            # appearing here later would be inlined instead.
            note_file(candidate)
            if real.is_file():
                return real
        looked = ", ".join(str(b) for b in self.bases()) if not Path(name).is_absolute() else ""
        where = f" (looked in {looked})" if looked else ""
        if outside:
            # Said without looking at the file: whether something exists outside the site is
            # none of a page's business.
            raise PageError(
                f"no such file inside the site's folders{where}; a path leading outside them "
                f"({', '.join(map(str, roots))}) is not followed: move the file into the site "
                "or add its folder to 'allowed_dirs'"
            )
        raise PageError(f"the file does not exist{where}")


def _media_type(path: Path) -> str:
    kind = _TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or ""
    if not kind.startswith(_ACCEPTED_PREFIXES):
        raise PageError(f"{path.name} is not a picture or a font (by its ending)")
    return kind


def _left_alone(reference: str) -> bool:
    value = reference.strip().lower()
    return not value or value.startswith(_LEFT_ALONE) or "{{" in value


def inline_html(text: str, context: AssetContext) -> str:
    """``text`` with each usable local reference replaced by its data URI."""

    def image(match: re.Match[str]) -> str:
        reference = match.group(3)
        if _left_alone(reference):
            return match.group(0)
        uri = context.data_uri(reference)
        return (
            match.group(0)
            if uri is None
            else f"{match.group(1)}{match.group(2)}{uri}{match.group(2)}"
        )

    def css(match: re.Match[str]) -> str:
        reference = match.group(3) if match.group(3) is not None else match.group(4)
        if _left_alone(reference):
            return match.group(0)
        uri = context.data_uri(reference)
        # Unquoted: base64 needs no quotes, and a quote could end a style="..." attribute.
        return match.group(0) if uri is None else f"{match.group(1)}{uri}{match.group(5)}"

    return _CSS_URL.sub(css, _IMG_SRC.sub(image, text))


def with_assets(
    version: TemplateVersion, context: AssetContext, warn: Callable[[str], None]
) -> TemplateVersion:
    """The template with its local files inlined, fingerprinted over the HTML sent.

    A template without local files keeps its identity exactly (so its cached cards stay
    valid); otherwise ``file_sha256`` becomes the hash of the HTML the renderer gets, which
    is also what tells the remote copy of the template to update.
    """
    assert version.html is not None
    html = inline_html(version.html, context)
    for message in context.warnings:
        warn(message)
    if html == version.html:
        return version
    size = len(html.encode())
    if size > HOSTED_HTML_LIMIT:
        warn(
            f"pictify: {context.what} is {size // 1024} KB with its files inlined; the hosted "
            f"Pictify API refuses template HTML over {HOSTED_HTML_LIMIT // 1024} KB, so use "
            "smaller pictures (the local renderer takes it)"
        )
    return replace(version, html=html, identity={"file_sha256": sha256_bytes(html.encode())})
