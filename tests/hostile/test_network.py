"""Hostile outlets aimed at the crawler's own network: refused, recorded, nothing else lost.

Real loopback servers only: the outlet on 127.0.0.1 (allowed for its source) and an internal
server on 127.0.0.2 (not allowed), whose request log must stay empty. 169.254.169.254 and
10.0.0.1 are refused before any connection is attempted.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.articles import known_urls
from storage.db import session_scope
from storage.runs import recent_runs
from tests.hostile.network_outlet import INTERNAL_HOST, crawl_hostile, serving, source_yaml

GOOD = ("/news/good-1.html", "/news/good-2.html")


def _blocked(errors: list[dict[str, str]]) -> dict[str, str]:
    return {e["url"]: e["detail"] for e in errors if e["reason"] == "blocked_address"}


@pytest.mark.parametrize("route", ["source", "global"])
def test_private_entries_are_refused_and_the_good_articles_stored(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch, route: str
) -> None:
    # The allowance comes either from the source's allow_networks or from the global option.
    if route == "source":
        monkeypatch.delenv("AGGREGATOR_ALLOW_NETWORKS")
    with serving(tmp_path) as servers:
        base = servers.outlet.base_url
        allow = "127.0.0.1/32" if route == "source" else None
        result = crawl_hostile(tmp_path, source_yaml(base, allow=allow), sqlite_url)
        assert servers.internal.hits == [], "a request reached the address the source may not"
    figures = result.figures["harbour"]
    blocked = _blocked(figures["errors"])
    internal = servers.internal.base_url
    assert (
        "169.254.169.254: link-local address" in blocked["http://169.254.169.254/latest/meta-data/"]
    )
    assert "10.0.0.1: private address" in blocked["http://10.0.0.1/admin/"]
    assert "::ffff:10.0.0.1: private address" in blocked["http://[::ffff:10.0.0.1]/admin/"]
    assert "127.0.0.2: loopback address" in blocked[f"{internal}/secret.html"]
    redirect = blocked[f"{internal}/secret-redirect.html"]
    assert "loopback address" in redirect and f"redirected from {base}/news/moved.html" in redirect
    dns = blocked[f"http://internal.test:{servers.port}/secret-dns.html"]
    assert "internal.test resolves to 127.0.0.2: loopback address" in dns
    assert figures["reasons"] == {"blocked_address": 6}
    assert figures["stored"] == 2
    with session_scope(sqlite_url) as session:
        assert known_urls(session, [base + path for path in GOOD]) == {base + p for p in GOOD}
        run = recent_runs(session, "harbour", 1)[0]
        assert run.status == "finished"
        assert run.failure_reasons == {"blocked_address": 6}
        assert {e["url"] for e in run.errors} == set(blocked)
    assert servers.outlet.requested("/robots.txt")


def test_without_an_allowance_loopback_itself_is_refused(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AGGREGATOR_ALLOW_NETWORKS")
    with serving(tmp_path) as servers:
        result = crawl_hostile(
            tmp_path, source_yaml(servers.outlet.base_url, allow=None), sqlite_url
        )
        assert servers.outlet.hits == [] and servers.internal.hits == []
    figures = result.figures["harbour"]
    assert figures["reasons"] == {"blocked_address": 1}  # the feed; robots.txt is not recorded
    assert "127.0.0.1: loopback address" in figures["errors"][0]["detail"]


def test_an_allowance_is_for_its_own_source_only(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AGGREGATOR_ALLOW_NETWORKS")
    with serving(tmp_path) as servers:
        base = servers.outlet.base_url
        allowed = source_yaml(base, "harbour")
        other = source_yaml(base, "other", allow=None).removeprefix("sources:\n")
        result = crawl_hostile(tmp_path, allowed + other, sqlite_url)
    assert result.figures["harbour"]["stored"] == 2
    assert result.figures["other"]["reasons"] == {"blocked_address": 1}
    assert result.figures["other"]["stored"] == 0


def test_only_the_allowed_address_of_a_name_is_connected_to(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name answering a refused and an allowed address: only the allowed one is connected to."""
    monkeypatch.delenv("AGGREGATOR_ALLOW_NETWORKS")
    with serving(tmp_path) as servers:
        base = f"http://both.test:{servers.port}"
        hosts = {"both.test": [[INTERNAL_HOST, "127.0.0.1"]]}
        result = crawl_hostile(tmp_path, source_yaml(base), sqlite_url, hosts)
        assert servers.internal.hits == []
        assert servers.outlet.requested("/feed.xml")
    assert result.figures["harbour"]["stored"] == 2


def test_dns_rebinding_is_refused_at_connect_time(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first lookup answers the allowed address, the next one a refused address: each
    connection is checked on the address it connects to, so the second feed is refused."""
    monkeypatch.delenv("AGGREGATOR_ALLOW_NETWORKS")
    with serving(tmp_path) as servers:
        base = f"http://rebind.test:{servers.port}"
        hosts = {"rebind.test": [["127.0.0.1"], [INTERNAL_HOST]]}
        yaml = source_yaml(base, feeds=("/feed.xml", "/feed.xml?copy=2"))
        result = crawl_hostile(tmp_path, yaml, sqlite_url, hosts, ROBOTSTXT_OBEY=False)
        assert servers.internal.hits == []
        assert len(servers.outlet.requested("/feed.xml")) == 1
    blocked = _blocked(result.figures["harbour"]["errors"])
    feeds = [d for u, d in blocked.items() if u.startswith(base)]
    assert len(feeds) == 1 and "rebind.test resolves to 127.0.0.2: loopback address" in feeds[0]
    assert result.figures["harbour"]["stored"] == 2
