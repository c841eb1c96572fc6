"""Reading named files: never hang on a FIFO, never read a device, never fill memory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pictify_ssg.core.errors import PageError
from pictify_ssg.core.site_files import MAX_TEMPLATE_BYTES, SiteFolders, read_file


def test_configured_fifo_fails_at_once_instead_of_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "card.html"
    os.mkfifo(fifo)
    with pytest.raises(PageError, match="not an ordinary file"):
        read_file(fifo, what="option 'template_file'")


def test_device_is_refused_without_reading(tmp_path: Path) -> None:
    with pytest.raises(PageError, match="not an ordinary file"):
        read_file(Path("/dev/zero"), what="option 'template_file'")


def test_oversized_template_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.html"
    big.write_bytes(b"x" * (MAX_TEMPLATE_BYTES + 1))
    with pytest.raises(PageError, match="larger than 1024 KB"):
        read_file(big, what="option 'template_file'")
    big.write_bytes(b"x" * MAX_TEMPLATE_BYTES)
    assert len(read_file(big, what="option 'template_file'")) == MAX_TEMPLATE_BYTES


def test_page_named_file_swapped_for_a_symlink_is_not_followed(tmp_path: Path) -> None:
    # Checked, then replaced by a link before the read (a race): the open refuses the link.
    (tmp_path / "secret.html").write_text("secret", "utf-8")
    card = tmp_path / "card.html"
    card.write_text("card", "utf-8")
    folders = SiteFolders.of(tmp_path, [tmp_path])
    checked = folders.page_file("card.html", page="p.md", option="pictify.template_file")
    card.unlink()
    card.symlink_to(tmp_path / "secret.html")
    with pytest.raises(PageError, match="cannot read"):
        read_file(checked, what="'pictify.template_file'", page_named=True)


def test_refusal_says_nothing_about_files_outside(tmp_path: Path) -> None:
    folders = SiteFolders.of(tmp_path, [tmp_path])
    messages = []
    for value in ("/etc/passwd", "/etc/does-not-exist-anywhere.html"):
        with pytest.raises(PageError) as info:
            folders.page_file(value, page="p.md", option="pictify.template_file")
        messages.append(str(info.value).replace(value, "X"))
    # Same words whether the file exists or not: no oracle for the rest of the disk.
    assert messages[0] == messages[1]


def test_roots_are_resolved_once(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "alias").symlink_to(real, target_is_directory=True)
    folders = SiteFolders.of(tmp_path, [Path("alias"), real, Path("real")])
    assert folders.roots == (real.resolve(),)
