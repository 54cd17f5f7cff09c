"""Small HTTP and parsing helpers shared by the demo outlet tests (stdlib + lxml only)."""

from __future__ import annotations

import re
from urllib.error import HTTPError
from urllib.request import ProxyHandler, build_opener

import feedparser
from lxml import etree, html

from aggregator.demo.outlets import DemoOutlet

# No proxy: a developer's http_proxy must not intercept loopback requests.
_OPENER = build_opener(ProxyHandler({}))
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

# Where each outlet keeps its article text (what a per-source `selectors.body` would say).
BODY_XPATH = {
    "emirates-leaks": "//div[contains(@class, 'entry-content')]/p",
    "la-gazette": (
        "//section[@class='article__content']/p[@class='article__paragraph']"
        " | //div[@class='amp-article__body']/p"
    ),
    "gulf-courier": "//div[@class='story__body']/p[not(@class)]",
}


def fetch(url: str) -> tuple[int, str, bytes]:
    """Status, content type and body of a GET on the loopback server."""
    try:
        with _OPENER.open(url, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), b""


def page(url: str) -> html.HtmlElement:
    """The parsed HTML page at ``url``; fails the test unless it answers 200 with HTML."""
    status, content_type, body = fetch(url)
    assert status == 200, f"{url} answered {status}"
    assert content_type.startswith("text/html"), f"{url} is {content_type}"
    return html.fromstring(body)


def body_paragraphs(outlet: DemoOutlet, doc: html.HtmlElement) -> list[str]:
    """The article's paragraphs with source-code line breaks collapsed (no-break spaces kept)."""
    return [
        re.sub(r"[ \t\r\n]+", " ", p.text_content()).strip()
        for p in doc.xpath(BODY_XPATH[outlet.name])
    ]


def entry_links(outlet: DemoOutlet, base: str) -> list[str]:
    """Every article link the outlet's feeds and sitemaps (indexes followed) announce."""
    links: list[str] = []
    for path in outlet.feeds:
        status, _, body = fetch(base + path)
        assert status == 200, f"feed {path} answered {status}"
        feed = feedparser.parse(body)
        assert not feed.bozo, f"feed {path}: {feed.bozo_exception}"
        links += [entry.link for entry in feed.entries]
    pending = [base + path for path in outlet.sitemaps]
    while pending:
        url = pending.pop()
        status, _, body = fetch(url)
        assert status == 200, f"sitemap {url} answered {status}"
        root = etree.fromstring(body)
        locs = [(loc.text or "").strip() for loc in root.iter(f"{SITEMAP_NS}loc")]
        if root.tag == f"{SITEMAP_NS}sitemapindex":
            pending += locs
        else:
            links += locs
    return links
