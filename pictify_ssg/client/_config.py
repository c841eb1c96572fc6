"""Client configuration: one frozen object built by small named normalisers.

Every value is resolved once, at construction, so a missing API key fails there and not as a
401 on the first call.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from typing import Any
from urllib.parse import urlsplit

import httpx

from ._types import NotGiven, TimeoutTypes
from .exceptions import PictifyError

DEFAULT_BASE_URL = "https://api.pictify.io"
#: Seconds per request when neither the call, the constructor nor ``http_client`` says.
DEFAULT_TIMEOUT = 30.0
#: Read timeout of the long operations (GIF create and capture, multi-page PDFs, agent
#: screenshots) under the same condition: recording frames or driving a browser agent
#: routinely takes longer than a still render. Connecting keeps :data:`DEFAULT_TIMEOUT`, so a
#: server that cannot be reached still fails fast.
LONG_OPERATION_TIMEOUT = 120.0
DEFAULT_MAX_RETRIES = 2
API_KEY_ENV = "PICTIFY_API_KEY"
BASE_URL_ENV = "PICTIFY_BASE_URL"
REDACTED = "***"


def _package_version() -> str:
    try:
        return version("pictify-ssg")
    except PackageNotFoundError:  # running from a source tree without metadata
        return "0"


USER_AGENT = f"pictify-ssg/{_package_version()}"


def resolve_api_key(api_key: str | None, environ: Mapping[str, str] | None = None) -> str:
    """Return the explicit key, else ``PICTIFY_API_KEY``; raise a clear error when neither is set.

    Args:
        api_key: The key passed to the constructor, if any.
        environ: Environment to read (defaults to ``os.environ``).

    Raises:
        PictifyError: When no non-blank key can be found.
    """
    env = os.environ if environ is None else environ
    key = api_key if api_key is not None else env.get(API_KEY_ENV)
    if key is None or not key.strip():
        raise PictifyError(
            "No Pictify API key: pass api_key=... or set the PICTIFY_API_KEY environment variable."
        )
    return key.strip()


def resolve_base_url(base_url: str | None, environ: Mapping[str, str] | None = None) -> str:
    """Return the base URL without a trailing slash (argument > ``PICTIFY_BASE_URL`` > default).

    The SDK documentation shows ``https://api.pictify.io/v1``, but the API has no URL versioning
    (wire notes, conflict C1): for the hosted host a trailing ``/v1`` is dropped. Other hosts
    (proxies, the local server) are kept as given.

    Raises:
        PictifyError: When the URL is not an absolute http(s) URL.
    """
    env = os.environ if environ is None else environ
    raw = base_url or env.get(BASE_URL_ENV) or DEFAULT_BASE_URL
    url = raw.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PictifyError(f"Invalid Pictify base URL {raw!r}: expected http(s)://host[/path].")
    if parts.hostname == "api.pictify.io" and parts.path.rstrip("/") == "/v1":
        url = url[: -len("/v1")]
    return url


def resolve_timeout(timeout: TimeoutTypes) -> httpx.Timeout:
    """Turn seconds (or ``None`` for no limit) into an ``httpx.Timeout``.

    Raises:
        ValueError: For zero, a negative number or NaN.
    """
    if isinstance(timeout, httpx.Timeout):
        return timeout
    if timeout is not None and not timeout > 0:  # "not >" also rejects NaN
        raise ValueError("timeout must be positive (or None for no timeout)")
    return httpx.Timeout(timeout)


def default_timeout(long_running: bool) -> httpx.Timeout:
    """The timeout of a call for which nobody configured one.

    Args:
        long_running: The endpoint is one of the long operations (see
            :data:`LONG_OPERATION_TIMEOUT`).
    """
    if long_running:
        return httpx.Timeout(DEFAULT_TIMEOUT, read=LONG_OPERATION_TIMEOUT)
    return httpx.Timeout(DEFAULT_TIMEOUT)


def resolve_max_retries(max_retries: int) -> int:
    """Validate the retry budget (retries after the first attempt)."""
    if max_retries < 0:
        raise ValueError("max_retries must be >= 0")
    return max_retries


def redact(value: Any, secret: str) -> Any:
    """Replace every occurrence of ``secret`` inside strings of a JSON-like value.

    Used on error messages and bodies so a server that echoes the key cannot leak it.
    """
    if not secret:
        return value
    if isinstance(value, str):
        return value.replace(secret, REDACTED)
    if isinstance(value, Mapping):
        return {k: redact(v, secret) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v, secret) for v in value]
    return value


@dataclass(frozen=True)
class ClientConfig:
    """Resolved, immutable client settings.

    Attributes:
        api_key: The bearer token (never shown by ``repr``).
        base_url: API root without trailing slash.
        timeout: The constructor's timeout for every request, or ``None`` when the caller gave
            none (then an ``http_client`` keeps its own, and the client's defaults apply
            otherwise).
        max_retries: Retries after the first attempt.
    """

    api_key: str = field(repr=False)
    base_url: str
    timeout: httpx.Timeout | None
    max_retries: int

    @classmethod
    def create(
        cls,
        api_key: str | None,
        base_url: str | None,
        timeout: TimeoutTypes | NotGiven,
        max_retries: int,
    ) -> ClientConfig:
        """Build the config with every normaliser applied."""
        return cls(
            api_key=resolve_api_key(api_key),
            base_url=resolve_base_url(base_url),
            timeout=None if isinstance(timeout, NotGiven) else resolve_timeout(timeout),
            max_retries=resolve_max_retries(max_retries),
        )

    def __repr__(self) -> str:
        return (
            f"ClientConfig(api_key={REDACTED!r}, base_url={self.base_url!r}, "
            f"max_retries={self.max_retries})"
        )
