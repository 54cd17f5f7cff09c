"""The guarded resolver: what the endpoint connects to is only what the policy allowed.

The crawls of tests/hostile/test_network.py run it for real; here its filter is fed answers
directly (no reactor).
"""

from __future__ import annotations

from typing import Any

from twisted.internet.address import IPv4Address, IPv6Address

from aggregator.downloadhandlers.guarded_http import _GuardedResolver
from aggregator.network_policy import NetworkPolicy


class _Receiver:
    def __init__(self) -> None:
        self.addresses: list[str] = []
        self.complete = False

    def resolutionBegan(self, resolution: Any) -> None:
        pass

    def addressResolved(self, address: Any) -> None:
        self.addresses.append(address.host)

    def resolutionComplete(self) -> None:
        self.complete = True


class _Answers:
    """A resolver that answers every name with the given addresses."""

    def __init__(self, *hosts: str) -> None:
        self.hosts = hosts
        self.asked: list[str] = []

    def resolveHostName(self, receiver: Any, name: str, port: int = 0, *args: Any) -> Any:
        self.asked.append(name)
        receiver.resolutionBegan(None)
        for host in self.hosts:
            kind = IPv6Address if ":" in host else IPv4Address
            receiver.addressResolved(kind("TCP", host, port))
        receiver.resolutionComplete()


def _resolve(inner: _Answers, name: str, policy: NetworkPolicy) -> tuple[list[str], list[str]]:
    refused: list[str] = []
    receiver = _Receiver()
    _GuardedResolver(inner, policy, refused).resolveHostName(receiver, name, 80)
    assert receiver.complete
    return receiver.addresses, refused


def test_only_allowed_answers_reach_the_endpoint() -> None:
    inner = _Answers("93.184.216.34", "10.0.0.1", "::ffff:127.0.0.1", "fe80::1")
    passed, refused = _resolve(inner, "news.example", NetworkPolicy())
    assert passed == ["93.184.216.34"]
    assert refused == [
        "10.0.0.1: private address",
        "::ffff:127.0.0.1: loopback address",
        "fe80::1: link-local address",
    ]


def test_the_allowance_and_a_host_name_allowance_apply() -> None:
    inner = _Answers("127.0.0.1", "127.0.0.2")
    passed, refused = _resolve(inner, "outlet.test", NetworkPolicy.allowing(["127.0.0.1/32"]))
    assert (passed, refused) == (["127.0.0.1"], ["127.0.0.2: loopback address"])
    passed, refused = _resolve(inner, "outlet.test", NetworkPolicy.allowing(["outlet.test"]))
    assert (passed, refused) == (["127.0.0.1", "127.0.0.2"], [])


def test_ip_literals_are_checked_without_resolution() -> None:
    inner = _Answers("93.184.216.34")
    passed, refused = _resolve(inner, "169.254.169.254", NetworkPolicy())
    assert (passed, refused, inner.asked) == ([], ["169.254.169.254: link-local address"], [])
    passed, _ = _resolve(inner, "::1", NetworkPolicy.allowing(["::1/128"]))
    assert passed == ["::1"]
