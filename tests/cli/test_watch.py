"""``pictify-ssg preview --watch``: the sample re-renders when the template changes."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import httpx
import pytest

from pictify_ssg.cli import main
from pictify_ssg.commands.samples import SAMPLES

from .helpers import near, pixel

BLUE, RED = (0, 0, 255), (255, 0, 0)


def _wait_for(condition: str, path: Path, thread: threading.Thread) -> str:
    # Bounded by the thread: when the command ends, the condition had its chance.
    while thread.is_alive() or path.exists():
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        if condition in text:
            return text
        if not thread.is_alive():
            break
        time.sleep(0.05)
    raise AssertionError(f"{condition!r} never appeared in {path}")


def test_template_change_renders_the_sample_again(
    mkdocs_site: Path, card: Path, tmp_path: Path
) -> None:
    out = tmp_path / "live"
    codes: list[int] = []
    args = ["preview", "--watch", "--max-renders", "2", "--interval", "0.05", "-o", str(out)]
    thread = threading.Thread(target=lambda: codes.append(main(args)))
    thread.start()
    first = _wait_for("Render 1 ", out / "index.html", thread)
    assert near(pixel(out / "sample-cjk.png"), BLUE)
    # Every synthetic sample and the site's longest-title page are on the contact sheet.
    for sample in SAMPLES:
        assert f"sample-{sample.key}.png" in first
    assert "red.md.png" in first
    assert 'http-equiv="refresh"' in first
    time.sleep(0.1)  # a new modification time even on coarse-grained file systems
    card.write_text(card.read_text(encoding="utf-8").replace("#0000ff", "#ff0000"), "utf-8")
    thread.join(timeout=120)
    assert codes == [0]
    assert "Render 2 " in (out / "index.html").read_text(encoding="utf-8")
    assert near(pixel(out / "sample-cjk.png"), RED)
    assert near(pixel(out / "sample-rtl.png"), RED)


def test_broken_config_is_reported_on_the_sheet_and_watching_goes_on(
    mkdocs_site: Path, tmp_path: Path
) -> None:
    out = tmp_path / "live"
    mkdocs_site.write_text(
        mkdocs_site.read_text(encoding="utf-8").replace("backend: local", "backend: nowhere"),
        "utf-8",
    )
    assert main(["preview", "--watch", "--max-renders", "1", "-o", str(out)]) == 0
    sheet = (out / "index.html").read_text(encoding="utf-8")
    assert "backend" in sheet
    assert "invalid pictify settings" in sheet


def test_serve_shows_the_contact_sheet_on_loopback(
    mkdocs_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "live"
    codes: list[int] = []
    args = ["preview", "--watch", "--serve", "--port", "0", "--max-renders", "2"]
    args += ["--interval", "0.05", "-o", str(out)]
    thread = threading.Thread(target=lambda: codes.append(main(args)))
    thread.start()
    _wait_for("Render 1 ", out / "index.html", thread)
    url = re.search(r"http://127\.0\.0\.1:\d+/", capsys.readouterr().out)
    assert url is not None
    page = httpx.get(url.group(0) + "index.html")
    card = httpx.get(url.group(0) + "sample-emoji.png")
    time.sleep(0.1)
    (tmp_path / "card.html").write_text("<h1>{{title}}</h1>", encoding="utf-8")
    thread.join(timeout=120)
    assert codes == [0]
    assert page.status_code == 200
    assert "Live preview" in page.text
    assert card.headers["content-type"] == "image/png"
