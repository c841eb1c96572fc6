"""The renderer's network rules as pure decisions: address ranges, host forms, allow-lists."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence

import pytest

from pictify_ssg.local import ServerOptions
from pictify_ssg.local.network_policy import (
    Address,
    NetworkPolicy,
    card_content_security_policy,
    host_allowed,
    literal_address,
    literal_ipv4,
    non_public_range,
    normalise_host_pattern,
)


@pytest.mark.parametrize(
    ("address", "label"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.255.254", "loopback"),
        ("0.0.0.0", "unspecified"),
        ("10.1.2.3", "private (RFC 1918)"),
        ("172.16.0.1", "private (RFC 1918)"),
        ("172.31.255.255", "private (RFC 1918)"),
        ("192.168.1.1", "private (RFC 1918)"),
        ("100.64.0.1", "shared (CGNAT"),
        ("100.127.255.254", "shared (CGNAT"),
        ("169.254.169.254", "link-local (cloud metadata)"),
        ("169.254.1.1", "link-local"),
        ("224.0.0.251", "multicast"),
        ("255.255.255.255", "broadcast"),
        ("192.0.2.10", "special-purpose"),  # documentation range
        ("198.18.0.1", "special-purpose"),  # benchmarking range
        ("240.0.0.1", "special-purpose"),  # reserved
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fc00::1", "unique local (ULA)"),
        ("fd12:3456::1", "unique local (ULA)"),
        ("fec0::1", "site-local"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback (IPv4 127.0.0.1 inside IPv6)"),
        ("::ffff:10.0.0.1", "private (RFC 1918) (IPv4 10.0.0.1 inside IPv6)"),
        ("::ffff:169.254.169.254", "link-local (cloud metadata)"),
        ("::127.0.0.1", "loopback (IPv4"),  # IPv4-compatible (deprecated)
        ("64:ff9b::7f00:1", "loopback (IPv4"),  # NAT64
        ("2002:7f00:1::", "loopback (IPv4"),  # 6to4
        ("2001:db8::1", "special-purpose"),  # documentation range
    ],
)
def test_non_public_addresses_are_named(address: str, label: str) -> None:
    found = non_public_range(ipaddress.ip_address(address))

    assert found is not None
    assert found.startswith(label)


@pytest.mark.parametrize(
    "address",
    ["93.184.215.14", "8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700::1111"],
)
def test_public_addresses_pass(address: str) -> None:
    assert non_public_range(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),  # one decimal number
        ("0x7f000001", "127.0.0.1"),  # one hex number
        ("0x7f.1", "127.0.0.1"),  # hex, then the last part fills three bytes
        ("0177.0.0.1", "127.0.0.1"),  # octal
        ("0177.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("127.0.0.1.", "127.0.0.1"),  # trailing dot
        ("0X7F.0.0.1", "127.0.0.1"),
        ("0", "0.0.0.0"),
        ("0x", "0.0.0.0"),
        ("3232235777", "192.168.1.1"),
        ("0xa9.0xfe.0xa9.0xfe", "169.254.169.254"),
        ("example.com", None),
        ("1.example", None),
        ("localhost", None),
    ],
)
def test_browser_ipv4_forms(host: str, expected: str | None) -> None:
    found = literal_ipv4(host)

    assert (str(found) if found is not None else None) == expected


@pytest.mark.parametrize("host", ["256.0.0.1", "1.2.3.4.5", "0x1ffffffff", "1.2.3.0x100", "1..2"])
def test_invalid_ipv4_forms_are_errors(host: str) -> None:
    with pytest.raises(ValueError, match="not a valid IPv4 address"):
        literal_ipv4(host)


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("[::1]", "::1"),
        ("::ffff:127.0.0.1", "::ffff:7f00:1"),
        ("[fe80::1%25eth0]", "fe80::1"),
        ("0x7f.1", "127.0.0.1"),
        ("cdn.example", None),
    ],
)
def test_literal_addresses(host: str, expected: str | None) -> None:
    found = literal_address(host)

    assert (str(found) if found is not None else None) == expected


@pytest.mark.parametrize(
    ("pattern", "normalised"),
    [
        ("fonts.gstatic.com", "fonts.gstatic.com"),
        (" Fonts.GStatic.com. ", "fonts.gstatic.com"),
        ("*.example.com", "*.example.com"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("localhost", "localhost"),
    ],
)
def test_host_patterns_are_normalised(pattern: str, normalised: str) -> None:
    assert normalise_host_pattern(pattern) == normalised


@pytest.mark.parametrize(
    "pattern",
    ["", "*", "https://fonts.gstatic.com", "cdn.example:443", "cdn.example/fonts", "a.*.com",
     "*example.com", "-bad.example", "two words"],
)  # fmt: skip
def test_bad_host_patterns_are_refused(pattern: str) -> None:
    with pytest.raises(ValueError, match="must be a host name"):
        normalise_host_pattern(pattern)


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("fonts.gstatic.com", True),
        ("FONTS.gstatic.com.", True),
        ("evil-fonts.gstatic.com", False),
        ("gstatic.com", False),
        ("a.example.com", True),
        ("a.b.example.com", True),
        ("example.com", False),  # the wildcard covers subdomains only
        ("badexample.com", False),
        ("example.com.evil.net", False),
    ],
)
def test_host_allow_list_matching(host: str, allowed: bool) -> None:
    assert host_allowed(host, ("fonts.gstatic.com", "*.example.com")) is allowed


def test_the_card_csp_allows_only_inline_data_and_the_listed_hosts() -> None:
    assert card_content_security_policy(()) == (
        "default-src 'unsafe-inline' 'unsafe-eval' data: blob:; form-action 'none'; "
        "sandbox allow-scripts"
    )
    assert "data: blob: https://fonts.gstatic.com https://*.example.com;" in (
        card_content_security_policy(("fonts.gstatic.com", "*.example.com"))
    )


def _resolver(table: Mapping[str, Sequence[str]]) -> NetworkPolicy:
    async def resolve(host: str) -> list[Address]:
        if host not in table:
            raise OSError("Name or service not known")
        return [ipaddress.ip_address(a) for a in table[host]]

    return NetworkPolicy(card_hosts=("fonts.example", "*.cdn.example"), resolver=resolve)


DNS = {
    "fonts.example": ["93.184.215.14"],
    "img.cdn.example": ["93.184.215.14", "2606:4700::1111"],
    "inside.cdn.example": ["10.0.0.5"],
    "mixed.cdn.example": ["93.184.215.14", "127.0.0.1"],  # one bad address is enough
    "metadata.cdn.example": ["169.254.169.254"],
    "public.example": ["93.184.215.14"],
    "lan.example": ["192.168.0.10"],
    "v6.example": ["::ffff:127.0.0.1"],
}


@pytest.mark.parametrize(
    ("url", "refusal"),
    [
        ("https://fonts.example/a.woff2", None),
        ("https://img.cdn.example/x.png", None),
        ("https://img.cdn.example:443/x.png", None),
        ("data:image/png;base64,AAAA", None),
        ("blob:https://x/1", None),
        ("http://fonts.example/a.woff2", "only load https"),
        ("https://fonts.example:8443/a.woff2", "port 443"),
        ("https://other.example/x.png", "not one of ServerOptions.card_hosts"),
        ("https://cdn.example/x.png", "not one of ServerOptions.card_hosts"),
        ("https://inside.cdn.example/x.png", "resolves to 10.0.0.5, which is a private"),
        ("https://mixed.cdn.example/x.png", "resolves to 127.0.0.1, which is a loopback"),
        ("https://metadata.cdn.example/", "cloud metadata"),
        ("https://gone.cdn.example/x.png", "could not be resolved"),
        ("file:///etc/passwd", "only load https"),
        ("ftp://fonts.example/x", "only load https"),
    ],
)
async def test_card_resources(url: str, refusal: str | None) -> None:
    found = await _resolver(DNS).check_card_resource(url)

    if refusal is None:
        assert found is None
    else:
        assert found is not None
        assert refusal in found


async def test_cards_are_offline_without_an_allow_list() -> None:
    found = await NetworkPolicy().check_card_resource("https://fonts.example/a.woff2")

    assert found is not None
    assert "offline" in found


@pytest.mark.parametrize(
    ("url", "refusal"),
    [
        ("https://public.example/", None),
        ("http://public.example:8080/page", None),
        ("http://93.184.215.14/", None),
        ("http://127.0.0.1:8000/", "127.0.0.1 is a loopback address"),
        ("http://localhost:8000/", "loopback"),
        ("http://app.localhost/", "loopback"),
        ("http://[::1]/", "::1 is a loopback address"),
        ("http://[::ffff:127.0.0.1]/", "loopback (IPv4 127.0.0.1 inside IPv6)"),
        ("http://2130706433/", "2130706433 stands for 127.0.0.1, which is a loopback"),
        ("http://0x7f.1/", "stands for 127.0.0.1"),
        ("http://0177.0.0.1/", "stands for 127.0.0.1"),
        ("http://0.0.0.0:8000/", "unspecified"),
        ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
        ("http://10.0.0.1/", "private (RFC 1918)"),
        ("http://100.64.0.1/", "shared (CGNAT"),
        ("http://[fd00::1]/", "unique local"),
        ("http://[fe80::1]/", "link-local"),
        ("http://lan.example/", "resolves to 192.168.0.10"),
        ("http://v6.example/", "loopback"),
        ("http://256.0.0.1/", "not a valid address"),
        ("file:///etc/passwd", "only http and https"),
        ("ftp://public.example/", "only http and https"),
        ("javascript:alert(1)", "only http and https"),
    ],
)
async def test_page_resources(url: str, refusal: str | None) -> None:
    found = await _resolver(DNS).check_page_resource(url)

    if refusal is None:
        assert found is None
    else:
        assert found is not None
        assert refusal in found
        if "valid" not in refusal and "http and https" not in refusal:
            assert "allow_private_network" in found


async def test_allow_private_network_opens_private_ranges_but_not_other_schemes() -> None:
    policy = NetworkPolicy(allow_private_network=True)

    assert await policy.check_page_resource("http://127.0.0.1:8000/") is None
    assert await policy.check_page_resource("http://169.254.169.254/") is None
    assert await policy.check_page_resource("file:///etc/passwd") is not None
    assert await policy.check_card_resource("http://127.0.0.1:8000/x.png") is not None


async def test_one_render_resolves_a_host_once() -> None:
    asked: list[str] = []

    async def resolve(host: str) -> list[Address]:
        asked.append(host)
        return [ipaddress.ip_address("93.184.215.14")]

    policy = NetworkPolicy(resolver=resolve)
    cache: dict[str, str | None] = {}
    for path in ("a", "b", "c"):
        assert await policy.check_page_resource(f"https://public.example/{path}", cache) is None

    assert asked == ["public.example"]


def test_options_carry_the_isolation_settings() -> None:
    options = ServerOptions.from_env(
        {
            "PICTIFY_LOCAL_CARD_HOSTS": "fonts.gstatic.com, *.example.com",
            "PICTIFY_LOCAL_ALLOW_PRIVATE_NETWORK": "yes",
            "PICTIFY_LOCAL_CARD_TIMEOUT_S": "4.5",
        }
    )
    defaults = ServerOptions()

    assert options.card_hosts == ("fonts.gstatic.com", "*.example.com")
    assert ServerOptions(card_hosts=(" Fonts.GStatic.com. ", "fonts.gstatic.com")).card_hosts == (
        "fonts.gstatic.com",
    )
    assert options.allow_private_network is True
    assert options.card_timeout_s == 4.5
    assert (defaults.card_hosts, defaults.allow_private_network, defaults.card_timeout_s) == (
        (),
        False,
        10.0,
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"card_hosts": ("https://fonts.gstatic.com",)}, "must be a host name"),
        ({"card_hosts": "fonts.gstatic.com"}, "tuple of host names"),
        ({"card_timeout_s": 0}, "must be positive"),
        ({"card_timeout_s": float("nan")}, "must be positive"),
    ],
)
def test_bad_isolation_options_are_refused(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ServerOptions(**fields)  # type: ignore[arg-type]
