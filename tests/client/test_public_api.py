"""The curated public surface of ``pictify_ssg.client``."""

from __future__ import annotations

import pytest

import pictify_ssg.client as client_pkg
from pictify_ssg.client import exceptions


def _isort_key(name: str) -> tuple[int, str]:
    """The order ruff's RUF022 keeps: CONSTANTS, then Classes, then functions/modules."""
    group = 0 if name.isupper() else 1 if name[0].isupper() else 2
    return group, name


def test_all_is_sorted_and_unique() -> None:
    assert client_pkg.__all__ == sorted(client_pkg.__all__, key=_isort_key)
    assert len(set(client_pkg.__all__)) == len(client_pkg.__all__)


def test_all_is_complete() -> None:
    public = {
        name
        for name in vars(client_pkg)
        if not name.startswith("_") and name not in {"annotations"}
    }
    assert public == set(client_pkg.__all__)
    for name in client_pkg.__all__:
        assert getattr(client_pkg, name) is not None


def test_exceptions_all_is_sorted_and_complete() -> None:
    assert exceptions.__all__ == sorted(exceptions.__all__, key=_isort_key)
    classes = {
        name
        for name, value in vars(exceptions).items()
        if isinstance(value, type) and issubclass(value, Exception) and not name.startswith("_")
    }
    assert classes == set(exceptions.__all__)


@pytest.mark.parametrize(
    "name",
    ["PictifyError", "RateLimitError", "ValidationError", "AuthenticationError"],
)
def test_seed_exception_names_exist(name: str) -> None:
    assert issubclass(getattr(exceptions, name), exceptions.PictifyError)


@pytest.mark.parametrize("name", exceptions.__all__)
def test_every_exception_is_a_pictify_error(name: str) -> None:
    assert issubclass(getattr(exceptions, name), exceptions.PictifyError)


def test_timeout_is_a_connection_error() -> None:
    assert issubclass(exceptions.APITimeoutError, exceptions.APIConnectionError)
    assert issubclass(exceptions.BatchTimeoutError, TimeoutError)
