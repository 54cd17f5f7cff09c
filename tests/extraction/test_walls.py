"""Challenge and paywall flags: believed on short pages only, never on a real article; and
the byte-level check of a download (crawl and ``sources check``) with the same markers."""

from __future__ import annotations

import pytest
from scrapy.http import Response

from aggregator.extraction.page import parse_page
from aggregator.extraction.walls import answer_is_challenge, detect_walls, page_problem

STORY = "<p>" + " ".join(["word"] * 80) + "</p>"


def walls(html: str, words: int) -> tuple[bool, bool]:
    return detect_walls(parse_page(html, "https://x.example/a"), html, words)


def test_cloudflare_challenge() -> None:
    html = "<html><head><title>Just a moment...</title></head><body>Checking</body></html>"
    assert walls(html, 1) == (False, True)
    html = "<html><head><script>window._cf_chl_opt={}</script></head><body>x</body></html>"
    assert walls(html, 1) == (False, True)


def test_a_captcha_in_a_comment_form_does_not_make_a_challenge() -> None:
    html = f"<html><body><article>{STORY}</article><div class='g-recaptcha'></div></body></html>"
    assert walls(html, 80) == (False, False)
    assert walls("<html><body><div class='g-recaptcha'></div></body></html>", 0) == (False, True)


def test_paywall_phrases_only_on_short_bodies() -> None:
    html = f"<html><body>{STORY}<p>Subscribe to continue reading</p></body></html>"
    assert walls(html, 80) == (True, False)
    assert walls(html, 900) == (False, False)


def test_jsonld_says_not_free() -> None:
    html = (
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle", '
        '"isAccessibleForFree": false}</script></head><body><p>x</p></body></html>'
    )
    assert walls(html, 900) == (True, False)


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
    assert not answer_is_challenge({}, page)


def test_plain_lower_cased_headers_work_too() -> None:
    # ``sources check`` passes the urllib headers as a lower-cased dict.
    assert page_problem({"content-type": "application/pdf"}, b"%PDF")[0] == "not_html"  # type: ignore[index]
    assert page_problem({"content-type": "text/html"}, b"  <head><title>x</title></head>") is None
    assert answer_is_challenge({"cf-mitigated": "challenge"}, b"")


@pytest.mark.parametrize(
    ("body", "wall"),
    [
        (b"<html><head><TITLE>\n  Just a Moment...</TITLE></head><body>x</body></html>", True),
        (b"<svg><title>icon</title></svg><title>Attention Required! | Cloudflare</title>", True),
        (b"<title>Checking your browser before accessing</title>", True),
        (b"<html><body><div class='CF-Browser-Verification'></div></body></html>", True),
        (b"<p>Incapsula incident ID: 1234</p>", True),
        (b"<script src='https://geo.captcha-delivery.com/captcha/'></script>", True),
        (b"<title>Budget vote: just a moment of calm</title>", False),  # not at the start
        (b"<title lang='en'>Just a moment...</title>", False),  # as before: bare <title> only
        (b"<title>Budget vote</title><body><p>Access denied, says the court</p></body>", False),
    ],
)
def test_answer_is_challenge_markers(body: bytes, wall: bool) -> None:
    assert answer_is_challenge({}, body) is wall


def test_only_the_head_of_a_download_is_scanned() -> None:
    article = b"<html><head><title>Budget vote</title></head><body>" + b"<p>text</p>" * 7000
    assert len(article) > 64 * 1024
    assert not answer_is_challenge({}, article + b"<div id='px-captcha'></div>")
    assert answer_is_challenge({}, b"<div id='px-captcha'></div>" + article)
