"""Sitemap: lines of robots.txt."""

from __future__ import annotations

from aggregator.discovery.robots import is_robots_url, robots_url, sitemaps_from_robots


def test_sitemap_lines_in_order_resolved_and_unique() -> None:
    body = b"""User-agent: *
Disallow: /private/
sitemap: https://x.test/news.xml  # the fresh one
Sitemap: /sitemap_index.xml
SITEMAP:https://x.test/news.xml
Sitemap: ftp://x.test/no.xml
Sitemap:
"""
    assert sitemaps_from_robots(body, "https://x.test/robots.txt") == [
        "https://x.test/news.xml",
        "https://x.test/sitemap_index.xml",
    ]


def test_robots_urls() -> None:
    assert robots_url("https://x.test/a/b.html?q=1") == "https://x.test/robots.txt"
    assert is_robots_url("https://x.test/robots.txt")
    assert not is_robots_url("https://x.test/sitemap.xml")


def test_garbage_gives_nothing() -> None:
    assert sitemaps_from_robots(b"\xff\xfe\x00garbage", "https://x.test/robots.txt") == []
