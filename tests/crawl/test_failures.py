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
from scrapy.http import HtmlResponse, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError, TimeoutError
from twisted.python.failure import Failure

from aggregator.crawl.failures import classify_failure, http_reason, is_challenge, page_problem


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


ARTICLE = (
    b"<!DOCTYPE html><html><head><title>Budget vote</title></head><body><p>text</p></body></html>"
)


@pytest.mark.parametrize(
    ("headers", "body", "reason"),
    [
        ({"Content-Type": "text/html; charset=utf-8"}, ARTICLE, None),
        ({}, ARTICLE, None),  # no Content-Type: sniffed
        ({"Content-Type": "application/pdf"}, b"%PDF-1.4", "not_html"),
        ({"Content-Type": "image/jpeg"}, b"\xff\xd8", "not_html"),
        (
            {"Content-Type": "text/html"},
            b"<html><head><title>Just a moment...</title></head><body>cf_chl_opt</body></html>",
            "challenge",
        ),
        (
            {"Content-Type": "text/html"},
            b"<html><head><title>x</title></head><body><div id='px-captcha'></div></body></html>",
            "challenge",
        ),
    ],
)
def test_page_problem(headers: dict[str, str], body: bytes, reason: str | None) -> None:
    response = Response("http://x.test/a", body=body, headers=headers)
    problem = page_problem(response.headers, response.body)
    assert (problem[0] if problem else None) == reason


def test_a_comment_captcha_or_cloudflare_script_is_no_wall() -> None:
    page = (
        b"<html><head><title>Budget vote</title>"
        b"<script src='/cdn-cgi/challenge-platform/scripts/jsd/main.js'></script></head>"
        b"<body><p>text</p><div class='g-recaptcha'></div></body></html>"
    )
    assert not is_challenge({}, page)


def test_plain_lower_cased_headers_work_too() -> None:
    # ``sources check`` passes the urllib headers as a lower-cased dict.
    assert page_problem({"content-type": "application/pdf"}, b"%PDF")[0] == "not_html"  # type: ignore[index]
    assert page_problem({"content-type": "text/html"}, b"  <head><title>x</title></head>") is None
    assert is_challenge({"cf-mitigated": "challenge"}, b"")
