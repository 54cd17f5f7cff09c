"""The network policy on its own: which addresses are public, and what an allowance opens."""

from __future__ import annotations

import pytest

from aggregator.network_policy import NetworkPolicy, host_allowance, parse_allowance

PUBLIC = NetworkPolicy()


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.0.0.2", "loopback"),
        ("::1", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("fc00::1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("240.0.0.1", "private"),  # reserved, and is_private says so first
        ("100.64.0.1", "non-public"),  # carrier-grade NAT: neither private nor global
        ("::ffff:10.0.0.1", "private"),  # IPv4-mapped IPv6
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:169.254.169.254", "link-local"),
        ("2002:a00:1::", "private"),  # 6to4 carrying 10.0.0.1
        ("64:ff9b::a00:1", "reserved"),  # NAT64
    ],
)
def test_non_public_addresses_are_refused_with_their_kind(address: str, kind: str) -> None:
    reason = PUBLIC.check(address)
    assert reason is not None and reason.endswith(f": {kind} address"), reason


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8"]
)
def test_public_addresses_pass(address: str) -> None:
    assert PUBLIC.check(address) is None


def test_a_network_allowance_opens_that_network_only() -> None:
    policy = NetworkPolicy.allowing(["127.0.0.1/32", "10.1.0.0/16"])
    assert policy.check("127.0.0.1") is None
    assert policy.check("::ffff:127.0.0.1") is None  # the same address, mapped
    assert policy.check("10.1.200.3") is None
    assert policy.check("127.0.0.2") == "127.0.0.2: loopback address"
    assert policy.check("10.2.0.1") == "10.2.0.1: private address"
    assert policy.check("::ffff:10.2.0.1") == "::ffff:10.2.0.1: private address"
    assert policy.check("169.254.169.254") is not None


def test_a_host_allowance_opens_that_name_whatever_it_resolves_to() -> None:
    policy = NetworkPolicy.allowing(["intranet.example"])
    assert policy.check("10.0.0.7", host="INTRANET.example.") is None
    assert policy.check("10.0.0.7", host="other.example") == "10.0.0.7: private address"
    assert policy.check("10.0.0.7") is not None


def test_allowances_combine_and_key_the_policy() -> None:
    combined = NetworkPolicy.allowing(["10.0.0.0/8"], ["127.0.0.1", "news.lan"])
    assert combined.key == ("10.0.0.0/8", "127.0.0.1/32", "news.lan")
    assert combined.key != NetworkPolicy.allowing(["10.0.0.0/8"]).key
    assert PUBLIC.key == ()


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("10.0.0.1/8", "has host bits set"),
        ("10.0.0.0/33", "is not a network"),
        ("300.1.2.3", "neither a network"),
        ("bad host", "neither a network"),
        ("", "empty entry"),
    ],
)
def test_bad_allowances_say_what_was_expected(entry: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_allowance(entry)


def test_the_allowance_for_a_url_names_its_address_or_host() -> None:
    assert host_allowance("http://127.0.0.1:8001/") == "127.0.0.1/32"
    assert host_allowance("http://[::1]:8001/") == "::1/128"
    assert host_allowance("https://Intranet.Example/news/") == "intranet.example"
