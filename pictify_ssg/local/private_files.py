"""Owner-only folders and files, whatever the process umask says.

The data directory holds every template and rendered card of a site, and on a shared machine
other users have no business reading it. ``mkdir(mode=...)`` and ``open`` modes are filtered
through the umask and do nothing to what already exists, so every path is also ``chmod``-ed
explicitly. ``chmod`` rather than changing the umask around the calls: the umask is process-wide
and the server runs beside other threads (the build that embeds it, Chromium's I/O threads).
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from pathlib import Path
from typing import Final

logger = logging.getLogger(__name__)

DIR_MODE: Final = 0o700
FILE_MODE: Final = 0o600

# Refuse to follow a symlink planted where a file is about to be written (0 where unsupported).
_NOFOLLOW: Final = getattr(os, "O_NOFOLLOW", 0)


def make_private_dir(path: Path) -> None:
    """Create ``path`` (and missing parents) and make ``path`` itself owner-only.

    Raises:
        OSError: The directory cannot be created.
    """
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    restrict(path, DIR_MODE)


def touch_private(path: Path) -> None:
    """Create ``path`` as an empty owner-only file unless it exists; make it owner-only.

    Raises:
        OSError: The file cannot be created.
    """
    os.close(os.open(path, os.O_RDWR | os.O_CREAT | _NOFOLLOW, FILE_MODE))
    restrict(path, FILE_MODE)


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to a new or truncated owner-only file at ``path``.

    Raises:
        OSError: The file cannot be written.
    """
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _NOFOLLOW, FILE_MODE)
    with os.fdopen(descriptor, "wb") as handle:
        # An existing file keeps its old mode through O_TRUNC; set it while the file is open.
        _chmod_open(handle.fileno(), path)
        handle.write(data)


def restrict(path: Path, mode: int) -> bool:
    """Give an existing ``path`` exactly ``mode`` when its permissions differ.

    A path this process cannot change (owned by someone else) is logged and left alone: the
    server can still work there, and refusing to start would help nobody.

    Returns:
        Whether ``path`` now has ``mode`` (``False`` when it is missing or could not change).
    """
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            # Never chmod through a link: its target is not ours to change. (Linux has no
            # lchmod, so `follow_symlinks=False` is not an option.)
            return False
        if stat.S_IMODE(info.st_mode) != mode:
            os.chmod(path, mode)
    except FileNotFoundError:
        return False
    except OSError as exc:
        logger.warning("cannot make %s owner-only (mode %o): %s", path, mode, exc)
        return False
    return True


def restrict_files(folder: Path, mode: int = FILE_MODE) -> None:
    """Give every regular file directly in ``folder`` exactly ``mode`` (for existing state)."""
    with os.scandir(folder) as entries:
        for entry in entries:
            with contextlib.suppress(FileNotFoundError):
                info = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(info.st_mode) and stat.S_IMODE(info.st_mode) != mode:
                    restrict(Path(entry.path), mode)


def _chmod_open(descriptor: int, path: Path) -> None:
    fchmod = getattr(os, "fchmod", None)
    if fchmod is not None:
        fchmod(descriptor, FILE_MODE)
    else:  # pragma: no cover - Windows before Python 3.13 has no fchmod
        os.chmod(path, FILE_MODE)
