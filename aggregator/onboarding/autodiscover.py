"""Find a site's feeds, sitemaps and language from its homepage, as a person would.

Order of evidence: the homepage's ``<link rel="alternate">`` feeds, then common feed paths;
the ``Sitemap:`` lines of robots.txt, then the usual sitemap names. Every candidate is fetched
and parsed before it is proposed, so ``aggregator sources add`` never writes a dead URL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urljoin

from aggregator.discovery.feeds import parse_feed
from aggregator.discovery.homepage import feed_links, page_language, page_title
from aggregator.discovery.robots import robots_url, sitemaps_from_robots
from aggregator.discovery.sitemaps import parse_sitemap
from aggregator.errors import DiscoveryError
from aggregator.onboarding.http import Fetch, Fetched

COMMON_FEED_PATHS = (
    "/feed",
    "/rss",
    "/rss.xml",
    "/feed.xml",
    "/atom.xml",
    "/index.xml",
    "/feed.json",
    "/feeds/all.atom.xml",
)
COMMON_SITEMAP_PATHS = (
    "/news-sitemap.xml",
    "/sitemap-news.xml",
    "/sitemap_news.xml",
    "/sitemap_index.xml",
    "/sitemap.xml",
)
MAX_CANDIDATES = 12


@dataclass
class Discovery:
    """What autodiscovery found on a site, and what it could not."""

    homepage: str
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    language: str | None = None
    title: str | None = None
    notes: list[str] = field(default_factory=list)


def _try(fetch: Fetch, url: str) -> Fetched | None:
    try:
        answer = fetch(url)
    except DiscoveryError:
        return None
    return answer if answer.status == 200 and answer.body else None


def is_feed(fetch: Fetch, url: str) -> bool:
    """True when ``url`` answers with a feed we can read."""
    answer = _try(fetch, url)
    if answer is None:
        return False
    try:
        return bool(parse_feed(answer.body, answer.url).entries)
    except DiscoveryError:
        return False


def is_sitemap(fetch: Fetch, url: str) -> bool:
    """True when ``url`` answers with a sitemap or sitemap index that lists something."""
    answer = _try(fetch, url)
    if answer is None:
        return False
    try:
        sitemap = parse_sitemap(answer.body, answer.url)
    except DiscoveryError:
        return False
    return bool(sitemap.entries or sitemap.children)


def find_feeds(fetch: Fetch, homepage: Fetched, limit: int = 5) -> list[str]:
    """Working feeds: those the homepage announces, else those at common paths."""
    announced = feed_links(homepage.body, homepage.url)[:MAX_CANDIDATES]
    candidates = announced or [urljoin(homepage.url, p) for p in COMMON_FEED_PATHS]
    return [url for url in candidates if is_feed(fetch, url)][:limit]


def find_sitemaps(fetch: Fetch, homepage_url: str, limit: int = 5) -> list[str]:
    """Working sitemaps: robots.txt ``Sitemap:`` lines (news ones first), else usual names."""
    robots = _try(fetch, robots_url(homepage_url))
    listed = sitemaps_from_robots(robots.body, robots.url) if robots else []
    listed.sort(key=lambda url: "news" not in url.lower())
    candidates = listed[:MAX_CANDIDATES] or [urljoin(homepage_url, p) for p in COMMON_SITEMAP_PATHS]
    found: list[str] = []
    for url in candidates:
        if is_sitemap(fetch, url):
            found.append(url)
            if len(found) >= limit:
                break
    return found


def autodiscover(homepage: str, fetch: Fetch) -> Discovery:
    """Fetch ``homepage`` and find its feeds, sitemaps, language and name."""
    page = fetch(homepage)
    if page.status >= 400:
        raise DiscoveryError(f"cannot fetch {homepage}: HTTP {page.status}")
    result = Discovery(
        homepage=page.url, language=page_language(page.body), title=page_title(page.body)
    )
    result.feeds = find_feeds(fetch, page)
    result.sitemaps = find_sitemaps(fetch, page.url)
    if not result.feeds:
        result.notes.append("no feed found (checked <link rel=alternate> and common paths)")
    if not result.sitemaps:
        result.notes.append("no sitemap found (checked robots.txt and usual names)")
    if result.language is None:
        for url in result.feeds:
            answer = _try(fetch, url)
            if answer is not None:
                result.language = parse_feed(answer.body, answer.url).language
                if result.language:
                    break
    return result
