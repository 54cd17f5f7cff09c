"""Autodiscovery against loopback outlets, through the real HTTP fetcher."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from aggregator.demo.server import OutletServer
from aggregator.discovery.homepage import feed_links, page_language, page_title
from aggregator.errors import DiscoveryError
from aggregator.network_policy import NetworkPolicy
from aggregator.onboarding.autodiscover import autodiscover
from aggregator.onboarding.http import fetcher, http_get
from tests.conftest import TEST_ALLOW_NETWORKS

OUTLETS = Path(__file__).parent.parent / "fixtures" / "outlets"
LOOPBACK = NetworkPolicy.allowing([TEST_ALLOW_NETWORKS])  # the outlets serve on 127.0.0.1
UA = "newsroom-aggregator-tests/1.0 (+https://example.org)"


def test_feed_links_language_and_title() -> None:
    html = (OUTLETS / "wire" / "index.html").read_text(encoding="utf-8")
    html = html.replace("{{BASE}}", "http://wire.test")
    assert feed_links(html, "http://wire.test/") == [
        "http://wire.test/feeds/rss2.xml",
        "http://wire.test/feeds/atom.xml",
        "http://wire.test/feeds/feed.json",
    ]
    assert page_language(html) == "en"
    assert page_title(html) == "Gulf Wire"


@pytest.mark.parametrize(
    ("html", "language"),
    [
        ('<html lang="ar-AE"><body></body></html>', "ar"),
        ('<html><head><meta http-equiv="Content-Language" content="fr-FR"></head></html>', "fr"),
        ('<html><head><meta property="og:locale" content="en_GB"></head></html>', "en"),
        ("<html><body>no hint</body></html>", None),
    ],
)
def test_page_language(html: str, language: str | None) -> None:
    assert page_language(html) == language


def test_autodiscover_finds_announced_feeds_and_robots_sitemaps(
    serve_outlet: Callable[[Path], OutletServer],
) -> None:
    server = serve_outlet(OUTLETS / "wire")
    base = server.base_url
    found = autodiscover(base + "/", fetcher(UA, policy=LOOPBACK))
    assert found.feeds == [
        f"{base}/feeds/rss2.xml",
        f"{base}/feeds/atom.xml",
        f"{base}/feeds/feed.json",
    ]
    # robots.txt lists the index and the news sitemap: the news one comes first.
    assert found.sitemaps == [f"{base}/sitemaps/news.xml", f"{base}/sitemaps/index.xml"]
    assert (found.language, found.title) == ("en", "Gulf Wire")
    assert found.notes == []
    assert server.hits[0].headers["User-Agent"] == UA


def test_autodiscover_falls_back_to_common_paths(
    tmp_path: Path, serve_outlet: Callable[[Path], OutletServer]
) -> None:
    site = tmp_path / "bare"
    site.mkdir()
    (site / "index.html").write_text("<html><head><title>Bare</title></head><body></body></html>")
    (site / "rss.xml").write_text((OUTLETS / "wire" / "feeds" / "rss2.xml").read_text())
    (site / "sitemap.xml").write_text((OUTLETS / "wire" / "sitemaps" / "news.xml").read_text())
    server = serve_outlet(site)
    found = autodiscover(server.base_url + "/", fetcher(UA, policy=LOOPBACK))
    assert found.feeds == [f"{server.base_url}/rss.xml"]
    assert found.sitemaps == [f"{server.base_url}/sitemap.xml"]
    assert found.language == "en"  # no lang on the page: the feed's <language>


def test_unreachable_homepage_is_one_clear_error(
    serve_outlet: Callable[[Path], OutletServer],
) -> None:
    server = serve_outlet(OUTLETS / "wire")
    with pytest.raises(DiscoveryError, match=r"cannot fetch .*/nowhere/: HTTP 404"):
        autodiscover(server.base_url + "/nowhere/", fetcher(UA, policy=LOOPBACK))
    server.stop()
    with pytest.raises(DiscoveryError, match="connection refused"):
        http_get(server.base_url + "/", user_agent=UA, policy=LOOPBACK, timeout=2)
