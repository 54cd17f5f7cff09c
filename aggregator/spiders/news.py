"""The one generic news spider: every source's feeds, sitemaps and start pages, politely.

For each source it reads the listings the sources file declares (feeds, sitemaps or the
``Sitemap:`` lines of a robots.txt, start pages with link rules), turns their entries into
article requests carrying the listing's hints, and hands each article page to the pipelines
as an :class:`~aggregator.items.ArticleItem`. Before anything is requested, entries older
than the source's ``max_age`` and URLs already stored are skipped (see
:mod:`aggregator.spiders.frontier`); the rest are requested newest first, each listing in turn,
within the source's article budget (:mod:`aggregator.spiders.budget`). A listing is read up to
the listing limits (:mod:`aggregator.spiders.listing_limits`); what a limit cut is a warning on
the source's run, never silent. Every failure is recorded against its source with a reason
(:mod:`aggregator.spiders.failures`); one broken source never stops the others.

Stored articles are revisited (:mod:`aggregator.spiders.revisits`, docs/revisits.md): the due
ones when the crawl starts, and at once those a listing says changed since we fetched them;
conditional GETs with the article's own validators, in a budget of their own, queued after
the new articles. 304 and 404/410 are read by :meth:`NewsSpider.parse_revisit`; a page goes
through the pipelines like any article. The crawl's clock is ``AGGREGATOR_NOW`` when set.

Run it through ``aggregator crawl`` or as ``scrapy crawl news [-a sources=name1,name2]``; the
latter is prepared (schema, source rows, runs) by the same :mod:`aggregator.crawl_plan` as the
former.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import datetime
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, UsageError
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from aggregator.config.sources import Source, load_sources
from aggregator.crawl_plan import SOURCE_IDS, planned_ids, prepare_unless_done
from aggregator.discovery.feeds import Entry, parse_feed
from aggregator.discovery.limits import MAX_CHILD_SITEMAPS, TOO_DEEP, too_deep
from aggregator.discovery.links import extract_links, looks_like_article, site_host
from aggregator.discovery.robots import sitemaps_from_robots
from aggregator.discovery.sitemaps import newest_children, parse_sitemap
from aggregator.errors import DiscoveryError
from aggregator.extraction.article import Hints
from aggregator.extraction.walls import page_problem
from aggregator.items import ArticleItem
from aggregator.middlewares.conditional import NotModified
from aggregator.network_policy import BLOCKED_REASON
from aggregator.source_stats import count, fail, warn
from aggregator.spiders import listing_limits
from aggregator.spiders import requests as build
from aggregator.spiders.budget import ArticleBudget, Candidate
from aggregator.spiders.failures import classify_failure
from aggregator.spiders.frontier import Frontier
from aggregator.spiders.listing_limits import cut_warning
from aggregator.spiders.revisits import (
    RevisitLedger,
    count_revisit,
    crawl_clock,
    revisit_policy,
)
from aggregator.urls import canonicalize_url
from storage.base import utcnow
from storage.revisits import DueRevisit

# Keyword arguments Scrapy itself may hand a spider; anything else is a user's ``-a`` typo.
SCRAPY_ARGUMENTS = frozenset({"name", "start_urls", "_job"})


class NewsSpider(scrapy.Spider):
    """Crawl the given sources (or the enabled ones of AGGREGATOR_SOURCES)."""

    name = "news"

    def __init__(self, sources: list[Source] | str | None = None, **kwargs: Any) -> None:
        unknown = sorted(set(kwargs) - SCRAPY_ARGUMENTS)
        if unknown:
            # ``-a source=x`` (for ``sources=``) must not silently crawl every source.
            given = ", ".join(f"{k}={str(kwargs[k])[:40]}" for k in unknown)
            raise UsageError(
                f"unknown spider argument(s) {given}: the news spider takes only "
                "sources=NAME[,NAME...] (e.g. scrapy crawl news -a sources=lemonde)",
                print_help=False,
            )
        super().__init__(**kwargs)
        self._wanted = sources
        self.sources: list[Source] = sources if isinstance(sources, list) else []
        self.frontier = Frontier(None)
        self.max_child_sitemaps = MAX_CHILD_SITEMAPS
        self._listings: set[tuple[str, str]] = set()  # (source, URL) of listings requested
        self._by_name: dict[str, Source] = {}
        self.budgets: dict[str, ArticleBudget] = {}
        self.source_ids: dict[str, int] = {}
        self.clock: datetime | None = None
        self.revisits = RevisitLedger(None)
        self._revisits_sent: dict[str, int] = {}  # revisit requests per source this run
        self._revisited: set[int] = set()  # article ids revisited this run
        self._due_done: set[str] = set()  # sources whose due revisits were picked

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
        spider.revisits = RevisitLedger(settings.get("AGGREGATOR_DATABASE_URL") or None)
        spider.source_ids = planned_ids(settings, SOURCE_IDS) or {}
        spider.clock = crawl_clock(settings.get("AGGREGATOR_NOW"))
        spider.max_child_sitemaps = settings.getint(
            "AGGREGATOR_MAX_CHILD_SITEMAPS", MAX_CHILD_SITEMAPS
        )
        crawler.signals.connect(listing_limits.headers_received, signal=signals.headers_received)
        crawler.signals.connect(listing_limits.bytes_received, signal=signals.bytes_received)
        crawler.signals.connect(spider.spider_idle, signal=signals.spider_idle)
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
        self._budget(source).listing_requested()
        return True

    def _budget(self, source: Source) -> ArticleBudget:
        if source.name not in self.budgets:
            self.budgets[source.name] = ArticleBudget(source.max_articles)
        return self.budgets[source.name]

    def _articles(
        self,
        source: Source,
        entries: list[Entry],
        origin: str,
        via: str,
        link_depth: int | None = None,
        meta: dict[str, Any] | None = None,
    ) -> None:
        """Queue the entries worth fetching in the source's budget; the rest are counted."""
        selection = self.frontier.select(entries, source.max_age, self.now())
        if selection.found:
            count(self._stats, source.name, "found", selection.found)
        if selection.skipped:
            count(self._stats, source.name, "skipped", selection.skipped)
        candidates = [Candidate(e, origin, via, link_depth) for e in selection.fresh]
        self._budget(source).add(via, candidates, meta)
        if selection.changed:
            self._revisit_changed(source, selection.changed)

    def _release(self, source: Source, *, force: bool = False) -> Iterator[scrapy.Request]:
        """Article requests the budget hands out now (once the source's listings are in)."""
        budget = self._budget(source)
        first = budget.spent
        for order, candidate in enumerate(budget.release(force=force), start=first):
            yield build.article_request(
                self,
                source,
                candidate.entry.url,
                candidate.entry.hints(candidate.origin),
                via=candidate.via,
                link_depth=candidate.link_depth,
                priority=-order,
            )
        warning = budget.warning()
        if warning is not None:
            warn(self._stats, source.name, "budget", warning)

    def _listing_answered(
        self, source: Source, requests: Iterable[scrapy.Request] = ()
    ) -> Iterator[scrapy.Request]:
        """A listing's output: its own listings now, then the articles if it was the last."""
        yield from requests
        budget = self._budget(source)
        budget.listing_done()
        yield from self._release(source)
        if not budget.pending:
            yield from self._due_revisits(source)

    def _record_cut(
        self, source: Source, response: Response, kept: int, total: int, truncated: bool
    ) -> None:
        """A warning on the source's run when a limit cut a listing (never a silent loss)."""
        warning = cut_warning(response, kept, total, truncated)
        if warning is not None:
            warn(self._stats, source.name, f"listing {response.url}", warning)

    # --- signals ---------------------------------------------------------------------------

    def spider_idle(self) -> None:
        """Hand out candidates still queued, in case a listing never answered (a callback
        that raised): the budget then stops waiting for it; and the due revisits of such a
        source."""
        assert self.crawler.engine is not None
        scheduled = False
        for source in self.sources:
            budget = self.budgets.get(source.name)
            requests: list[scrapy.Request] = []
            if budget is not None and budget.waiting and not budget.exhausted:
                budget.pending = 0
                requests.extend(self._release(source, force=True))
            requests.extend(self._due_revisits(source))
            for request in requests:
                self.crawler.engine.crawl(request)
                scheduled = True
        if scheduled:
            raise DontCloseSpider("article or revisit requests released")

    # --- listings --------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for source in self.sources:
            for url in source.start_pages:
                self.frontier.mark(url)
            for request in build.listing_requests(self, source):
                if self._new_listing(source, request.url):
                    yield request

    def _due_revisits(self, source: Source) -> Iterator[scrapy.Request]:
        """The source's due revisits (its own budget, ``revisit.max_per_run``), each with the
        article's validators; once per run, after its listings answered and its new articles
        were queued, so revisits never go before them."""
        source_id = self.source_ids.get(source.name)
        if source_id is None or not source.revisit.enabled or source.name in self._due_done:
            return
        self._due_done.add(source.name)
        left = source.revisit.max_per_run - self._revisits_sent.get(source.name, 0)
        for revisit in self.revisits.due(source_id, self.now(), left):
            if revisit.article_id not in self._revisited:
                yield self._revisit_request(source, revisit)

    def _revisit_changed(self, source: Source, entries: list[Entry]) -> None:
        """Revisit at once the stored articles a listing says changed since we fetched them
        (within what is left of the source's revisit budget)."""
        source_id = self.source_ids.get(source.name)
        left = source.revisit.max_per_run - self._revisits_sent.get(source.name, 0)
        if source_id is None or not source.revisit.enabled or left <= 0:
            return
        updates: dict[str, datetime] = {}
        for entry in entries:
            assert entry.updated_at is not None
            for url in (canonicalize_url(entry.url), entry.url):
                updates[url] = max(updates.get(url, entry.updated_at), entry.updated_at)
        assert self.crawler.engine is not None
        for revisit in self.revisits.changed(source_id, updates, left):
            if revisit.article_id in self._revisited:
                continue
            self.crawler.engine.crawl(self._revisit_request(source, revisit))

    def _revisit_request(self, source: Source, revisit: DueRevisit) -> scrapy.Request:
        """One revisit request, counted against the source's revisit budget."""
        self._revisited.add(revisit.article_id)
        order = self._revisits_sent.get(source.name, 0)
        self._revisits_sent[source.name] = order + 1
        return build.revisit_request(
            self,
            source,
            revisit.url,
            revisit.article_id,
            etag=revisit.etag,
            last_modified=revisit.last_modified,
            order=order,
        )

    def now(self) -> datetime:
        """The crawl's clock: ``AGGREGATOR_NOW`` (an ISO time, for tests and replays) or now."""
        return self.clock or utcnow()

    def closed(self, reason: str) -> None:
        """Record what revisits found that the pipelines do not store (304, 404/410)."""
        self.revisits.flush()

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        source = self.source_of(response)
        try:
            feed = parse_feed(response.body, response.url)
        except DiscoveryError as exc:
            response.meta["conditional"] = False  # report it again next run, not a 304
            fail(self._stats, source.name, response.url, "feed_invalid", str(exc))
        else:
            self._record_cut(source, response, len(feed.entries), feed.total, feed.truncated)
            listing = response.meta["listing_url"]
            self._articles(source, feed.entries, "feed", listing, meta=response.meta)
        yield from self._listing_answered(source)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        source = self.source_of(response)
        yield from self._listing_answered(source, self._read_sitemap(source, response))

    def _read_sitemap(self, source: Source, response: Response) -> Iterator[scrapy.Request]:
        try:
            sitemap = parse_sitemap(response.body, response.url)
        except DiscoveryError as exc:
            response.meta["conditional"] = False
            fail(self._stats, source.name, response.url, "sitemap_invalid", str(exc))
            return
        listing = response.meta["listing_url"]
        kept = len(sitemap.entries if sitemap.kind == "urlset" else sitemap.children)
        self._record_cut(source, response, kept, sitemap.total, sitemap.truncated)
        if sitemap.kind == "urlset":
            self._articles(source, sitemap.entries, "sitemap", listing, meta=response.meta)
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
        newest = newest_children(children, source.max_age, self.now(), self.max_child_sitemaps)
        for child in newest:
            if self._new_listing(source, child.url):
                yield build.listing_request(
                    self, source, child.url, "sitemap", via=via, sitemap_depth=depth
                )

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        source = self.source_of(response)
        yield from self._listing_answered(source, self._read_robots(source, response))

    def _read_robots(self, source: Source, response: Response) -> Iterator[scrapy.Request]:
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
        else:
            self._follow(source, response, depth=0, meta=response.meta)
        yield from self._listing_answered(source)

    def _follow(
        self,
        source: Source,
        response: TextResponse,
        depth: int,
        meta: dict[str, Any] | None = None,
    ) -> None:
        if depth >= source.links.depth:
            return
        links = extract_links(response.text, response.url, source.links, site_host(source.homepage))
        via = response.meta.get("listing_url") or response.meta.get("via") or response.url
        entries = [Entry(url=u) for u in links]
        self._articles(source, entries, "links", via, link_depth=depth + 1, meta=meta)

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
            self._follow(source, response, link_depth)
            yield from self._release(source)
            if not looks_like_article(response.text):
                return
        hints = meta.get("hints") or {}
        content_type = response.headers.get("Content-Type")
        revisited = meta.get("kind") == "revisit"
        # The bytes as fetched: the extraction process decodes them (and warns of a lying
        # charset), so the reactor thread neither decodes nor pickles a text copy.
        yield ArticleItem(
            source=source.name,
            url=meta.get("entry_url", response.url),
            response_url=response.url,
            html=response.body,
            fetched_at=self.now(),
            status=response.status,
            hints=Hints(**hints),
            discovered_via="revisit" if revisited else hints.get("origin", "feed"),
            content_type=content_type.decode("latin-1") if content_type else None,
            etag=_header(response, b"ETag"),
            last_modified=_header(response, b"Last-Modified"),
            revisit=revisit_policy(source),
            revisited=revisited,
        )

    def parse_revisit(self, response: Response) -> Iterator[ArticleItem | scrapy.Request]:
        """A stored article fetched again: 304 unchanged, 404/410 withdrawn, else a page that
        the pipelines store (a revision when what a reader sees changed)."""
        source = self.source_of(response)
        article_id = int(response.meta["article_id"])
        count_revisit(self._stats, source.name, "requested")
        if response.status == 304:
            count(self._stats, source.name, "not_modified")
            count_revisit(self._stats, source.name, "not_modified")
            self.revisits.not_modified(article_id, revisit_policy(source), self.now())
            return
        if response.status in (404, 410):
            count_revisit(self._stats, source.name, "withdrawn")
            self.revisits.withdrawn(article_id, response.status, self.now())
            return
        yield from self.parse_article(response)

    # --- failures --------------------------------------------------------------------------

    def on_error(self, failure: Failure) -> Iterator[scrapy.Request]:
        """Record why a request failed against its source; a 304 is no failure. A listing
        that answered so, or not at all, no longer holds back its source's articles."""
        request = failure.request  # type: ignore[attr-defined]
        if not failure.check(NotModified):
            reason, detail = classify_failure(failure)
            if reason == BLOCKED_REASON and request.meta.get("redirect_urls"):
                detail += f"; redirected from {request.meta['redirect_urls'][0]}"
            fail(self._stats, request.meta.get("source", "?"), request.url, reason, detail)
        source = self._by_name.get(request.meta.get("source", ""))
        if source is None:
            self._by_name = {s.name: s for s in self.sources}
            source = self._by_name.get(request.meta.get("source", ""))
        if source is not None and request.meta.get("kind") in build.LISTING_KINDS:
            yield from self._listing_answered(source)


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1")[:256] if value else None
