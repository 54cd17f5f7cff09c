"""Failure reasons, from the exceptions and answers a crawl really meets."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.http import HtmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError, TimeoutError
from twisted.python.failure import Failure

from aggregator.spiders.failures import classify_failure, http_reason


def _failure(error: Exception) -> Failure:
    try:
        raise error
    except Exception:
        return Failure()


def _http_error(status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> Exception:
    response = HtmlResponse(
        "http://x.test/a",
        status=status,
        body=body,
        headers=headers,
        request=Request("http://x.test/a"),
    )
    return HttpError(response, "Ignoring non-200 response")


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (CannotResolveHostError("no.such.host"), "dns"),
        (DNSLookupError("no.such.host"), "dns"),
        (DownloadTimeoutError("took longer than 30 seconds"), "timeout"),
        (TimeoutError(), "timeout"),
        (DownloadConnectionRefusedError("refused"), "connection"),
        (IgnoreRequest("Forbidden by robots.txt"), "robots"),
        (IgnoreRequest("max redirections reached"), "redirect_loop"),
        (_http_error(404), "http_4xx"),
        (_http_error(410), "http_4xx"),
        (_http_error(503), "http_5xx"),
        (
            _http_error(403, b"<html><head><title>Just a moment...</title></head></html>"),
            "challenge",
        ),
        (_http_error(403, b"denied", {"cf-mitigated": "challenge"}), "challenge"),
        (ValueError("surprise"), "error"),
    ],
)
def test_reasons(error: Exception, reason: str) -> None:
    assert classify_failure(_failure(error))[0] == reason


def test_http_reason() -> None:
    assert (http_reason(404), http_reason(500), http_reason(302)) == (
        "http_4xx",
        "http_5xx",
        "http_302",
    )
