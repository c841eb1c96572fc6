"""A page author tries to make the build read files outside the site through its card.

Each attack names a file in front matter (``pictify.template_file``, or ``pictify.template``,
which Pelican's single ``Pictify_Template`` field maps onto). The build must refuse the page
with a warning naming it and the entry, keep every other card, and leave no trace of the
file's content in the built site, the card cache, the logs or the renderer's state.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pictify_ssg.core import PageRecord, Settings, SiteInfo, build

if TYPE_CHECKING:
    from pictify_ssg.local import LocalServer

SettingsFactory = Callable[..., Settings]
MARKER = "SECRET-7f3a9c-MARKER"
FALLBACK = "https://example.org/fallback.png"
SECRET_HTML = f"<html><body><h1>{MARKER}</h1>{{{{title}}}}</body></html>"


def _layout(tmp_path: Path) -> dict[str, Path]:
    """A site (config in ``site/``, pages in ``site/docs``) and a secret beside it."""
    root = tmp_path / "site"
    docs = root / "docs"
    docs.mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.html"
    secret.write_text(SECRET_HTML, encoding="utf-8")
    (root / "card.html").write_text(
        "<html><body style='margin:0;background:#234'>{{title}}</body></html>", encoding="utf-8"
    )
    return {"root": root, "docs": docs, "outside": outside, "secret": secret}


PROC_ENV = Path("/proc/self/environ")
ZERO = Path("/dev/zero")


def _symlink(link: Path, target: Path) -> str:
    link.symlink_to(target)
    return str(link.relative_to(link.parents[1]))


def _attacks(paths: dict[str, Path]) -> dict[str, tuple[str, str, str]]:
    """Attack name -> (front-matter entry, value, what the warning says)."""
    docs, secret, outside = paths["docs"], paths["secret"], paths["outside"]
    fifo = docs / "fifo.html"
    os.mkfifo(fifo)
    hard = docs / "hard.html"
    os.link(secret, hard)
    (docs / "linked-dir").symlink_to(outside, target_is_directory=True)
    (docs / ".hidden").mkdir()
    (docs / ".hidden" / "card.html").write_text(SECRET_HTML, encoding="utf-8")
    (docs / "notes.txt").write_text(MARKER, encoding="utf-8")
    return {
        "absolute": ("template_file", str(secret), "outside the site's folders"),
        "dot-dot": ("template_file", "../outside/secret.html", "outside the site's folders"),
        "dot-dot-via-template": ("template", "../outside/secret.html", "outside the site's"),
        "deep-dot-dot": ("template_file", "docs/../../outside/secret.html", "outside the site"),
        "proc-environ": ("template_file", "/proc/self/environ", "outside the site's folders"),
        "proc-cmdline": ("template_file", "/proc/self/cmdline", "outside the site's folders"),
        "proc-fd": ("template_file", "/proc/self/fd/0", "outside the site's folders"),
        "sys": ("template_file", "/sys/kernel/hostname", "outside the site's folders"),
        "dev-zero": ("template_file", "/dev/zero", "outside the site's folders"),
        "etc": ("template_file", "/etc/passwd", "outside the site's folders"),
        "home": ("template_file", "~/.bashrc", "hidden folder or file"),
        "symlink": ("template_file", _symlink(docs / "innocent.html", secret), "outside"),
        "symlink-to-proc": ("template_file", _symlink(docs / "env.html", PROC_ENV), "outside"),
        "symlink-to-device": ("template_file", _symlink(docs / "zero.html", ZERO), "outside"),
        "symlinked-folder": ("template_file", "docs/linked-dir/secret.html", "outside the site"),
        "hard-link": ("template_file", "docs/hard.html", "has other hard links"),
        "fifo": ("template_file", "docs/fifo.html", "not an ordinary file"),
        "hidden": ("template_file", "docs/.hidden/card.html", "hidden folder or file"),
        "not-a-template": ("template_file", "docs/notes.txt", "not a template file"),
        "url-encoded": (
            "template_file",
            "docs%2F..%2F..%2Foutside%2Fsecret.html",
            "does not exist",
        ),
        "fullwidth-dots": ("template_file", "\uff0e\uff0e/outside/secret.html", "does not exist"),
        "file-url": ("template_file", f"file://{secret}", "not a URL"),
        "nul-byte": ("template_file", "docs/x.html\x00../../outside/secret.html", "control"),
        "newline": ("template_file", "../outside/secret\n.html", "control characters"),
    }


ATTACKS = [
    "absolute",
    "dot-dot",
    "dot-dot-via-template",
    "deep-dot-dot",
    "proc-environ",
    "proc-cmdline",
    "proc-fd",
    "sys",
    "dev-zero",
    "etc",
    "home",
    "symlink",
    "symlink-to-proc",
    "symlink-to-device",
    "symlinked-folder",
    "hard-link",
    "fifo",
    "hidden",
    "not-a-template",
    "url-encoded",
    "fullwidth-dots",
    "file-url",
    "nul-byte",
    "newline",
]


def _settings(server: LocalServer, **extra: Any) -> Settings:
    return Settings.from_mapping(
        {
            "backend": "hosted",
            "base_url": server.base_url,
            "api_key": server.api_key,
            "template_file": "card.html",
            "cache_dir": ".cache/pictify",
            **extra,
        }
    )


def _no_marker_below(folder: Path) -> list[Path]:
    return [
        path
        for path in folder.rglob("*")
        if path.is_file() and not path.is_symlink() and MARKER.encode() in path.read_bytes()
    ]


@pytest.mark.parametrize("attack", ATTACKS)
def test_page_cannot_name_a_file_outside_the_site(
    tmp_path: Path,
    server: LocalServer,
    attack: str,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # What CI has in its environment; /proc/self/environ would show it.
    monkeypatch.setenv("PICTIFY_TEST_CI_SECRET", MARKER)
    paths = _layout(tmp_path)
    entry, value, says = _attacks(paths)[attack]
    root = paths["root"]
    site = SiteInfo(
        name="Docs",
        url="https://example.org/",
        config_dir=root,
        output_dir=root / "out",
        source_dirs=(root, paths["docs"]),
    )
    settings = _settings(server, fallback_image=FALLBACK)
    good = PageRecord.create(key="good.md", url="good/", title="Good page")
    evil = PageRecord.create(
        key="evil.md", url="evil/", title="Evil page", meta={"pictify": {entry: value}}
    )
    with caplog.at_level(logging.DEBUG, logger="pictify_ssg"):
        report = build([good, evil], settings, site)

    assert report.outcomes["good.md"] == "rendered"
    assert report.outcomes["evil.md"] == "fallback"
    assert report.cards["evil.md"].url == FALLBACK
    [(key, message)] = report.failed
    assert key == "evil.md"
    assert f"'pictify.{entry}'" in message or "'pictify.template_file'" in message
    assert says in message
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("evil.md" in w and says in w for w in warnings), warnings

    assert MARKER not in caplog.text
    assert _no_marker_below(root / "out") == []
    assert _no_marker_below(root / ".cache") == []
    assert _no_marker_below(server.data_dir) == []


def test_site_owner_can_allow_another_folder(tmp_path: Path, server: LocalServer) -> None:
    paths = _layout(tmp_path)
    shared = tmp_path / "shared-cards"
    shared.mkdir()
    (shared / "blog.html").write_text("<html><body>{{title}} blog</body></html>", "utf-8")
    root = paths["root"]
    site = SiteInfo(
        name="Docs", config_dir=root, output_dir=root / "out", source_dirs=(root, paths["docs"])
    )
    page = PageRecord.create(
        key="p.md",
        url="p/",
        title="P",
        meta={"pictify": {"template_file": "../shared-cards/blog.html"}},
    )
    refused = build([page], _settings(server), site)
    assert refused.outcomes["p.md"] == "failed"

    allowed = build([page], _settings(server, allowed_dirs=["../shared-cards"]), site)
    assert allowed.outcomes["p.md"] == "rendered"


def test_page_may_name_a_template_inside_the_docs(tmp_path: Path, server: LocalServer) -> None:
    paths = _layout(tmp_path)
    root, docs = paths["root"], paths["docs"]
    (docs / "cards").mkdir()
    (docs / "cards" / "blog.html").write_text("<html><body>{{title}}</body></html>", "utf-8")
    # A symlink that stays inside the site is fine: only where it leads counts.
    (docs / "alias.html").symlink_to(docs / "cards" / "blog.html")
    site = SiteInfo(name="Docs", config_dir=root, output_dir=root / "out", source_dirs=(root, docs))
    pages = [
        PageRecord.create(
            key=f"p{i}.md", url=f"p{i}/", title=f"P{i}", meta={"pictify": {"template_file": v}}
        )
        for i, v in enumerate(["docs/cards/blog.html", str(docs / "alias.html")])
    ]
    settings = _settings(server)
    report = build(pages, settings, site)
    assert report.outcomes == {"p0.md": "rendered", "p1.md": "rendered"}
    assert report.failed == []


@pytest.mark.parametrize(
    ("image", "says"),
    [
        ("file:///etc/passwd", "file: scheme"),
        ("javascript:alert(1)", "javascript: scheme"),
        ("data:image/png;base64,AAAA", "data: scheme"),
        ("/img/x.png\n<script>", "control characters"),
    ],
)
def test_page_own_image_must_be_a_web_address(
    server: LocalServer,
    settings_for: SettingsFactory,
    site: SiteInfo,
    image: str,
    says: str,
) -> None:
    settings = settings_for(server, fallback_image=FALLBACK)
    page = PageRecord.create(key="img.md", url="img/", title="Img", existing_image=image)
    other = PageRecord.create(
        key="own.md", url="own/", title="Own", meta={"pictify": {"image": "/img/own.png"}}
    )
    report = build([page, other], settings, site)
    assert report.outcomes["img.md"] == "fallback"
    assert report.cards["own.md"].url == "https://example.org/docs/img/own.png"
    [(key, message)] = report.failed
    assert key == "img.md"
    assert says in message
