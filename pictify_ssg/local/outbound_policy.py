"""Where the server itself may send requests: webhook targets and binding data sources.

`network_policy` governs what a *render* may fetch, where the URLs come from page authors and
are untrusted. Webhook ``targetUrl`` and binding ``dataSource.url`` are different: the API key
holder (the operator of this server) names them, to call their own systems. So the rule is an
explicit allow-list the operator writes, `ServerOptions.outbound_hosts`:

* a listed name or address (``127.0.0.1``, ``hooks.example.com``, ``*.example.com``) is reached
  on any port over http or https, whatever it resolves to, private and loopback included: the
  operator named it;
* ``*`` allows any other host, but only when every address it resolves to is public (the
  render network policy's ranges), so a wildcard grant never opens the private network;
* nothing else: the default list is empty, so a server that was not told where to call calls
  nowhere, and every such URL is refused with a 400 naming the request field.

URLs are checked when a subscription or binding is written (the 400) and again before every
request (the list may have changed since, across restarts); redirects are never followed, so an
allowed host cannot bounce a request to another one.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

from pictify_ssg.local.api_errors import ApiError
from pictify_ssg.local.network_policy import NetworkPolicy, host_allowed, normalise_host_pattern

ANY_PUBLIC_HOST = "*"
OUTBOUND_HINT = "allow its host in ServerOptions.outbound_hosts (PICTIFY_LOCAL_OUTBOUND_HOSTS)"


def normalise_outbound_host(pattern: str) -> str:
    """``pattern`` as `ServerOptions.outbound_hosts` keeps it.

    Raises:
        ValueError: Not ``*``, an IP address, a host name or a ``*.``-wildcard.
    """
    text = pattern.strip().lower()
    if text == ANY_PUBLIC_HOST:
        return text
    try:
        return str(ipaddress.ip_address(text.strip("[]")))
    except ValueError:
        pass
    try:
        return normalise_host_pattern(text)
    except ValueError:
        raise ValueError(
            f"outbound host {pattern!r} must be '*', an IP address, a host name such as "
            "'hooks.example.com' or a wildcard such as '*.example.com'"
        ) from None


def _host_of(url: str) -> str:
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host


class OutboundPolicy:
    """The allow-list check (see the module docstring).

    Args:
        hosts: Normalised `ServerOptions.outbound_hosts`.
    """

    def __init__(self, hosts: Iterable[str]) -> None:
        self.hosts = tuple(hosts)
        # Only consulted for ``*``: the render policy's public-address rule, without its
        # card or private-network switches.
        self._public_only = NetworkPolicy()

    def refusal(self, url: str) -> str | None:
        """Why ``url`` may not be called (without resolving it), or ``None`` when it may."""
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            return "must be an absolute http(s) URL"
        try:
            parts.port  # noqa: B018 - raises for a malformed port
        except ValueError:
            return "has an invalid port"
        host = _host_of(url)
        if host_allowed(host, [h for h in self.hosts if h != ANY_PUBLIC_HOST]):
            return None
        if ANY_PUBLIC_HOST in self.hosts:
            return None  # decided by `check` once the name is resolved
        if not self.hosts:
            return f"the server calls no URL until its operator allows hosts: {OUTBOUND_HINT}"
        return f"{host} is not one of ServerOptions.outbound_hosts; {OUTBOUND_HINT}"

    async def check(self, url: str) -> str | None:
        """Like `refusal`, and for hosts allowed only by ``*``, resolve and require public."""
        reason = self.refusal(url)
        if reason is not None:
            return reason
        host = _host_of(url)
        if host_allowed(host, [h for h in self.hosts if h != ANY_PUBLIC_HOST]):
            return None
        return await self._public_only.check_page_resource(url)

    def require(self, field: str, url: str) -> None:
        """Raise the 400 naming ``field`` when ``url`` is refused.

        Raises:
            ApiError: 400 ``URL_NOT_ALLOWED`` with the field in ``errors``.
        """
        reason = self.refusal(url)
        if reason is not None:
            raise refused(field, reason)


def refused(field: str, reason: str) -> ApiError:
    """The 400 for a URL the outbound policy refuses."""
    return ApiError(
        400,
        f"{field}: {reason}",
        "URL_NOT_ALLOWED",
        errors=[{"field": field, "message": reason, "code": "URL_NOT_ALLOWED"}],
    )
