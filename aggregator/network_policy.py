"""Which addresses the crawler may connect to: public ones, plus what an operator allowed.

A feed entry, a redirect or a DNS answer can point the crawler at the machine's own network
(cloud metadata at 169.254.169.254, an admin page on 10.0.0.1, a database on loopback). The
rule is checked on the address actually connected to, after DNS resolution, by the crawl's
download handler (:mod:`aggregator.downloadhandlers.guarded_http`) and the onboarding fetcher
(:mod:`aggregator.onboarding.http`); this module only decides, so it is tested on its own.

Refused unless allowed: private, loopback, link-local, multicast, reserved and unspecified
addresses and anything else not globally routable (e.g. 100.64.0.0/10), in IPv4 and IPv6,
including IPv4 addresses carried in IPv6 (``::ffff:10.0.0.1``, 6to4, Teredo). An operator
allows networks (``10.0.0.0/8``), single addresses (``127.0.0.1``) or host names
(``intranet.example``: whatever it resolves to) per source (``allow_networks``) or for every
source (``AGGREGATOR_ALLOW_NETWORKS``).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

BLOCKED_REASON = "blocked_address"  # the failure reason a refusal is recorded with
# Checked in this order; the first that holds names the refusal.
_KINDS = (
    ("is_unspecified", "unspecified"),
    ("is_loopback", "loopback"),
    ("is_link_local", "link-local"),
    ("is_multicast", "multicast"),
    ("is_private", "private"),
    ("is_reserved", "reserved"),
)
_LABEL = r"[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?"
_HOSTNAME = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(\.{_LABEL})*\.?$")


def ip_literal(host: str) -> Address | None:
    """The address a URL host names directly (``10.0.0.1``, ``[::1]``), else None."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _embedded_v4(address: Address) -> list[Address]:
    """The addresses a connection to ``address`` reaches: an IPv4-mapped IPv6 address is its
    IPv4 address; 6to4 and Teredo addresses are checked with the IPv4 addresses they carry."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return [address.ipv4_mapped]
    found: list[Address] = [address]
    if isinstance(address, ipaddress.IPv6Address):
        if address.sixtofour is not None:
            found.append(address.sixtofour)
        if address.teredo is not None:
            found.extend(address.teredo)
    return found


def _shown(address: Address) -> str:
    """``::ffff:10.0.0.1`` rather than ipaddress's ``::ffff:a00:1``."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return f"::ffff:{address.ipv4_mapped}"
    return str(address)


def why_blocked(address: Address) -> str | None:
    """What kind of non-public address this is (e.g. ``"private"``), or None when public."""
    for candidate in _embedded_v4(address):
        for attribute, kind in _KINDS:
            if getattr(candidate, attribute):
                return kind
        if not candidate.is_global:
            return "non-public"
    return None


def parse_allowance(entry: str) -> Network | str:
    """One allowance: a network (``10.0.0.0/8``), an address (a /32 or /128) or a host name.

    Raises ValueError saying what was expected.
    """
    text = str(entry).strip().lower()
    if not text:
        raise ValueError("empty entry (expected a network such as 10.0.0.0/8, or a host name)")
    if "/" in text or ip_literal(text) is not None:
        try:
            return ipaddress.ip_network(text.strip("[]"), strict=True)
        except ValueError as exc:
            raise ValueError(
                f"{entry!r} is not a network (expected e.g. 10.0.0.0/8 or 127.0.0.1/32): {exc}"
            ) from None
    if not _HOSTNAME.match(text) or re.fullmatch(r"[\d.]+", text):
        raise ValueError(f"{entry!r} is neither a network (e.g. 10.0.0.0/8) nor a host name")
    return text.rstrip(".")


def host_allowance(url: str) -> str:
    """The ``allow_networks`` entry that lets a source reach the host of ``url``: its address as
    a /32 (/128) network, or its host name."""
    host = (urlsplit(url).hostname or "").lower()
    literal = ip_literal(host)
    if literal is None:
        return host
    return str(ipaddress.ip_network(literal))


@dataclass(frozen=True)
class NetworkPolicy:
    """Public addresses, plus the networks and host names given."""

    networks: tuple[Network, ...] = ()
    hosts: frozenset[str] = frozenset()

    @classmethod
    def allowing(cls, *entries: Iterable[str]) -> NetworkPolicy:
        """A policy from allowance lists (e.g. the global option and a source's own)."""
        networks: list[Network] = []
        hosts: set[str] = set()
        for group in entries:
            for entry in group:
                allowed = parse_allowance(entry)
                if isinstance(allowed, str):
                    hosts.add(allowed)
                elif allowed not in networks:
                    networks.append(allowed)
        return cls(tuple(networks), frozenset(hosts))

    @property
    def key(self) -> tuple[str, ...]:
        """A hashable identity: connections opened under one policy are not reused by another."""
        return tuple(sorted(str(n) for n in self.networks)) + tuple(sorted(self.hosts))

    def allows_host(self, host: str) -> bool:
        """True when the operator allowed this host name, whatever it resolves to."""
        return host.strip("[]").lower().rstrip(".") in self.hosts

    def check(self, address: str | Address, host: str | None = None) -> str | None:
        """None when the crawler may connect to ``address`` (reached for ``host``), else why not:
        ``"10.0.0.1: private address"``."""
        ip = ipaddress.ip_address(address) if isinstance(address, str) else address
        if host is not None and self.allows_host(host):
            return None
        if any(c in n for c in _embedded_v4(ip) for n in self.networks if c.version == n.version):
            return None
        kind = why_blocked(ip)
        if kind is None:
            return None
        return f"{_shown(ip)}: {kind} address"
