"""Feed parsing on bytes: every format the outlets serve, and what is not a feed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from aggregator.discovery.feeds import FeedInvalid, parse_feed, primary_language

WIRE = Path(__file__).parent.parent / "fixtures" / "outlets" / "wire"
BASE = "http://wire.test"
RECENT = "2024-05-06T07:08:09+04:00"


def fixture(path: str) -> bytes:
    text = (WIRE / path).read_text(encoding="utf-8")
    text = text.replace("{{BASE}}", BASE).replace("{{RECENT_ISO}}", RECENT)
    return text.replace("{{RECENT_RFC822}}", "Mon, 06 May 2024 07:08:09 +0400").encode()


@pytest.mark.parametrize(
    ("path", "url", "language"),
    [
        ("feeds/rss091.xml", "/news/rss091-a.html", "en"),
        ("feeds/rss10.rdf", "/news/rdf-a.html", "en"),
        ("feeds/rss2.xml", "/news/rss2-a.html?utm_source=rss&utm_medium=feed", "en"),
        ("feeds/atom.xml", "/news/atom-a.html", "en"),
        ("feeds/feed.json", "/news/json-a.html", "en"),
    ],
)
def test_every_format_gives_absolute_article_urls(path: str, url: str, language: str) -> None:
    feed = parse_feed(fixture(path), f"{BASE}/{path}")
    assert feed.entries[0].url == BASE + url
    assert feed.language == language
    assert feed.entries[0].title


def test_dates_are_kept_as_written_and_as_utc() -> None:
    entries = parse_feed(fixture("feeds/rss2.xml"), f"{BASE}/feeds/rss2.xml").entries
    assert entries[0].published == "Mon, 06 May 2024 07:08:09 +0400"
    assert entries[0].published_at == datetime(2024, 5, 6, 3, 8, 9, tzinfo=UTC)
    assert entries[1].url == f"{BASE}/news/rss2-b.html"  # relative link resolved
    assert entries[2].published_at == datetime(2019, 3, 5, 10, tzinfo=UTC)

    atom = parse_feed(fixture("feeds/atom.xml"), f"{BASE}/feeds/atom.xml").entries[0]
    assert atom.published_at == datetime(2024, 5, 6, 3, 8, 9, tzinfo=UTC)
    json_entry = parse_feed(fixture("feeds/feed.json"), f"{BASE}/feeds/feed.json").entries[0]
    assert json_entry.published == RECENT
    assert json_entry.published_at == datetime(2024, 5, 6, 3, 8, 9, tzinfo=UTC)


def test_rss_guid_permalink_stands_in_for_a_missing_link() -> None:
    body = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
    <item><title>a</title><guid isPermaLink="true">http://x.test/a.html</guid></item>
    <item><title>no address at all</title><guid isPermaLink="false">12345</guid></item>
    </channel></rss>"""
    assert [e.url for e in parse_feed(body, "http://x.test/rss").entries] == [
        "http://x.test/a.html"
    ]


def test_arabic_titles_and_language() -> None:
    body = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>
    <title>الخليج</title><language>ar-AE</language>
    <item><title>  وزراء   يجتمعون </title><link>http://x.test/1</link></item></channel></rss>""".encode()
    feed = parse_feed(body, "http://x.test/rss")
    assert feed.language == "ar"
    assert feed.entries[0].title == "وزراء يجتمعون"
    assert feed.entries[0].language == "ar"


@pytest.mark.parametrize(
    "body",
    [
        b"<!DOCTYPE html><html><head><title>Moved</title></head><body>gone</body></html>",
        b"",
        b"not xml at all",
    ],
)
def test_what_is_not_a_feed_names_its_url(body: bytes) -> None:
    with pytest.raises(FeedInvalid, match=r"http://x\.test/feed"):
        parse_feed(body, "http://x.test/feed")


@pytest.mark.parametrize(
    "body",
    [
        b'{"version": "https://jsonfeed.org/version/1.1", "items": "nope"}',
        b'{"title": "an API answer, not a feed"}',
        b'{"version": broken',
    ],
)
def test_bad_json_feeds(body: bytes) -> None:
    with pytest.raises(FeedInvalid):
        parse_feed(body, "http://x.test/feed.json")


def test_hostile_entities_are_not_expanded() -> None:
    body = b"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>
    <rss version="2.0"><channel><title>&x;</title>
    <item><title>t &x;</title><link>http://x.test/a</link></item></channel></rss>"""
    feed = parse_feed(body, "http://x.test/rss")
    assert "root:" not in (feed.title or "") + (feed.entries[0].title or "")


def test_primary_language() -> None:
    assert primary_language("fr-FR") == "fr"
    assert primary_language("en_us") == "en"
    assert primary_language("AR") == "ar"
    assert primary_language("x") is None
    assert primary_language(None) is None
