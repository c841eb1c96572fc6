"""MkDocs hooks of the documentation site: generated tables, so no table is kept by hand.

``<!-- configuration-table -->`` becomes the options table that ``scripts/config_reference.py``
generates from the settings model; ``<!-- helpers-table -->`` becomes the list of Handlebars
helpers the local renderer registers. In a page's HTML, ``<!-- this-page-card -->`` becomes
the page's own social card as a picture (the layout pages show their layout this way).
"""

from __future__ import annotations

import html
import importlib.util
import posixpath
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent  # scripts/ lives at the root


def _config_table() -> str:
    spec = importlib.util.spec_from_file_location(
        "config_reference", ROOT / "scripts" / "config_reference.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    table: str = module.table()
    return table


#: One example per helper, rendered by the local renderer's own engine when the docs build, so
#: the output shown is the output a card gets. Variables come from `EXAMPLE_VARIABLES`.
HELPER_EXAMPLES: dict[str, str] = {
    "abs": "{{abs delta}}",
    "average": "{{average 2 4 9}}",
    "capitalize": "{{capitalize 'iOS app'}}",
    "ceil": "{{ceil 4.2}}",
    "coalesce": "{{coalesce subtitle description}}",
    "contains": "{{#if (contains tags 'api')}}API{{/if}}",
    "currency": "{{currency price 'EUR'}}",
    "date": "{{date published}}",
    "default": "{{default subtitle 'Docs'}}",
    "endsWith": "{{#if (endsWith title 'class')}}a class{{/if}}",
    "first": "{{first tags}}",
    "floor": "{{floor 4.8}}",
    "indexOf": "{{indexOf tags 'api'}}",
    "isArray": "{{isArray tags}}",
    "isBoolean": "{{isBoolean draft}}",
    "isDefined": "{{isDefined subtitle}}",
    "isEmpty": "{{#if (isEmpty subtitle)}}no subtitle{{/if}}",
    "isNotEmpty": "{{#if (isNotEmpty tags)}}tagged{{/if}}",
    "isNumber": "{{isNumber price}}",
    "isObject": "{{isObject author}}",
    "isString": "{{isString title}}",
    "isUndefined": "{{isUndefined missing}}",
    "join": "{{join tags ' · '}}",
    "json": "{{json tags}}",
    "last": "{{last tags}}",
    "length": "{{length tags}} tags",
    "lowercase": "{{lowercase 'README'}}",
    "max": "{{max 3 11 7}}",
    "min": "{{min 3 11 7}}",
    "number": "{{number 1234567.891 1}}",
    "padEnd": "[{{padEnd '7' 3 '.'}}]",
    "padStart": "{{padStart '7' 3 '0'}}",
    "parseJson": '{{#each (parseJson \'["a","b"]\')}}{{this}};{{/each}}',
    "percent": "{{percent 0.256 1}}",
    "replace": "{{replace title 'class' 'type'}}",
    "round": "{{round 3.14159 2}}",
    "slice": "{{slice title 4 10}}",
    "split": "{{#each (split 'a,b,c')}}[{{this}}]{{/each}}",
    "startsWith": "{{#if (startsWith title 'The')}}starts with The{{/if}}",
    "sum": "{{sum 1 2 3.5}}",
    "time": "{{time published}}",
    "titleCase": "{{titleCase 'API docs for you'}}",
    "trim": "[{{trim '  padded  '}}]",
    "truncate": "{{truncate title 12}}",
    "uppercase": "{{uppercase author.name}}",
}

#: The values the examples read.
EXAMPLE_VARIABLES: dict[str, Any] = {
    "title": "The Client class",
    "description": "Every method of the client.",
    "subtitle": "",
    "tags": ["python", "api", "http"],
    "price": 1234.5,
    "delta": -3,
    "draft": False,
    "published": "2026-01-05T14:30:00Z",
    "author": {"name": "Ada"},
}


def _helpers_table() -> str:
    import pictify_ssg.local.templating.helpers  # noqa: F401 - registers every helper
    from pictify_ssg.local.templating import render_template
    from pictify_ssg.local.templating.helpers.registry import REGISTRY

    missing = sorted(set(REGISTRY) - set(HELPER_EXAMPLES))
    if missing:
        raise ValueError(f"docs: no example for the helper(s) {', '.join(missing)}")
    rows = [
        "| Helper | Call | What it does | Example | Gives |",
        "|---|---|---|---|---|",
    ]
    for name, spec in sorted(REGISTRY.items()):
        example = HELPER_EXAMPLES[name]
        # Shown as text: the escaping a card gets (&quot; for ") would read as noise here.
        output = html.unescape(render_template(example, EXAMPLE_VARIABLES))
        cells = [
            f"`{name}`",
            f"`{spec.usage()}`",
            spec.summary,
            f"`{example}`",
            f"`{output}`" if output else "(nothing)",
        ]
        rows.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(rows)


_TABLES = {"<!-- configuration-table -->": _config_table, "<!-- helpers-table -->": _helpers_table}


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    """Put the generated tables where their markers are."""
    for marker, make in _TABLES.items():
        if marker in markdown:
            markdown = markdown.replace(marker, make())
    return markdown


CARD_MARKER = "<!-- this-page-card -->"


def on_post_page(output: str, *, page: Any, config: Any, **kwargs: Any) -> str:
    """Show the page's own card where its marker is, linked relative to the page (the site
    URL of the docs is not where a local build is opened)."""
    card = page.meta.get("pictify_card")
    if CARD_MARKER not in output or not isinstance(card, dict):
        return output
    site_url = str(config["site_url"] or "")
    target = str(card["url"]).removeprefix(site_url).lstrip("/")
    source = posixpath.dirname(page.url.rstrip("/") + "/x") if page.url else "."
    src = posixpath.relpath(target, source or ".")
    picture = (
        f'<img src="{html.escape(src)}" alt="{html.escape(str(card["alt"]))}" '
        f'width="{int(card["width"]) // 2}" height="{int(card["height"]) // 2}">'
    )
    return output.replace(CARD_MARKER, picture)
