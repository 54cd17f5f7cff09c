"""The ``Sitemap:`` lines of a robots.txt file.

Obeying robots.txt is Scrapy's job (RobotsTxtMiddleware, with Protego); this module only reads
the sitemaps a site advertises there, for discovery and for ``aggregator sources add``.
"""

from __future__ import annotations

from urllib.parse import urljoin

MAX_SITEMAPS = 200
MAX_ROBOTS_BYTES = 512 * 1024  # Google reads at most 500 KiB of a robots.txt


def robots_url(url: str) -> str:
    """The robots.txt of the site serving ``url``."""
    return urljoin(url, "/robots.txt")


def is_robots_url(url: str) -> bool:
    """True when ``url`` is a robots.txt: as a ``sitemaps`` entry it means its Sitemap: lines."""
    return url.split("?", 1)[0].lower().endswith("/robots.txt")


def sitemaps_from_robots(body: bytes | str, base_url: str) -> list[str]:
    """Absolute sitemap URLs listed in robots.txt, in file order, without duplicates."""
    if isinstance(body, bytes):
        body = body[:MAX_ROBOTS_BYTES].decode("utf-8-sig", errors="replace")
    found: list[str] = []
    for line in body.splitlines():
        key, sep, value = line.partition(":")
        if not sep or key.strip().lower() != "sitemap":
            continue
        value = value.split("#", 1)[0].strip()
        url = urljoin(base_url, value) if value else ""
        if url.startswith(("http://", "https://")) and url not in found:
            found.append(url)
            if len(found) >= MAX_SITEMAPS:
                break
    return found
