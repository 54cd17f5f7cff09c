"""robots.txt fetched for the source that needs it, so the network policy knows whose it is.

Scrapy's RobotsTxtMiddleware requests ``/robots.txt`` with no trace of the request that
triggered it; the guarded download handler would then apply only the global allowance, and a
source allowed to reach its own private host (``allow_networks``) would crawl it without its
robots rules. This subclass gives the robots.txt request the triggering request's ``source``.
A robots.txt on a refused address is not fetched; the page request itself is then refused and
recorded with reason ``blocked_address``.

The parser is still kept per host and port, as Scrapy does: the first source to reach a host
decides whose allowance its robots.txt is fetched with.
"""

from __future__ import annotations

import logging

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from scrapy.http.request import NO_CALLBACK
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from aggregator.errors import BlockedAddress

logger = logging.getLogger(__name__)


class SourceRobotsTxtMiddleware(RobotsTxtMiddleware):
    """RobotsTxtMiddleware whose robots.txt requests carry the source's name."""

    async def robot_parser(self, request: Request) -> RobotParser | None:
        url = urlparse_cached(request)
        netloc = url.netloc
        if netloc not in self._parsers:
            self._parsers[netloc] = Deferred()
            meta = {"dont_obey_robotstxt": True}
            if "source" in request.meta:
                meta["source"] = request.meta["source"]
            robots = Request(
                f"{url.scheme}://{netloc}/robots.txt",
                priority=self.DOWNLOAD_PRIORITY,
                meta=meta,
                callback=NO_CALLBACK,
            )
            try:
                response = await self.crawler.engine.download_async(robots)
                await self._parse_robots(response, netloc, request)
            except BlockedAddress as exc:
                logger.info("robots.txt not fetched: %s", exc)
                self._robots_error(IgnoreRequest(str(exc)), netloc)
            except Exception as exc:
                if not isinstance(exc, IgnoreRequest):
                    logger.error("Error downloading %s: %s", robots, exc, exc_info=True)
                self._robots_error(exc, netloc)
            self._stats.inc_value("robotstxt/request_count")
        parser = self._parsers[netloc]
        if isinstance(parser, Deferred):
            return await maybe_deferred_to_future(parser)
        return parser
