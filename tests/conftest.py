"""Fixtures shared by every test package: a real local Pictify server over loopback HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pictify_ssg.local import LocalServer


@pytest.fixture(scope="session")
def local_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    """One real Pictify-compatible server (with Chromium) for the whole test session."""
    from pictify_ssg.local import LocalServer

    with LocalServer(data_dir=tmp_path_factory.mktemp("local-server")) as server:
        yield server


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip `live` tests (they call the hosted Pictify API) unless PICTIFY_LIVE=1 opts in."""
    import os

    if os.environ.get("PICTIFY_LIVE") == "1" and os.environ.get("PICTIFY_API_KEY"):
        return
    skip = pytest.mark.skip(reason="live test: set PICTIFY_LIVE=1 and PICTIFY_API_KEY to run")
    for item in items:
        if item.get_closest_marker("live"):
            item.add_marker(skip)
