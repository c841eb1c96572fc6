"""Fingerprints: stable for the same inputs, different when anything visible changes."""

from __future__ import annotations

from typing import Any

import pytest

from pictify_ssg.core.fingerprint import canonical_json, card_fingerprint

BASE: dict[str, Any] = {
    "service": "https://api.pictify.io",
    "template": {"uid": "TPL", "version": "2024-01-01T00:00:00Z"},
    "variables": {"title": "Hello", "description": "World"},
    "width": 1200,
    "height": 630,
    "format": "png",
    "quality": 0.9,
}

PINNED = "05e2eeab1d9726eeef6d80212d7622188d82cb3e441aae14dd3fe0260a681550"


def test_known_value_is_pinned() -> None:
    # A change here invalidates every user's cache: bump SCHEMA_VERSION deliberately instead.
    assert card_fingerprint(**BASE) == PINNED


def test_key_order_does_not_matter() -> None:
    reordered = dict(BASE, variables={"description": "World", "title": "Hello"})
    assert card_fingerprint(**reordered) == card_fingerprint(**BASE)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("service", "local"),
        ("template", {"uid": "TPL", "version": "2024-01-02T00:00:00Z"}),
        ("template", {"uid": "OTHER", "version": "2024-01-01T00:00:00Z"}),
        ("template", {"file_sha256": "ab" * 32}),
        ("variables", {"title": "Hello!", "description": "World"}),
        ("variables", {"title": "Hello", "description": "World", "extra": ""}),
        ("variables", {"title": "Hello"}),
        ("width", 1201),
        ("height", 600),
        ("format", "jpeg"),
        ("quality", 0.8),
    ],
)
def test_every_input_changes_the_fingerprint(field: str, value: object) -> None:
    assert card_fingerprint(**dict(BASE, **{field: value})) != card_fingerprint(**BASE)


def test_canonical_json_is_compact_sorted_and_unicode() -> None:
    assert canonical_json({"b": 1, "a": "é"}) == '{"a":"é","b":1}'.encode()
    with pytest.raises(ValueError, match="JSON compliant"):
        canonical_json({"x": float("nan")})
