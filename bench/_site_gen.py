"""The generated MkDocs site of ``bench/site_builds.py``: pages, front matter and configs.

Pages come in nested sections with titles short and long, with accents, CJK and emoji, and
descriptions, dates and tags in front matter, so the card plugin sees what real docs give it.
Everything is drawn from a seeded generator: the same ``--pages`` gives the same site.
"""

from __future__ import annotations

import json
import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
#: Card designs copied next to the configs, by the file name the configs give them.
TEMPLATES = {
    "card.html": REPO / "example_site" / "card.html",  # the example sites' own card
    "gradient.html": REPO / "bench" / "gradient_card.html",  # full-bleed gradient: heavy PNG
}

SECTIONS = (
    "getting-started",
    "guides",
    "guides/advanced",
    "guides/deployment",
    "guides/deployment/cloud",
    "reference",
    "reference/api",
    "reference/cli",
    "reference/configuration",
    "international",
    "international/francais",
    "international/nihongo",
    "blog",
    "blog/2025",
    "about",
)

_WORD_TEXT = (
    "install configure deploy cache render template plugin theme page section build serve "
    "version release migrate upgrade navigation search index sitemap image card preview token "
    "secret environment variable pipeline batch queue worker server client proxy network "
    "storage bucket domain redirect language locale author archive feed tag category"
)
WORDS = tuple(_WORD_TEXT.split())
ACCENTED = (
    "Déploiement sur Kubernetes à grande échelle",
    "Configuración avançada: caché y compresión",
    "Übersicht der Erweiterungen für Größere Projekte",
    "Résoudre les problèmes de polices et d'émojis",
    "Ação rápida: primeiros passos com o gerador",
    "Crème brûlée, naïve café: caractères accentués",
)
CJK = (
    "インストールと初期設定ガイド",
    "高度な設定\uff1aキャッシュとバッチ処理",
    "快速入门\uff1a生成社交卡片",
    "배포 가이드와 문제 해결",
    "ソーシャルカードのテンプレートを自分で作る方法と注意点について詳しく説明します",
    "多语言站点的卡片缓存与版本管理",
)
EMOJI = ("🚀", "✨", "📦", "🔧", "🌍", "🎉", "⚡", "🐍")
LANGUAGES = ("python", "yaml", "bash", "json")
SITE_URL = "https://example.org/bench/"


def _words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count))


def _title(rng: random.Random, number: int) -> str:
    roll = rng.random()
    if roll < 0.15:
        title = rng.choice(ACCENTED)
    elif roll < 0.27:
        title = rng.choice(CJK)
    elif roll < 0.37:
        title = f"{rng.choice(EMOJI)} {_words(rng, rng.randint(2, 5)).capitalize()}"
    elif roll < 0.47:
        title = _words(rng, 1).upper()  # short: "FAQ"-like
    elif roll < 0.57:  # long enough to be cut by the card's three lines
        title = _words(rng, rng.randint(16, 24)).capitalize()
    else:
        title = _words(rng, rng.randint(3, 8)).capitalize()
    return f"{title} {number}"  # unique titles: every page gets its own card


def _body(rng: random.Random, title: str) -> str:
    parts = [f"# {title}\n", _words(rng, rng.randint(30, 70)).capitalize() + ".\n"]
    for _ in range(rng.randint(2, 5)):
        parts.append(f"## {_words(rng, rng.randint(2, 4)).capitalize()}\n")
        parts.append(_words(rng, rng.randint(40, 120)).capitalize() + ".\n")
        kind = rng.randrange(4)
        if kind == 0:
            parts.extend(f"- {_words(rng, rng.randint(3, 9))}" for _ in range(rng.randint(3, 6)))
            parts.append("")
        elif kind == 1:
            lang = rng.choice(LANGUAGES)
            code = "\n".join(_words(rng, rng.randint(3, 8)) for _ in range(rng.randint(3, 12)))
            parts.append(f"```{lang}\n{code}\n```\n")
        elif kind == 2:
            rows = [f"| {_words(rng, 1)} | {_words(rng, 4)} |" for _ in range(rng.randint(2, 6))]
            parts.append("\n".join(["| Option | Meaning |", "| --- | --- |", *rows]) + "\n")
        else:
            parts.append(f'!!! note "{_words(rng, 2).capitalize()}"\n    {_words(rng, 20)}.\n')
    return "\n".join(parts)


def _front_matter(rng: random.Random, title: str, *, force_title: bool = False) -> str:
    lines = []
    if force_title or rng.random() < 0.6:
        lines.append(f"title: {json.dumps(title, ensure_ascii=False)}")
    if rng.random() < 0.8:
        description = _words(rng, rng.randint(8, 40)).capitalize() + "."
        lines.append(f"description: {json.dumps(description)}")
    if rng.random() < 0.3:
        lines.append(f"date: 2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
    if rng.random() < 0.3:
        lines.append(f"tags: [{', '.join(rng.sample(WORDS, 2))}]")
    return "---\n" + "\n".join(lines) + "\n---\n\n" if lines else ""


@dataclass(frozen=True)
class Site:
    """A generated site and the page whose title the one-change scenario edits.

    ``short_nav``: the configs list only the home and section pages in ``nav`` (see
    :func:`write_config`).
    """

    root: Path
    pages: int
    changed_page: Path
    changed_title: str
    short_nav: bool = False


def generate_site(root: Path, pages: int, seed: int = 2048, *, short_nav: bool = False) -> Site:
    """Write ``pages`` Markdown pages under ``root/docs`` in nested sections."""
    rng = random.Random(seed)
    docs = root / "docs"
    paths = [docs / "index.md"]
    used: set[Path] = set(paths)
    for number in range(1, pages):
        section = SECTIONS[number % len(SECTIONS)]
        path = docs / section / "index.md"
        if path in used:
            path = docs / section / f"{rng.choice(WORDS)}-{number}.md"
        used.add(path)
        paths.append(path)
    # A leaf page in the second half; tiny sites have only section index pages.
    changed = next((p for p in paths[len(paths) // 2 :] if p.name != "index.md"), paths[-1])
    changed_title = ""
    for number, path in enumerate(paths):
        title = "Bench Docs home" if number == 0 else _title(rng, number)
        is_changed = path == changed
        if is_changed:
            changed_title = title
        path.parent.mkdir(parents=True, exist_ok=True)
        text = _front_matter(rng, title, force_title=is_changed) + _body(rng, title)
        path.write_text(text, encoding="utf-8")
    for name, source in TEMPLATES.items():
        shutil.copyfile(source, root / name)
    return Site(root, pages, changed, changed_title, short_nav)


def set_title(site: Site, title: str) -> None:
    """Rewrite the front-matter title of the one-change page."""
    text = site.changed_page.read_text(encoding="utf-8")
    line = re.compile(r"^title: .*$", re.MULTILINE)
    new = f"title: {json.dumps(title, ensure_ascii=False)}"
    site.changed_page.write_text(line.sub(lambda _: new, text, count=1), encoding="utf-8")


def write_config(
    site: Site,
    name: str,
    *,
    theme: str,
    plugin: str,
    template: str = "card.html",
    png_optimize: str | None = None,
) -> Path:
    """Write ``<name>.yml``: one theme, and ``search`` plus at most one card plugin.

    ``plugin`` is ``none``, ``pictify`` (its cache in ``.cache/pictify-<name>``, its cards
    from ``template``, one of :data:`TEMPLATES`) or ``social`` (mkdocs-material's, defaults).
    ``png_optimize`` is written only when given: older plugins reject the option.

    With ``site.short_nav`` the ``nav`` lists the home and section pages only; the other pages
    are built all the same. With every page in the nav, every page carries the whole nav, so a
    plain build grows with the square of the pages (10 000 pages: over 15 minutes with the
    mkdocs theme) and would drown the card plugin's own cost per page in the scale rows.
    """
    if theme == "material":
        theme_yaml = "theme:\n  name: material\n  language: en\n  features: [navigation.sections]\n"
    else:
        theme_yaml = "theme:\n  name: mkdocs\n"
    plugins = "plugins:\n  - search\n"
    if plugin == "pictify":
        plugins += (
            "  - pictify:\n"
            f"      template_file: {template}\n"
            f"      cache_dir: .cache/pictify-{name}\n"
        )
        if png_optimize is not None:
            # Quoted: YAML 1.1 (PyYAML, so mkdocs.yml) reads a bare `off` as false.
            plugins += f"      png_optimize: {json.dumps(png_optimize)}\n"
    elif plugin == "social":
        plugins += "  - social\n"  # material's default card, in its default font (Roboto)
    nav = ""
    if site.short_nav:
        docs = site.root / "docs"
        pages = (p.relative_to(docs).as_posix() for p in docs.rglob("index.md"))
        sections = sorted(pages, key=lambda page: (page != "index.md", page))  # home first
        nav = "nav:\n" + "".join(f"  - {json.dumps(page)}\n" for page in sections)
    text = (
        "site_name: Bench Docs\n"
        f"site_url: {SITE_URL}\n"
        "site_description: A generated site for the pictify build benchmark.\n"
        "docs_dir: docs\n"
        f"site_dir: out/{name}\n"
        f"{theme_yaml}"
        "markdown_extensions: [toc, tables, admonition, fenced_code]\n"
        f"{plugins}"
        f"{nav}"
    )
    path = site.root / f"{name}.yml"
    path.write_text(text, encoding="utf-8")
    return path


def site_dir(config: Path) -> Path:
    """The built site of a config written by :func:`write_config`."""
    return config.parent / "out" / config.stem


def pictify_cache(config: Path) -> Path:
    """The pictify cache folder of a config written by :func:`write_config`."""
    return config.parent / ".cache" / f"pictify-{config.stem}"
