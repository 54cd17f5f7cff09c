"""The one generic news spider: every source's feeds, sitemaps and start pages, politely.

For each source it reads the listings the sources file declares (feeds, sitemaps or the
``Sitemap:`` lines of a robots.txt, start pages with link rules), turns their entries into
article requests carrying the listing's hints, and hands each article page to the pipelines
as an :class:`~aggregator.items.ArticleItem`. Before anything is requested, entries older
than the source's ``max_age`` and URLs already stored are skipped (see
:mod:`aggregator.spiders.frontier`). Every failure is recorded against its source with a reason
(:mod:`aggregator.spiders.failures`); one broken source never stops the others.

Run it through ``aggregator crawl`` or as ``scrapy crawl news [-a sources=name1,name2]``; the
latter is prepared (schema, source rows, runs) by the same :mod:`aggregator.crawl_plan` as the
former.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from aggregator.config.sources import Source, load_sources
from aggregator.crawl_plan import prepare_unless_done
from aggregator.discovery.feeds import Entry, parse_feed
from aggregator.discovery.limits import MAX_CHILD_SITEMAPS, TOO_DEEP, too_deep
from aggregator.discovery.links import extract_links, looks_like_article, site_host
from aggregator.discovery.robots import sitemaps_from_robots
from aggregator.discovery.sitemaps import newest_children, parse_sitemap
from aggregator.errors import DiscoveryError
from aggregator.extraction.article import Hints
from aggregator.extraction.charset import decode_page
from aggregator.extraction.walls import page_problem
from aggregator.items import ArticleItem
from aggregator.middlewares.conditional import NotModified
from aggregator.network_policy import BLOCKED_REASON
from aggregator.source_stats import count, fail
from aggregator.spiders import requests as build
from aggregator.spiders.failures import classify_failure
from aggregator.spiders.frontier import Frontier
from storage.base import utcnow


class NewsSpider(scrapy.Spider):
    """Crawl the given sources (or the enabled ones of AGGREGATOR_SOURCES)."""

    name = "news"

    def __init__(self, sources: list[Source] | str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._wanted = sources
        self.sources: list[Source] = sources if isinstance(sources, list) else []
        self.frontier = Frontier(None)
        self.max_child_sitemaps = MAX_CHILD_SITEMAPS
        self._listings: set[tuple[str, str]] = set()  # (source, URL) of listings requested
        self._by_name: dict[str, Source] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider: NewsSpider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        if not isinstance(spider._wanted, list):
            names = [n.strip() for n in (spider._wanted or "").split(",") if n.strip()]
            spider.sources = load_sources(settings.get("AGGREGATOR_SOURCES")).select(names)
        # ``scrapy crawl news`` (no runner): prepared here, before any component is built.
        prepare_unless_done(settings, spider.sources)
        spider.frontier = Frontier(settings.get("AGGREGATOR_DATABASE_URL") or None)
        spider.max_child_sitemaps = settings.getint(
            "AGGREGATOR_MAX_CHILD_SITEMAPS", MAX_CHILD_SITEMAPS
        )
        return spider

    # --- helpers ---------------------------------------------------------------------------

    @property
    def _stats(self) -> Any:
        return self.crawler.stats

    def source_of(self, response: Response) -> Source:
        """The source a response works for (named in its request's meta)."""
        if len(self._by_name) != len(self.sources):
            self._by_name = {s.name: s for s in self.sources}
        return self._by_name[response.meta["source"]]

    def _new_listing(self, source: Source, url: str) -> bool:
        """True the first time a source asks for a listing (robots.txt and an index may both
        name the same sitemap)."""
        key = (source.name, url)
        if key in self._listings:
            return False
        self._listings.add(key)
        return True

    def _articles(
        self,
        source: Source,
        entries: list[Entry],
        origin: str,
        via: str,
        link_depth: int | None = None,
    ) -> Iterator[scrapy.Request]:
        """Requests for the entries worth fetching; the rest are counted, not requested."""
        selection = self.frontier.select(entries, source.max_age, utcnow())
        if selection.found:
            count(self._stats, source.name, "found", selection.found)
        if selection.skipped:
            count(self._stats, source.name, "skipped", selection.skipped)
        for entry in selection.fresh:
            yield build.article_request(
                self, source, entry.url, entry.hints(origin), via=via, link_depth=link_depth
            )

    # --- listings --------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for source in self.sources:
            for url in source.start_pages:
                self.frontier.mark(url)
            for request in build.listing_requests(self, source):
                if self._new_listing(source, request.url):
                    yield request

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        source = self.source_of(response)
        try:
            feed = parse_feed(response.body, response.url)
        except DiscoveryError as exc:
            response.meta["conditional"] = False  # report it again next run, not a 304
            fail(self._stats, source.name, response.url, "feed_invalid", str(exc))
            return
        yield from self._articles(source, feed.entries, "feed", response.meta["listing_url"])

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        source = self.source_of(response)
        try:
            sitemap = parse_sitemap(response.body, response.url)
        except DiscoveryError as exc:
            response.meta["conditional"] = False
            fail(self._stats, source.name, response.url, "sitemap_invalid", str(exc))
            return
        listing = response.meta["listing_url"]
        if sitemap.kind == "urlset":
            yield from self._articles(source, sitemap.entries, "sitemap", listing)
            return
        # An unchanged index may still point at changed sitemaps: never keep its validators.
        response.meta["conditional"] = False
        depth = response.meta.get("sitemap_depth", 0) + 1
        if too_deep(depth):
            fail(self._stats, source.name, response.url, "sitemap_invalid", TOO_DEEP)
            return
        yield from self._child_sitemaps(source, sitemap.children, listing, depth)

    def _child_sitemaps(
        self, source: Source, children: list[Entry], via: str, depth: int
    ) -> Iterator[scrapy.Request]:
        """The newest children of an index, skipping those last changed before the cut-off."""
        newest = newest_children(children, source.max_age, utcnow(), self.max_child_sitemaps)
        for child in newest:
            if self._new_listing(source, child.url):
                yield build.listing_request(
                    self, source, child.url, "sitemap", via=via, sitemap_depth=depth
                )

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        source = self.source_of(response)
        urls = sitemaps_from_robots(response.body, response.url)
        if not urls:
            fail(
                self._stats,
                source.name,
                response.url,
                "sitemap_invalid",
                "robots.txt lists no Sitemap: lines",
            )
        for url in urls:
            if self._new_listing(source, url):
                yield build.listing_request(self, source, url, "sitemap")

    def parse_page(self, response: Response) -> Iterator[scrapy.Request]:
        """A start page: follow its links by the source's rules."""
        source = self.source_of(response)
        if not isinstance(response, TextResponse):
            fail(self._stats, source.name, response.url, "not_html", "start page is not HTML")
            return
        yield from self._follow(source, response, depth=0)

    def _follow(
        self, source: Source, response: TextResponse, depth: int
    ) -> Iterator[scrapy.Request]:
        if depth >= source.links.depth:
            return
        links = extract_links(response.text, response.url, source.links, site_host(source.homepage))
        via = response.meta.get("listing_url") or response.meta.get("via") or response.url
        yield from self._articles(
            source, [Entry(url=u) for u in links], "links", via, link_depth=depth + 1
        )

    # --- articles --------------------------------------------------------------------------

    def parse_article(self, response: Response) -> Iterator[ArticleItem | scrapy.Request]:
        source = self.source_of(response)
        meta = response.meta
        count(self._stats, source.name, "fetched")  # downloaded, whatever it turns out to be
        problem = page_problem(response.headers, response.body)
        if problem is None and not isinstance(response, TextResponse):
            problem = ("not_html", "binary answer")
        if problem is not None:
            fail(self._stats, source.name, response.url, *problem)
            return
        assert isinstance(response, TextResponse)
        link_depth = meta.get("link_depth")
        if link_depth is not None and link_depth < source.links.depth:
            # An inner page of link following: scan it, and keep it only if it is an article.
            yield from self._follow(source, response, link_depth)
            if not looks_like_article(response.text):
                return
        hints = meta.get("hints") or {}
        page = decode_page(response.body, response.headers.get("Content-Type"))
        yield ArticleItem(
            source=source.name,
            url=meta.get("entry_url", response.url),
            response_url=response.url,
            html=page.text,
            fetched_at=utcnow(),
            status=response.status,
            hints=Hints(**hints),
            discovered_via=hints.get("origin", "feed"),
            fetch_warnings=[page.warning] if page.warning else [],
        )

    # --- failures --------------------------------------------------------------------------

    def on_error(self, failure: Failure) -> None:
        """Record why a request failed against its source; a 304 is no failure."""
        if failure.check(NotModified):
            return
        request = failure.request  # type: ignore[attr-defined]
        reason, detail = classify_failure(failure)
        if reason == BLOCKED_REASON and request.meta.get("redirect_urls"):
            detail += f"; redirected from {request.meta['redirect_urls'][0]}"
        fail(self._stats, request.meta.get("source", "?"), request.url, reason, detail)
