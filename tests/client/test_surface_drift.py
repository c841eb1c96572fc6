"""Each parameter is declared once per method and cannot drift.

Signatures stay explicit (what an IDE shows), so a parameter is written in three places of one
method: the signature, the docstring's ``Args:`` and the body that sends it. These tests tie the
three together, check that a name means one type across the whole API, and check that the sync
surface is exactly the async one rewritten (annotations and docstrings, beyond ``test_parity``).
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import pytest

from pictify_ssg.client import AsyncPictify, Pictify
from pictify_ssg.client import _resources as resources

from .test_unasync import unasync

ASYNC_RESOURCES = [getattr(resources, n) for n in resources.__all__ if n.startswith("Async")]
PAIRS = [(getattr(resources, cls.__name__.removeprefix("Async")), cls) for cls in ASYNC_RESOURCES]
METHODS = [
    (f"{cls.__name__}.{name}", fn)
    for cls in ASYNC_RESOURCES
    for name, fn in inspect.getmembers(cls, inspect.isfunction)
    if not name.startswith("_")
]
#: Names the API itself uses for different things (the type differs, not by accident).
HOMONYMS = {
    "quality": "a GIF's low/medium/high; a render's 0.1-1.0",
    "layouts": "a template's layout definitions; the layout names to render",
    "options": "the PDF options object; extra camelCased fields of an image",
    "timeout": "one request's timeout; wait_for_batch's whole wait",
}


def _params(fn: Callable[..., Any]) -> list[inspect.Parameter]:
    return [p for p in inspect.signature(fn).parameters.values() if p.name != "self"]


def _spelled(param: inspect.Parameter) -> str:
    return f"**{param.name}" if param.kind is param.VAR_KEYWORD else param.name


def _documented(fn: Callable[..., Any]) -> list[str]:
    doc = inspect.getdoc(fn) or ""
    section = re.search(r"^Args:\n((?:    .*\n|\n)*)", doc + "\n", re.MULTILINE)
    return re.findall(r"^    (\*{0,2}\w+):", section[1], re.MULTILINE) if section else []


@pytest.mark.parametrize(("name", "fn"), METHODS, ids=[m[0] for m in METHODS])
def test_args_section_lists_the_signature(name: str, fn: Callable[..., Any]) -> None:
    assert _documented(fn) == [_spelled(p) for p in _params(fn)], name


@pytest.mark.parametrize(("name", "fn"), METHODS, ids=[m[0] for m in METHODS])
def test_body_uses_every_parameter(name: str, fn: Callable[..., Any]) -> None:
    tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    body = tree.body[0]
    assert isinstance(body, ast.FunctionDef | ast.AsyncFunctionDef)
    used = {node.id for stmt in body.body for node in ast.walk(stmt) if isinstance(node, ast.Name)}
    unused = [p.name for p in _params(fn) if p.name not in used]
    assert not unused, f"{name} accepts but never sends {unused}"


def test_a_parameter_name_has_one_type_across_the_api() -> None:
    types: defaultdict[str, set[str]] = defaultdict(set)
    for _, fn in METHODS:
        for param in _params(fn):
            # Required here, optional there is fine: compare the type without ``| None``.
            types[param.name].add(str(param.annotation).removesuffix(" | None"))
    clashes = {name: seen for name, seen in types.items() if len(seen) > 1}
    assert set(clashes) == set(HOMONYMS), clashes


@pytest.mark.parametrize(
    ("sync_cls", "async_cls"), [*PAIRS, (Pictify, AsyncPictify)], ids=lambda c: c.__name__
)
def test_sync_surface_is_the_async_one_rewritten(sync_cls: type, async_cls: type) -> None:
    rewrite = unasync.unasync_text
    assert sync_cls.__doc__ == rewrite(async_cls.__doc__)
    for name, async_fn in vars(async_cls).items():
        if not inspect.isfunction(async_fn):
            continue
        sync_fn = getattr(sync_cls, rewrite(name))
        assert sync_fn.__doc__ == (rewrite(async_fn.__doc__) if async_fn.__doc__ else None)
        assert str(inspect.signature(sync_fn)) == rewrite(str(inspect.signature(async_fn)))
