"""Adapter builds run on the local renderer unless a test says otherwise."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """No PICTIFY_API_KEY from the developer's shell: a test that wants the hosted backend
    sets its own (a local server's key)."""
    monkeypatch.delenv("PICTIFY_API_KEY", raising=False)
