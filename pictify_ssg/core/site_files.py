"""The trust boundary for files: what a page may name, and reading any named file safely.

The site configuration (``mkdocs.yml``, ``pelicanconf.py``) is trusted; page content is not.
Docs sites take pull requests from strangers and CI builds them with secrets in the
environment, so a path written in front matter or Pelican metadata (``pictify.template_file``,
``Pictify_Template``) must never make the build read a file outside the site: its content
would be rendered into the published card, stored in the cache and sent to the renderer.

A page-named path is accepted only when, with every symlink followed, it lies inside one of
the site's folders (`SiteFolders`), none of its parts below that folder is hidden (``.git``,
``.env``), its name ends like a template, and it is an ordinary file with no other hard link.
Everything is checked before the file is opened, and the open itself refuses a path that
changed into a symlink, a FIFO or a device in between, so nothing of a refused file is read.

Files the configuration names are trusted but still read through `read_file`, so a FIFO or a
device named by mistake fails with a message instead of hanging or filling memory.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from pictify_ssg.core.errors import PageError

#: Endings of the files a page may name as its card template.
TEMPLATE_SUFFIXES = (".html", ".htm", ".hbs", ".handlebars")

#: Largest file read as a template: the hosted API refuses template HTML over 500 KB, and a
#: larger "template" is far more likely a mistake (or a device) than a card design.
MAX_TEMPLATE_BYTES = 1024 * 1024

#: The setting that widens the folders pages may name files in (for messages).
ALLOWED_DIRS_OPTION = "allowed_dirs"


class RefusedFileError(PageError):
    """A page named a file outside the trust boundary (or one that is not an ordinary file)."""


@dataclass(frozen=True)
class SiteFolders:
    """The folders page-named files may come from, each fully resolved.

    Attributes:
        base: Where relative paths start (the folder of the site configuration).
        roots: The allowed folders: the site's source folders plus any the site owner added.
    """

    base: Path
    roots: tuple[Path, ...]

    @classmethod
    def of(cls, base: Path, roots: Iterable[Path]) -> SiteFolders:
        """Resolve ``roots`` (relative ones start at ``base``), dropping duplicates."""
        resolved: list[Path] = []
        for root in roots:
            path = Path(os.path.realpath(root if root.is_absolute() else base / root))
            if path not in resolved:
                resolved.append(path)
        return cls(Path(os.path.realpath(base)), tuple(resolved))

    def describe(self) -> str:
        """The allowed folders, for messages."""
        return ", ".join(str(root) for root in self.roots) or "(none)"

    def page_file(self, value: str, *, page: str, option: str) -> Path:
        """Check a path a page named; return the real file it stands for.

        Nothing is opened here, and the file's existence is only looked at once the path is
        known to lie inside the site, so a refusal says nothing about the rest of the disk.

        Args:
            value: The path as the page wrote it (relative paths start at `base`).
            page: The page, for messages.
            option: The front-matter entry or metadata key that named it, for messages.

        Raises:
            RefusedFileError: The path leaves the site's folders, is hidden, is not a template,
                or is not an ordinary file; the message names the page and the option.
            PageError: The file does not exist.
        """
        try:
            return self._page_file(value, option=option)
        except PageError as exc:
            raise type(exc)(exc.reason, page=page) from None

    def _page_file(self, value: str, *, option: str) -> Path:
        where = f"'{option}'"
        if any(ord(char) < 32 or ord(char) == 127 for char in value):
            raise RefusedFileError(f"{where} contains control characters; write a plain path")
        if "://" in value or value.lower().startswith(("file:", "data:")):
            raise RefusedFileError(f"{where} must be a path to a file in the site, not a URL")
        # No "~" expansion and no environment variables: a page's path is taken literally.
        named = Path(value)
        asked = named if named.is_absolute() else self.base / named
        real = Path(os.path.realpath(asked))
        root = next((r for r in self.roots if real == r or r in real.parents), None)
        if root is None:
            raise RefusedFileError(
                f"{where} names {value!r}, which is outside the site's folders "
                f"({self.describe()}); files a page names must be inside them (a site owner "
                f"can allow more folders with the '{ALLOWED_DIRS_OPTION}' option, "
                "PICTIFY_ALLOWED_DIRS in Pelican)"
            )
        hidden = [part for part in real.relative_to(root).parts if part.startswith(".")]
        if hidden:
            raise RefusedFileError(
                f"{where} names {value!r}, inside the hidden folder or file {hidden[0]!r}; "
                "pages cannot use hidden files"
            )
        if not real.name.lower().endswith(TEMPLATE_SUFFIXES):
            raise RefusedFileError(
                f"{where} names {value!r}, which is not a template file; name a file ending "
                f"in {', '.join(TEMPLATE_SUFFIXES)}"
            )
        # Only now, inside the site and past every refusal: where the link points is part of
        # the design too (a page learns nothing here about files outside the site).
        note_file(asked)
        try:
            info = os.stat(real)
        except OSError:
            raise PageError(
                f"{where}: the template file {value!r} does not exist (relative paths start "
                f"at {self.base})"
            ) from None
        _check_ordinary(info, f"{where} names {value!r}, which")
        return real


def _check_ordinary(info: os.stat_result, subject: str) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise RefusedFileError(f"{subject} is a folder; name an HTML file")
    if not stat.S_ISREG(info.st_mode):
        raise RefusedFileError(f"{subject} is not an ordinary file (a device, FIFO or socket)")
    if info.st_nlink > 1:
        # A hard link looks like a file of the site but may share its content with any file on
        # the same disk; nothing tells the two apart, so neither is trusted.
        raise RefusedFileError(
            f"{subject} has other hard links; copy the file instead of linking it"
        )


def read_file(
    path: Path, *, what: str, max_bytes: int = MAX_TEMPLATE_BYTES, page_named: bool = False
) -> bytes:
    """Read a file without following a last-moment symlink or blocking on a FIFO.

    Args:
        path: The file (for page-named files: the real path `SiteFolders.page_file` returned).
        what: The setting or page asking, for messages.
        max_bytes: Larger files are refused.
        page_named: Also refuse hard links (see `SiteFolders.page_file`) and symlinks.

    Raises:
        PageError: The file cannot be read, is not an ordinary file, or is too large.
    """
    note_file(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    if page_named:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise PageError(
            f"{what}: cannot read the template file {path}: {exc.strerror or exc}. "
            "Check the path (relative paths start at the site config folder)."
        ) from None
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(file.fileno())
        if page_named:
            _check_ordinary(info, f"{what}: {path}")
        elif stat.S_ISDIR(info.st_mode):
            raise PageError(f"{what}: the template file {path} is a folder; name an HTML file")
        elif not stat.S_ISREG(info.st_mode):
            raise PageError(
                f"{what}: {path} is not an ordinary file (a device, FIFO or socket); "
                "name an HTML file"
            )
        data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise PageError(
            f"{what}: the template file {path} is larger than {max_bytes // 1024} KB; "
            "a card template should be a small HTML file"
        )
    return data


#: A file's state as a build saw it: size, modification time and inode (a retargeted link or a
#: replaced file changes the inode), or ``None`` for a file that was not there.
FileState = tuple[int, int, int] | None

_looked_at: ContextVar[dict[str, FileState] | None] = ContextVar("pictify_looked_at", default=None)


def file_state(path: str | os.PathLike[str]) -> FileState:
    """What ``os.stat`` says of ``path`` now (following links), as a :data:`FileState`."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ino)


def note_file(path: str | os.PathLike[str]) -> None:
    """Note a file the build read or looked for, when :func:`noting_files` is on.

    Every file a card's design comes from passes here (templates, layouts, inlined pictures
    and fonts, and the places looked at for them), so a build can tell later whether any of
    them changed without loading the designs again.
    """
    seen = _looked_at.get()
    if seen is not None:
        name = os.fspath(path)
        if name not in seen:
            seen[name] = file_state(name)


@contextlib.contextmanager
def noting_files() -> Iterator[dict[str, FileState]]:
    """Note, into the dictionary given, every file :func:`note_file` hears of meanwhile."""
    seen: dict[str, FileState] = {}
    token = _looked_at.set(seen)
    try:
        yield seen
    finally:
        _looked_at.reset(token)
