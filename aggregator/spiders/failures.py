"""Name why a request failed, in the few words a crawl run records and an operator acts on.

Reasons: ``timeout``, ``dns``, ``connection``, ``http_4xx``, ``http_5xx``, ``redirect_loop``,
``robots`` (refused by robots.txt), ``not_html``, ``challenge`` (a bot wall answering 200),
``feed_invalid``, ``sitemap_invalid``, ``too_large``, ``blocked_address`` (the network policy
refused the address the host is or resolves to) and ``error`` for anything else. Whether
a page is HTML or a bot wall is decided by :mod:`aggregator.extraction.walls`.
"""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseNeverReceived

from aggregator.errors import BlockedAddress
from aggregator.extraction.walls import answer_is_challenge
from aggregator.network_policy import BLOCKED_REASON


def http_reason(status: int) -> str:
    """``http_4xx`` or ``http_5xx`` (any other status: ``http_<status>``)."""
    if 400 <= status < 500:
        return "http_4xx"
    if 500 <= status < 600:
        return "http_5xx"
    return f"http_{status}"


def classify_failure(failure: Failure) -> tuple[str, str]:
    """(reason, detail) for a request's errback."""
    error: Any = failure.value
    if failure.check(HttpError):
        response = error.response
        if answer_is_challenge(response.headers, response.body):
            return "challenge", f"HTTP {response.status} bot wall"
        return http_reason(response.status), f"HTTP {response.status}"
    if failure.check(BlockedAddress):
        return BLOCKED_REASON, str(error)
    # Scrapy 2.13+ wraps Twisted's errors in its own; both are listed for other handlers.
    if failure.check(CannotResolveHostError, DNSLookupError):
        return "dns", str(error)
    if failure.check(DownloadTimeoutError, TimeoutError, TCPTimedOutError):
        return "timeout", str(error)
    if failure.check(DownloadConnectionRefusedError, ConnectionRefusedError):
        return "connection", str(error)
    if failure.check(ResponseDataLossError, DownloadFailedError):
        return "connection", str(error)[:200]
    if failure.check(IgnoreRequest):
        message = str(error)
        if "robots.txt" in message:
            return "robots", "refused by robots.txt"
        if "redirections" in message:
            return "redirect_loop", message
        if "maxsize" in message or "max size" in message:
            return "too_large", message
        return "ignored", message
    if failure.check(ResponseNeverReceived):
        return "connection", str(error)[:200]
    return "error", f"{type(error).__name__}: {error}"
