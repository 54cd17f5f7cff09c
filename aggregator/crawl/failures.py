"""Name why a request failed, in the few words a crawl run records and an operator acts on.

Reasons: ``timeout``, ``dns``, ``connection``, ``http_4xx``, ``http_5xx``, ``redirect_loop``,
``robots`` (refused by robots.txt), ``not_html``, ``challenge`` (a bot wall answering 200),
``feed_invalid``, ``sitemap_invalid``, ``too_large`` and ``error`` for anything else.
"""

from __future__ import annotations

import re
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

# Bot walls and challenge pages that answer 200 (or 403/503) instead of the article.
CHALLENGE_MARKERS = (
    re.compile(
        rb"<title>\s*(just a moment|attention required|access denied|"
        rb"please wait|are you a robot|security check|checking your browser)",
        re.IGNORECASE,
    ),
    # Markers seen only on the wall itself; Cloudflare's "challenge-platform" script and
    # comment-form captchas also appear on normal articles, so they are not listed.
    re.compile(
        rb"cf-browser-verification|cf_chl_opt|Incapsula incident ID|"
        rb"geo\.captcha-delivery\.com|px-captcha",
        re.IGNORECASE,
    ),
)
CHALLENGE_SCAN_BYTES = 64 * 1024
HTML_TYPES = ("text/html", "application/xhtml+xml")


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
        if is_challenge(response.headers, response.body):
            return "challenge", f"HTTP {response.status} bot wall"
        return http_reason(response.status), f"HTTP {response.status}"
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


def _header(headers: Any, name: str) -> str:
    # Scrapy's Headers are case-insensitive; a plain dict (``sources check``) is lower-cased.
    value = headers.get(name) or headers.get(name.lower()) if headers is not None else None
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return value or ""


def is_challenge(headers: Any, body: bytes) -> bool:
    """True when an answer is a bot wall or captcha, not the page asked for."""
    if _header(headers, "cf-mitigated").lower() == "challenge":
        return True
    head = body[:CHALLENGE_SCAN_BYTES]
    return any(marker.search(head) for marker in CHALLENGE_MARKERS)


def is_html(headers: Any, body: bytes) -> bool:
    """True when an answer is an HTML page (by Content-Type, or by its first bytes)."""
    kind = _header(headers, "Content-Type").split(";", 1)[0].strip().lower()
    if kind in HTML_TYPES:
        return True
    if kind and not kind.startswith(("text/plain", "application/octet-stream")):
        return False
    start = body[:1024].lstrip().lower()
    return start.startswith((b"<!doctype html", b"<html"))


def page_problem(headers: Any, body: bytes) -> tuple[str, str] | None:
    """(reason, detail) when a 200 answer to an article request is no article page."""
    if not is_html(headers, body):
        kind = _header(headers, "Content-Type") or "no Content-Type"
        return "not_html", kind[:100]
    if is_challenge(headers, body):
        return "challenge", "bot wall or captcha instead of the article"
    return None
