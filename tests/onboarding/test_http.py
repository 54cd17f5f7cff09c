"""The bounded HTTP GET behind `sources add` and `sources check`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from aggregator.demo.server import OutletServer
from aggregator.errors import DiscoveryError
from aggregator.network_policy import NetworkPolicy
from aggregator.onboarding.http import http_get
from tests.conftest import TEST_ALLOW_NETWORKS

LOOPBACK = NetworkPolicy.allowing([TEST_ALLOW_NETWORKS])  # the outlets serve on 127.0.0.1
UA = "newsroom-aggregator-tests/1.0 (+https://example.org)"


@pytest.fixture
def site(tmp_path: Path, serve_outlet: Callable[[Path], OutletServer]) -> OutletServer:
    (tmp_path / "page.html").write_text("<html><body>é</body></html>", encoding="utf-8")
    (tmp_path / "big.txt").write_text("x" * 5000)
    (tmp_path / "_routes.json").write_text(
        json.dumps(
            {
                "/to-file": {"redirect": "file:///etc/passwd"},
                "/moved": {"redirect": "/page.html", "status": 301},
                "/gone": {"status": 410},
            }
        )
    )
    return serve_outlet(tmp_path)


def test_redirects_and_headers(site: OutletServer) -> None:
    answer = http_get(
        site.base_url + "/moved", user_agent=UA, policy=LOOPBACK, headers={"Accept-Language": "ar"}
    )
    assert (answer.status, answer.url) == (200, site.base_url + "/page.html")
    assert answer.content_type == "text/html" and answer.text() == "<html><body>é</body></html>"
    assert site.hits[-1].headers["Accept-Language"] == "ar"
    assert site.hits[-1].headers["User-Agent"] == UA


def test_http_errors_are_statuses(site: OutletServer) -> None:
    assert http_get(site.base_url + "/gone", user_agent=UA, policy=LOOPBACK).status == 410


def test_body_is_bounded(site: OutletServer) -> None:
    assert (
        len(
            http_get(
                site.base_url + "/big.txt", user_agent=UA, policy=LOOPBACK, max_bytes=1000
            ).body
        )
        == 1000
    )


def test_never_reads_local_files(site: OutletServer) -> None:
    with pytest.raises(DiscoveryError, match="refused redirect to file:///etc/passwd"):
        http_get(site.base_url + "/to-file", user_agent=UA, policy=LOOPBACK)
    with pytest.raises(DiscoveryError, match="only http"):
        http_get("file:///etc/passwd", user_agent=UA, policy=LOOPBACK)


def test_the_network_policy_refuses_other_addresses_and_redirects_to_them(
    tmp_path: Path, serve_outlet: Callable[[Path], OutletServer]
) -> None:
    internal_root = tmp_path / "internal"
    internal_root.mkdir()
    (internal_root / "secret.html").write_text("<p>internal</p>")
    internal = OutletServer(internal_root, host="127.0.0.2").start()
    try:
        outlet_root = tmp_path / "outlet"
        outlet_root.mkdir()
        (outlet_root / "_routes.json").write_text(
            json.dumps({"/out": {"redirect": f"{internal.base_url}/secret.html"}})
        )
        outlet = serve_outlet(outlet_root)
        with pytest.raises(DiscoveryError, match=r"127\.0\.0\.2: loopback address \(refused"):
            http_get(f"{outlet.base_url}/out", user_agent=UA, policy=LOOPBACK)
        with pytest.raises(DiscoveryError, match=r"127\.0\.0\.2: loopback address"):
            http_get(f"{internal.base_url}/secret.html", user_agent=UA, policy=LOOPBACK)
        with pytest.raises(DiscoveryError, match=r"127\.0\.0\.1: loopback address"):
            http_get(f"{outlet.base_url}/out", user_agent=UA)  # public only by default
        assert outlet.requested("/out") == ["/out"]
        assert internal.hits == []
    finally:
        internal.stop()
