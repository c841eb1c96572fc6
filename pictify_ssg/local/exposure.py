"""Whether a bound address is reachable from other machines, and the warning when it is."""

from __future__ import annotations

import ipaddress


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine.

    ``localhost``, 127.0.0.0/8 and ``::1`` (also IPv4-mapped, ``::ffff:127.0.0.1``) are;
    wildcards (``0.0.0.0``, ``::``, the empty string), other addresses and other names are not.
    Judge the address the socket is really bound to when you have it: a name may resolve to
    anything.
    """
    name = host.strip().strip("[]").rstrip(".").lower()
    if name == "localhost":
        return True
    try:
        address = ipaddress.ip_address(name.split("%", 1)[0])  # drop an IPv6 zone ("%eth0")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def exposure_warning(base_url: str) -> str:
    """The one-line warning for a server listening at ``base_url`` beyond this machine."""
    return (
        f"the server at {base_url} is reachable from other machines and has no TLS: API keys "
        "and cards cross the network unencrypted, and anyone who can reach the port can use "
        "the API with a key they see or guess. Bind to 127.0.0.1 (the default), or put a "
        "TLS-terminating reverse proxy (Caddy, nginx) in front and firewall the port"
    )
