"""Sync and async surfaces are identical: same resources, methods and parameters."""

from __future__ import annotations

import inspect

import pytest

from pictify_ssg.client import AsyncPictify, Pictify
from pictify_ssg.client._resources import (
    AsyncBindings,
    AsyncGifs,
    AsyncImages,
    AsyncPdfs,
    AsyncTemplates,
    AsyncWebhooks,
    Bindings,
    Gifs,
    Images,
    Pdfs,
    Templates,
    Webhooks,
)

PAIRS = [
    (Images, AsyncImages),
    (Gifs, AsyncGifs),
    (Pdfs, AsyncPdfs),
    (Templates, AsyncTemplates),
    (Webhooks, AsyncWebhooks),
    (Bindings, AsyncBindings),
]

#: Methods returning a paginator are plain functions in both flavours.
PAGINATED = {"list"}


def _public_methods(cls: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_")
    }


def _params(sig: inspect.Signature) -> list[tuple[str, object, object]]:
    return [(p.name, p.kind, p.default) for p in sig.parameters.values()]


@pytest.mark.parametrize(("sync_cls", "async_cls"), PAIRS, ids=[p[0].__name__ for p in PAIRS])
def test_resource_pairs_match(sync_cls: type, async_cls: type) -> None:
    sync_methods = _public_methods(sync_cls)
    async_methods = _public_methods(async_cls)
    assert sync_methods.keys() == async_methods.keys()
    for name, sig in sync_methods.items():
        assert _params(sig) == _params(async_methods[name]), name
        async_fn = getattr(async_cls, name)
        assert inspect.iscoroutinefunction(async_fn) is (name not in PAGINATED), name
        assert not inspect.iscoroutinefunction(getattr(sync_cls, name))
        assert getattr(sync_cls, name).__doc__, f"{sync_cls.__name__}.{name} lacks a docstring"


def test_clients_have_the_same_resources_and_constructor() -> None:
    sync_client = Pictify("k")
    async_client = AsyncPictify("k")
    for attr in ("images", "gifs", "pdfs", "templates", "webhooks", "bindings"):
        sync_res = getattr(sync_client, attr)
        async_res = getattr(async_client, attr)
        assert (type(sync_res), type(async_res)) in PAIRS
    sync_params = [p.name for p in inspect.signature(Pictify).parameters.values()]
    async_params = [p.name for p in inspect.signature(AsyncPictify).parameters.values()]
    assert sync_params == async_params
    assert sync_params[:1] == ["api_key"]
    assert {"base_url", "timeout", "max_retries", "http_client", "transport"} <= set(sync_params)
    sync_client.close()


def test_clients_have_the_same_public_methods() -> None:
    sync_names = set(_public_methods(Pictify))
    async_names = set(_public_methods(AsyncPictify))
    assert sync_names == async_names == {"close"}
    assert hasattr(Pictify, "__enter__")
    assert hasattr(AsyncPictify, "__aenter__")
