"""When a listing says an article last changed (the revisit trigger): Atom/RSS ``updated``,
JSON Feed ``date_modified``, sitemap ``lastmod``; absent when the listing says nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from aggregator.discovery.feeds import parse_feed
from aggregator.discovery.sitemaps import parse_sitemap

CHANGED = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)


def test_rss_atom_updated_and_plain_pubdate() -> None:
    body = (
        b'<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">'
        b"<channel><title>x</title><link>http://a.test/</link>"
        b"<item><link>http://a.test/1.html</link><pubDate>Tue, 01 Dec 2026 08:00:00 GMT</pubDate>"
        b"<atom:updated>2026-12-02T09:30:00Z</atom:updated></item>"
        b"<item><link>http://a.test/2.html</link><pubDate>Tue, 01 Dec 2026 08:00:00 GMT</pubDate>"
        b"</item></channel></rss>"
    )
    first, second = parse_feed(body, "http://a.test/feed.xml").entries
    assert first.updated_at == CHANGED and first.published_at == datetime(
        2026, 12, 1, 8, tzinfo=UTC
    )
    assert second.updated_at is None  # a publication date is no change


def test_json_feed_date_modified() -> None:
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "x",
        "items": [
            {
                "id": "1",
                "url": "http://a.test/1.html",
                "date_published": "2026-12-01T08:00:00Z",
                "date_modified": "2026-12-02T09:30:00Z",
            },
            {"id": "2", "url": "http://a.test/2.html", "date_modified": 12},
        ],
    }
    first, second = parse_feed(json.dumps(feed).encode(), "http://a.test/feed.json").entries
    assert first.updated_at == CHANGED and second.updated_at is None


def test_sitemap_lastmod_and_news_sitemap() -> None:
    body = (
        b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        b"<url><loc>http://a.test/1.html</loc><lastmod>2026-12-02T09:30:00Z</lastmod></url>"
        b"<url><loc>http://a.test/2.html</loc><lastmod>2026-12-02T09:30:00Z</lastmod>"
        b"<news:news><news:publication><news:name>A</news:name><news:language>en"
        b"</news:language></news:publication><news:publication_date>2026-12-01T08:00:00Z"
        b"</news:publication_date><news:title>T</news:title></news:news></url>"
        b"<url><loc>http://a.test/3.html</loc></url></urlset>"
    )
    entries = parse_sitemap(body, "http://a.test/sitemap.xml").entries
    assert [e.updated_at for e in entries] == [CHANGED, CHANGED, None]
