"""How the news spider builds its requests, kept apart so a shared frontier can queue them.

Every request carries plain, JSON-ready ``meta`` (strings, numbers, dicts) and its callbacks
are bound methods of the spider, which ``Request.to_dict`` stores by name: scrapy-redis can
queue it in Redis unchanged. The meta keys are the contract between the spider and its
middlewares:

``source``        name of the source the request works for (counters, failures)
``kind``          ``feed`` | ``sitemap`` | ``robots`` | ``page`` (a start page) | ``article``
``conditional``   send the stored ETag/Last-Modified; keep the new ones if the crawl succeeds
``listing_url``   the feed/sitemap/start-page URL as configured (validators key, kept across
                  redirects)
``via``           the listing a request came from (a failed article keeps its feed's validators
                  from being saved, so the next run fetches the feed again)
``entry_url``     the article URL as the feed gave it
``hints``         what the feed or sitemap said: title, published, language, origin
``link_depth``    hops from a start page (link following only)
``sitemap_depth`` nesting of sitemap indexes
``listing_bytes`` bytes of a listing received so far (the download stops at the listing limit)
``download_maxsize`` Scrapy's: listings may be larger than pages, their reading is bounded by
                  ``aggregator.discovery.limits.MAX_LISTING_BYTES`` instead
``article_id``    a revisit's stored article (kind ``revisit``; its own ETag/Last-Modified are
                  sent, and 304/404/410 reach the callback)
"""

from __future__ import annotations

from typing import Any

from scrapy import Request

from aggregator.config.sources import Source
from aggregator.discovery.limits import MAX_LISTING_DOWNLOAD
from aggregator.discovery.robots import is_robots_url

LISTING_PRIORITY = 10  # listings first: they decide what else to fetch
REVISIT_PRIORITY = -1_000_000  # revisits after the new articles of the run (own budget)
REVISIT_STATUSES = [304, 404, 410]  # answers a revisit reads itself
LISTING_KINDS = frozenset({"feed", "sitemap", "robots", "page"})


def _meta(source: Source, kind: str, **extra: Any) -> dict[str, Any]:
    meta = {"source": source.name, "kind": kind, **extra}
    if kind in LISTING_KINDS:
        # Not cancelled at the pages' DOWNLOAD_MAXSIZE: the spider stops reading a listing at
        # its own limit and parses what it read (a Content-Encoding stays bounded by this).
        meta["download_maxsize"] = MAX_LISTING_DOWNLOAD
    return meta


def listing_requests(spider: Any, source: Source) -> list[Request]:
    """The first requests of a source: its feeds, sitemaps (or robots.txt) and start pages."""
    requests: list[Request] = []
    for url in source.feeds:
        requests.append(listing_request(spider, source, url, "feed"))
    for url in source.sitemaps:
        if is_robots_url(url):
            requests.append(robots_request(spider, source, url))
        else:
            requests.append(listing_request(spider, source, url, "sitemap"))
    for url in source.start_pages:
        requests.append(listing_request(spider, source, url, "page", link_depth=0))
    return requests


CALLBACKS = {"feed": "parse_feed", "sitemap": "parse_sitemap", "page": "parse_page"}


def listing_request(
    spider: Any, source: Source, url: str, kind: str, *, via: str | None = None, **extra: Any
) -> Request:
    """A conditional request for a feed, sitemap or start page."""
    meta = _meta(source, kind, conditional=True, listing_url=url, **extra)
    if via is not None:
        meta["via"] = via
    return Request(
        url,
        callback=getattr(spider, CALLBACKS[kind]),
        errback=spider.on_error,
        headers=source.headers or None,
        meta=meta,
        priority=LISTING_PRIORITY,
        dont_filter=True,
    )


def robots_request(spider: Any, source: Source, url: str) -> Request:
    """robots.txt read for its ``Sitemap:`` lines (never conditional: its sitemaps change)."""
    meta = _meta(source, "robots", dont_obey_robotstxt=True)
    return Request(
        url,
        callback=spider.parse_robots,
        errback=spider.on_error,
        headers=source.headers or None,
        meta=meta,
        priority=LISTING_PRIORITY,
        dont_filter=True,
    )


def article_request(
    spider: Any,
    source: Source,
    url: str,
    hints: dict[str, Any],
    *,
    via: str,
    link_depth: int | None = None,
    priority: int = 0,
) -> Request:
    """A request for an article page, carrying the feed's hints.

    ``priority`` keeps the order the source's budget hands articles out in (newest first):
    Scrapy's scheduler would otherwise fetch the last one first.
    """
    meta = _meta(source, "article", via=via, entry_url=url, hints=hints)
    if link_depth is not None:
        meta["link_depth"] = link_depth
    return Request(
        url,
        callback=spider.parse_article,
        errback=spider.on_error,
        headers=source.headers or None,
        meta=meta,
        priority=priority,
        dont_filter=True,
    )


def revisit_request(
    spider: Any,
    source: Source,
    url: str,
    article_id: int,
    *,
    etag: str | None,
    last_modified: str | None,
    order: int = 0,
) -> Request:
    """A conditional request for a stored article, with its own validators."""
    headers = dict(source.headers)
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    meta = _meta(
        source,
        "revisit",
        entry_url=url,
        article_id=article_id,
        hints={},
        handle_httpstatus_list=REVISIT_STATUSES,
    )
    return Request(
        url,
        callback=spider.parse_revisit,
        errback=spider.on_error,
        headers=headers or None,
        meta=meta,
        priority=REVISIT_PRIORITY - order,
        dont_filter=True,
    )
