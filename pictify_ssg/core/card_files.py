"""Card images as plain files in the cache, linked (not copied) into the built site.

A card's bytes live in ``<cache>/cards/<fingerprint>.<ext>``, exactly as they are published.
That is what lets a warm build put 1000 cards into a freshly cleaned site with 1000 hard
links (no data written) instead of 1000 copies, and skip files that are already in place.
Where the file system cannot link (another device, no hard links), the card is copied and
given the cache file's modification time, so the next build sees it is in place.

Each file is written once, to a temporary name and renamed, so a build killed mid-write
leaves a stray temporary file (swept by :meth:`CardFiles.sweep`), never half a card. The card
record in the store keeps the file's size, modification time and CRC-32: a lookup compares
size and time with one ``stat`` and reads the file for its CRC only when they differ.

A published card is the same file as the cached one. A tool that edits the site's image in
place (rather than writing a new file) would edit the cache too; the next build sees the
changed time and CRC and renders the card again, so the site still comes out right.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import re
import tempfile
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("pictify_ssg")

#: Cache file names: the full fingerprint and the format's extension.
CACHE_FILE = re.compile(r"^[0-9a-f]{64}\.(?:png|jpg|webp)$")
_TEMP_PREFIX = ".tmp-"
#: A temporary or unrecorded file older than this is left over from a killed build.
_STALE_TEMP_S = 3600.0
_CHUNK = 256 * 1024
#: Errors of ``os.link`` that mean "this file system cannot link here": copy instead.
_NO_LINK = frozenset({errno.EXDEV, errno.EPERM, errno.EACCES, errno.EMLINK, errno.ENOTSUP})


@dataclass(frozen=True)
class FileStamp:
    """What a ``stat`` says about a cache file: enough to tell it was not changed."""

    size: int
    mtime_ns: int


@dataclass(frozen=True)
class FileScan:
    """A cache file read once: its first bytes, length and CRC-32."""

    head: bytes
    size: int
    crc32: int


class CardFiles:
    """The folder of card files inside the cache.

    Args:
        directory: ``<cache>/cards`` (created on first write).
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path(self, name: str) -> Path:
        """Where the card file ``name`` lives (``name`` must match :data:`CACHE_FILE`)."""
        return Path(self.location(name))

    def location(self, name: str) -> str:
        """:meth:`path` as a string, for the per-card system calls of a warm build (pathlib's
        objects cost more than the calls themselves)."""
        if not CACHE_FILE.match(name):
            raise ValueError(f"not a card file name: {name!r}")
        return os.path.join(self.directory, name)

    def write(self, name: str, data: bytes) -> FileStamp:
        """Store ``data`` as the card file ``name`` (atomically; readable by a web server,
        since the published card is this very file)."""
        target = self.path(name)
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=_TEMP_PREFIX, dir=self.directory)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        stamp = self.stamp(name)
        if stamp is None:  # removed by a concurrent prune in the same instant
            raise FileNotFoundError(target)
        return stamp

    def stamp(self, name: str) -> FileStamp | None:
        """Size and modification time of the card file, or ``None`` when it is missing."""
        try:
            info = os.stat(self.location(name))
        except OSError:
            return None
        return FileStamp(info.st_size, info.st_mtime_ns)

    def scan(self, name: str, *, head: int) -> FileScan | None:
        """Read the card file once (never whole in memory); ``None`` when it cannot be read."""
        first, size, crc = b"", 0, 0
        try:
            with self.path(name).open("rb") as handle:
                while chunk := handle.read(_CHUNK):
                    if len(first) < head:
                        first += chunk[: head - len(first)]
                    size += len(chunk)
                    crc = zlib.crc32(chunk, crc)
        except OSError:
            return None
        return FileScan(first, size, crc)

    def read(self, name: str) -> bytes | None:
        """The whole card file (for re-encoding an old card), or ``None``."""
        try:
            return self.path(name).read_bytes()
        except OSError:
            return None

    def remove(self, name: str) -> None:
        """Delete the card file (no error when it is gone)."""
        with contextlib.suppress(OSError):
            self.path(name).unlink()

    def names(self) -> list[str]:
        """Names of the card files in the folder (temporary files left out)."""
        try:
            return sorted(name for name in os.listdir(self.directory) if CACHE_FILE.match(name))
        except OSError:
            return []

    def remove_all(self) -> None:
        """Delete every card file and temporary file (the cache is being cleared)."""
        for name in self.names():
            self.remove(name)
        with contextlib.suppress(OSError):
            for entry in os.scandir(self.directory):
                if entry.name.startswith(_TEMP_PREFIX):
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)

    def sweep(self, keep: set[str]) -> int:
        """Delete card files whose fingerprint is not in ``keep``, and temporary files of
        killed builds.

        Returns:
            How many files went.
        """
        removed = 0
        now = time.time()
        try:
            entries = list(os.scandir(self.directory))
        except OSError:
            return 0
        for entry in entries:
            try:
                orphan = CACHE_FILE.match(entry.name) is not None and entry.name[:64] not in keep
                leftover = entry.name.startswith(_TEMP_PREFIX)
                # Only old files: a concurrent build writes a card's file just before its
                # record, and its temporary file before that.
                if not (orphan or leftover) or now - entry.stat().st_mtime < _STALE_TEMP_S:
                    continue
                os.unlink(entry.path)
                removed += 1
            except OSError as exc:
                log.debug("pictify: cannot remove %s from the card cache: %s", entry.path, exc)
        return removed


def place_file(source: str | Path, target: str | Path) -> bool:
    """Put the cache file ``source`` at ``target`` in the site: a hard link where possible,
    a copy otherwise; nothing when ``target`` already is that file (or an identical copy).

    Returns:
        Whether ``target`` was (re)written.

    Raises:
        FileNotFoundError: When ``source`` is gone (pruned by a concurrent build).
    """
    # The usual case (a warm build into a freshly cleaned site) is one system call per card,
    # on plain strings; Path objects are made only on the rare ways below.
    try:
        os.link(source, target)
        return True
    except FileExistsError:
        pass  # compared below, and replaced atomically unless it is the same
    except OSError as exc:
        if isinstance(exc, FileNotFoundError) or exc.errno not in _NO_LINK:
            if not os.path.isdir(os.path.dirname(target)):
                Path(target).parent.mkdir(parents=True, exist_ok=True)
                return place_file(source, target)
            raise
        # No hard links on this file system: an identical copy may already be in place.
    info = os.stat(source)
    try:
        there = os.stat(target)
    except OSError:
        pass
    else:
        if (there.st_dev, there.st_ino) == (info.st_dev, info.st_ino) or (
            there.st_size == info.st_size and there.st_mtime_ns == info.st_mtime_ns
        ):
            return False
    source, target = Path(source), Path(target)
    tmp = target.with_name(f".pictify-{os.getpid()}-{target.name}")
    try:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        try:
            os.link(source, tmp)
        except FileNotFoundError:
            if not target.parent.is_dir():
                target.parent.mkdir(parents=True, exist_ok=True)
                os.link(source, tmp)
            else:
                raise
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, FileNotFoundError) or exc.errno not in _NO_LINK:
            raise
        _copy(source, target, info.st_mtime_ns)
    return True


def _copy(source: Path, target: Path, mtime_ns: int) -> None:
    """Copy atomically and give the copy the cache file's time (the in-place check's key)."""
    fd, tmp = tempfile.mkstemp(prefix=".pictify-", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle, source.open("rb") as reader:
            while chunk := reader.read(_CHUNK):
                handle.write(chunk)
        os.chmod(tmp, 0o644)
        os.utime(tmp, ns=(mtime_ns, mtime_ns))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
