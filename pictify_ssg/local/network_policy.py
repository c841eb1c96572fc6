"""Which URLs the renderer may fetch: cards stay offline, screenshots stay off private networks.

Two kinds of render reach the network for different reasons, so they get different rules:

* A **card** (HTML, usually a template filled with a page author's variables) renders from its
  own document and inlined ``data:`` assets. By default it may fetch nothing at all; operators
  can allow ``https`` hosts for web fonts or images (``ServerOptions.card_hosts``, exact names or
  ``*.example.com`` wildcards).
* A **URL screenshot** reaches the network on purpose, but only public addresses: loopback,
  private (RFC 1918), shared (CGNAT), link-local (including the cloud metadata address) and other
  special-purpose ranges stay closed unless ``ServerOptions.allow_private_network`` opens them.

Either way a host name is resolved and *every* address it resolves to must be allowed, so a
name that points at ``127.0.0.1`` is refused like the literal address. The renderer asks these
questions for every request Chromium makes (see `pictify_ssg.local.renderer`), with the URL
Chromium already normalised (``http://2130706433/`` arrives as ``http://127.0.0.1/``); the same
normalisation is implemented here (`literal_address`) for URLs checked before Chromium sees them.

Known limits, both for URL screenshots of hostile pages (cards are also held by their CSP):
Chromium resolves a name again when it connects, so a DNS server that answers differently a
moment later (DNS rebinding) can still reach a private address; and a WebSocket opened inside a
web worker escapes both request interception and Playwright's WebSocket routing. Closing those
needs an egress proxy (or network namespace) in front of Chromium that applies these rules to
the addresses it really connects to; the checks here stop every plain attempt.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable, Iterable, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Union
from urllib.parse import urlsplit

Address = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]  # noqa: UP007 - py3.10 alias
Resolver = Callable[[str], Awaitable[Sequence[Address]]]
"""Resolves a host name to its addresses; raises `OSError` when it cannot."""

PRIVATE_NETWORK_HINT = (
    "set ServerOptions.allow_private_network (PICTIFY_LOCAL_ALLOW_PRIVATE_NETWORK=1) to let the "
    "renderer reach private, loopback and link-local addresses"
)

_V4_RANGES: tuple[tuple[ipaddress.IPv4Network, str], ...] = tuple(
    (ipaddress.IPv4Network(net), label)
    for net, label in (
        ("0.0.0.0/8", "unspecified ('this network')"),
        ("127.0.0.0/8", "loopback"),
        ("10.0.0.0/8", "private (RFC 1918)"),
        ("172.16.0.0/12", "private (RFC 1918)"),
        ("192.168.0.0/16", "private (RFC 1918)"),
        ("100.64.0.0/10", "shared (CGNAT, RFC 6598)"),
        ("169.254.169.254/32", "link-local (cloud metadata)"),
        ("169.254.0.0/16", "link-local"),
        ("224.0.0.0/4", "multicast"),
        ("255.255.255.255/32", "broadcast"),
    )
)
_V6_RANGES: tuple[tuple[ipaddress.IPv6Network, str], ...] = tuple(
    (ipaddress.IPv6Network(net), label)
    for net, label in (
        ("::/128", "unspecified"),
        ("::1/128", "loopback"),
        ("fe80::/10", "link-local"),
        ("fc00::/7", "unique local (ULA)"),
        ("fec0::/10", "site-local (deprecated)"),
        ("ff00::/8", "multicast"),
    )
)
# IPv6 ranges that carry an IPv4 address in their low 32 bits: IPv4-compatible (::a.b.c.d,
# deprecated but still routable on some stacks) and the NAT64 well-known prefix. IPv4-mapped and
# 6to4 addresses have their own accessors on `ipaddress.IPv6Address`.
_V4_IN_V6 = (ipaddress.IPv6Network("::/96"), ipaddress.IPv6Network("64:ff9b::/96"))


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, compatible, 6to4, NAT64), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if int(address) > 1 and any(address in net for net in _V4_IN_V6):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def non_public_range(address: Address) -> str | None:
    """The name of the non-public range ``address`` is in, or ``None`` for a public address.

    IPv6 forms of an IPv4 address (``::ffff:127.0.0.1``, 6to4, NAT64) are judged by that IPv4
    address. Anything Python does not call global (documentation, benchmarking, reserved
    ranges) counts as non-public too.
    """
    if isinstance(address, ipaddress.IPv6Address):
        inner = embedded_ipv4(address)
        if inner is not None:
            label = non_public_range(inner)
            return f"{label} (IPv4 {inner} inside IPv6)" if label else None
        for net6, label in _V6_RANGES:
            if address in net6:
                return label
    else:
        for net4, label in _V4_RANGES:
            if address in net4:
                return label
    if not address.is_global:
        return "special-purpose (reserved)"
    return None


def _ipv4_number(part: str) -> int | None:
    """One dotted part the way browsers read it: ``0x`` hex, leading-zero octal, or decimal."""
    if part[:2].lower() == "0x":
        digits, base = part[2:], 16
        if digits == "":
            return 0
    elif len(part) > 1 and part.startswith("0"):
        digits, base = part[1:], 8
    else:
        digits, base = part, 10
    try:
        return int(digits, base) if digits.isalnum() and digits.isascii() else None
    except ValueError:
        return None


def literal_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address a URL host spells, with the WHATWG URL parser's forms.

    Browsers read ``2130706433``, ``0x7f.1``, ``0177.0.0.1`` and ``127.1`` all as ``127.0.0.1``.

    Returns:
        The address, or ``None`` when the host is a domain name.

    Raises:
        ValueError: The host looks like an IPv4 address (its last part is a number) but is not
            a valid one; browsers refuse such URLs.
    """
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    if _ipv4_number(parts[-1]) is None:
        return None  # does not end in a number: a domain name
    numbers = [_ipv4_number(p) if p else None for p in parts]
    if len(numbers) > 4 or any(n is None for n in numbers):
        raise ValueError(f"{host!r} is not a valid IPv4 address")
    values = [n for n in numbers if n is not None]
    if any(n > 255 for n in values[:-1]) or values[-1] >= 256 ** (5 - len(values)):
        raise ValueError(f"{host!r} is not a valid IPv4 address")
    number = values[-1]
    for index, value in enumerate(values[:-1]):
        number += value << (8 * (3 - index))
    return ipaddress.IPv4Address(number)


def literal_address(host: str) -> Address | None:
    """The address a URL host names literally (IPv6 with or without brackets), else ``None``.

    Raises:
        ValueError: The host is a malformed address.
    """
    bare = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if ":" in bare:
        return ipaddress.IPv6Address(bare.split("%", 1)[0])
    return literal_ipv4(bare)


_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"  # the characters CSP host sources allow
_HOST_PATTERN = re.compile(rf"^(\*\.)?({_LABEL}\.)*{_LABEL}$")


def normalise_host_pattern(pattern: str) -> str:
    """``pattern`` as the allow-list keeps it: lower case, ASCII (IDNA), no trailing dot.

    Raises:
        ValueError: Not a host name or ``*.``-wildcard (no scheme, port, path or inner ``*``).
    """
    text = pattern.strip().lower().rstrip(".")
    try:
        ascii_text = text.encode("idna").decode("ascii") if not text.isascii() else text
    except UnicodeError:
        ascii_text = ""
    if not _HOST_PATTERN.match(ascii_text) or ascii_text == "*":
        raise ValueError(
            f"card host {pattern!r} must be a host name such as 'fonts.gstatic.com' or a "
            "wildcard such as '*.example.com' (no scheme, port or path)"
        )
    return ascii_text


def host_allowed(host: str, patterns: Iterable[str]) -> bool:
    """Whether ``host`` is one of ``patterns``; ``*.example.com`` matches subdomains only."""
    host = host.lower().rstrip(".")
    for pattern in patterns:
        if host == pattern or (pattern.startswith("*.") and host.endswith(pattern[1:])):
            return True
    return False


def card_content_security_policy(patterns: Iterable[str]) -> str:
    """The Content-Security-Policy the card document is served with.

    Only inline content, ``data:``/``blob:`` URLs and ``https`` on the allowed hosts may load
    (this is a second wall behind request interception, which sees what CSP lets through). The
    ``sandbox`` directive (without ``allow-same-origin``, ``allow-popups``, ``allow-forms`` or
    ``allow-modals``) gives the card an opaque origin, so no cookie or storage survives from one
    card to the next, and refuses popups, forms and dialogs; scripts are allowed here because
    whether they run is decided per render (the template's ``jsEnabled``).
    """
    hosts = " ".join(f"https://{pattern}" for pattern in patterns)
    sources = f"'unsafe-inline' 'unsafe-eval' data: blob: {hosts}".strip()
    return f"default-src {sources}; form-action 'none'; sandbox allow-scripts"


async def system_resolver(host: str) -> list[Address]:
    """Every address the system resolver gives for ``host`` (what Chromium would connect to)."""
    infos = await asyncio.get_running_loop().getaddrinfo(
        host, None, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


VerdictCache = MutableMapping[str, Union[str, None]]  # noqa: UP007 - py3.10 alias
"""Per-render memory of host verdicts (reason or ``None``), so a page's many requests to one host
resolve it once; it lives for one render so a changed DNS answer is seen by the next."""


@dataclass(frozen=True)
class NetworkPolicy:
    """The renderer's network rules.

    Args:
        card_hosts: Host names (or ``*.example.com`` wildcards) cards may load ``https`` resources
            from; empty keeps cards offline.
        allow_private_network: Let URL screenshots (and allowed card hosts) reach loopback,
            private, shared and link-local addresses.
        resolver: Host name resolution (the system resolver by default; tests inject one).
        resolve_timeout_s: Upper bound for one resolution; a host that takes longer is refused.
    """

    card_hosts: tuple[str, ...] = ()
    allow_private_network: bool = False
    resolver: Resolver = field(default=system_resolver, compare=False)
    resolve_timeout_s: float = 5.0

    def __post_init__(self) -> None:
        hosts = tuple(dict.fromkeys(normalise_host_pattern(p) for p in self.card_hosts))
        object.__setattr__(self, "card_hosts", hosts)

    @property
    def card_csp(self) -> str:
        """The card document's Content-Security-Policy (see `card_content_security_policy`)."""
        return card_content_security_policy(self.card_hosts)

    async def check_card_resource(self, url: str, cache: VerdictCache | None = None) -> str | None:
        """Why a card may not fetch ``url``, or ``None`` when it may.

        Only ``https`` on the default port of an allowed host whose every address is public
        (or private with ``allow_private_network``) passes. ``data:`` and ``blob:`` stay inside
        the browser and always pass.
        """
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme in ("data", "blob"):
            return None
        host = (parts.hostname or "").rstrip(".")
        if not self.card_hosts:
            return "cards render offline (no ServerOptions.card_hosts are allowed)"
        if scheme != "https":
            return f"cards may only load https resources, not {scheme}:"
        if not host_allowed(host, self.card_hosts):
            return f"{host} is not one of ServerOptions.card_hosts"
        try:
            port = parts.port
        except ValueError:
            return "the URL has an invalid port"
        if port not in (None, 443):
            return f"cards may only load https resources on port 443, not {port}"
        return await self._check_host(host, cache)

    async def check_page_resource(self, url: str, cache: VerdictCache | None = None) -> str | None:
        """Why a URL screenshot may not fetch ``url`` (http/https on allowed addresses only)."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme in ("data", "blob", "about"):
            return None
        if scheme not in ("http", "https"):
            return f"only http and https URLs may be loaded, not {scheme}:"
        host = (parts.hostname or "").rstrip(".")
        if not host:
            return "the URL has no host"
        return await self._check_host(host, cache)

    async def _check_host(self, host: str, cache: VerdictCache | None) -> str | None:
        if cache is not None and host in cache:
            return cache[host]
        verdict = await self._host_verdict(host)
        if cache is not None:
            cache[host] = verdict
        return verdict

    async def _host_verdict(self, host: str) -> str | None:
        try:
            literal = literal_address(host)
        except ValueError:
            return f"{host} is not a valid address"
        if literal is not None:
            return self._address_verdict(host, [literal], literal=True)
        if host == "localhost" or host.endswith(".localhost"):
            # Chromium answers *.localhost itself (loopback), without asking DNS.
            return self._address_verdict(host, [ipaddress.IPv4Address("127.0.0.1")])
        try:
            addresses = await asyncio.wait_for(self.resolver(host), self.resolve_timeout_s)
        except asyncio.TimeoutError:
            return f"{host} could not be resolved within {self.resolve_timeout_s:g} s"
        except (OSError, UnicodeError) as exc:
            return f"{host} could not be resolved ({exc})"
        if not addresses:
            return f"{host} could not be resolved (no addresses)"
        return self._address_verdict(host, addresses)

    def _address_verdict(
        self, host: str, addresses: Sequence[Address], *, literal: bool = False
    ) -> str | None:
        if self.allow_private_network:
            return None
        for address in addresses:
            label = non_public_range(address)
            if label is not None:
                if literal and host.strip("[]") == str(address):
                    subject = host
                else:
                    verb = "stands for" if literal else "resolves to"
                    subject = f"{host} {verb} {address}, which"
                return f"{subject} is a {label} address; {PRIVATE_NETWORK_HINT}"
        return None
