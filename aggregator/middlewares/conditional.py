"""Conditional GET for feeds, sitemaps and start pages: an unchanged listing costs a 304.

Requests the spider marks ``conditional`` get ``If-None-Match`` / ``If-Modified-Since`` from
the validators stored at the last run. A 304 is counted as ``not_modified`` and ends the
request with :class:`NotModified` before any parsing. New validators are saved only when the
crawl finishes cleanly, every article request that came from the listing succeeded and every
article of the source was stored: otherwise the next run would get a 304 and never retry the
articles it missed (a killed crawl saves none).

The middleware sits below RetryMiddleware (550) so it sees final outcomes, not attempts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response

from aggregator.source_stats import count
from storage.listing_states import Validators


class NotModified(IgnoreRequest):
    """The listing has not changed since the last run (HTTP 304): nothing to parse."""


@dataclass
class _Pending:
    source: str
    validators: Validators
    status: int
    meta: dict[str, Any]  # the spider clears meta["conditional"] when not to keep them


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


class ConditionalRequestMiddleware:
    """Adds stored validators to listing requests and keeps the new ones after the crawl."""

    def __init__(self, crawler: Crawler, database_url: str) -> None:
        self.crawler = crawler
        self.database_url = database_url
        self.pending: dict[str, _Pending] = {}
        self.incomplete: set[str] = set()  # listings with an article that failed

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalRequestMiddleware:
        url = crawler.settings.get("AGGREGATOR_DATABASE_URL")
        if not url:
            raise NotConfigured("AGGREGATOR_DATABASE_URL is not set")
        middleware = cls(crawler, url)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def _session(self) -> Any:
        from storage.db import session_scope

        return session_scope(self.database_url)

    def process_request(self, request: Request) -> None:
        if not request.meta.get("conditional"):
            return
        if b"If-None-Match" in request.headers or b"If-Modified-Since" in request.headers:
            return  # a redirect of a request that already carries them
        from storage.listing_states import get_validators

        with self._session() as session:
            validators = get_validators(session, request.meta.get("listing_url", request.url))
        if validators.etag:
            request.headers[b"If-None-Match"] = validators.etag
        if validators.last_modified:
            request.headers[b"If-Modified-Since"] = validators.last_modified

    def process_response(self, request: Request, response: Response) -> Response:
        meta = request.meta
        if meta.get("conditional"):
            key = meta.get("listing_url", request.url)
            source = meta.get("source", "")
            if response.status == 304:
                assert self.crawler.stats is not None
                count(self.crawler.stats, source, "not_modified")
                self.pending[key] = _Pending(source, Validators(), 304, meta)
                raise NotModified(f"not modified since the last run: {request.url}")
            if response.status == 200:
                validators = Validators(
                    _header(response, "ETag"), _header(response, "Last-Modified")
                )
                self.pending[key] = _Pending(source, validators, 200, meta)
        if meta.get("via") and response.status >= 400:
            self.incomplete.add(meta["via"])
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if request.meta.get("via") and not isinstance(exception, IgnoreRequest):
            self.incomplete.add(request.meta["via"])

    def _store_failed(self, source: str) -> bool:
        """True when an article of ``source`` could not be stored in this run (the store stage
        has flushed by now: pipelines close before ``spider_closed``). Its listings must be read
        again next run, not answered with a 304 that would hide the article for good."""
        assert self.crawler.stats is not None
        return bool(self.crawler.stats.get_value(f"aggregator/{source}/reason/storage"))

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Persist what the listings answered; new validators only after a clean crawl."""
        from storage.listing_states import save_validators

        if not self.pending:
            return
        with self._session() as session:
            for url, pending in self.pending.items():
                keep = (
                    reason == "finished"
                    and pending.meta.get("conditional")
                    and url not in self.incomplete
                    and not self._store_failed(pending.source)
                )
                if pending.status == 304:
                    save_validators(session, url, pending.source, Validators(), status=304)
                elif keep:
                    save_validators(
                        session, url, pending.source, pending.validators, status=pending.status
                    )
                else:
                    # Forget old validators too: the next run must fetch and parse it again.
                    save_validators(
                        session, url, pending.source, Validators(), status=pending.status
                    )
