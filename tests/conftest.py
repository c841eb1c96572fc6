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
