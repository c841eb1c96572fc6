"""Fixtures shared by every test package: a real local Pictify server over loopback HTTP."""

from __future__ import annotations

import logging
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


@pytest.fixture(autouse=True)
def _forget_pelicans_seen_messages() -> None:
    """Give each test a fresh duplicate-message memory in Pelican's logging.

    Importing Pelican makes every logger created afterwards drop a message it has already
    seen in this process (pelican.log.LimitFilter keeps that memory at class level). A real
    build is one process, so this only matters when tests share one: without the reset, a test
    would miss a warning because an earlier test logged the same text.
    """
    import sys

    log_module = sys.modules.get("pelican.log")
    limit_filter = getattr(log_module, "LimitFilter", None)
    if limit_filter is None:
        return
    limit_filter._raised_messages.clear()
    limit_filter._ignore.clear()
    group_count = getattr(limit_filter, "_group_count", None)
    if isinstance(group_count, dict):
        group_count.clear()
    # Loggers of ours and of MkDocs that were created after the import became Pelican's
    # LimitLogger; outside Pelican they are plain loggers, so tests see them as such.
    for name, logger in logging.root.manager.loggerDict.items():
        if name.startswith(("pictify_ssg", "mkdocs")) and hasattr(logger, "disable_filter"):
            logger.disable_filter()
