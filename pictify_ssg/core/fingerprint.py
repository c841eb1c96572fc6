"""Card fingerprints: sha256 over canonical JSON of everything that changes the image."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

#: Bump when the meaning of a fingerprint changes, so old cache entries stop matching.
SCHEMA_VERSION = 1


def canonical_json(value: Any) -> bytes:
    """JSON with sorted keys and fixed separators: the same data always gives the same bytes."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def card_fingerprint(
    *,
    service: str,
    template: Mapping[str, Any],
    variables: Mapping[str, str],
    width: int,
    height: int,
    format: str,
    quality: float,
    options: Mapping[str, str] | None = None,
) -> str:
    """The sha256 hex digest identifying one card image.

    Args:
        service: Identity of the rendering service (its base URL, or ``"local"``).
        template: Template identity and version, e.g. ``{"uid": ..., "version": ...}`` or
            ``{"file_sha256": ...}``.
        variables: The rendered card variables.
        width: Card width.
        height: Card height.
        format: Image format.
        quality: Image quality.
        options: Further settings that change the image; left out of the digest when empty,
            so adding one keeps the fingerprints of every card that does not use it.
    """
    payload = {
        "schema": SCHEMA_VERSION,
        "service": service,
        "template": dict(template),
        "variables": dict(variables),
        "size": [width, height],
        "format": format,
        "quality": round(quality, 4),
    }
    if options:
        payload["options"] = dict(options)
    return hashlib.sha256(canonical_json(payload)).hexdigest()


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of some bytes (template files, fallback images)."""
    return hashlib.sha256(data).hexdigest()
