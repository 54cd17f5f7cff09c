"""The streaming reader of large feeds: what feedparser gives, in one bounded pass."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from aggregator.discovery.feed_stream import stream_feed
from aggregator.discovery.feeds import FeedInvalid, is_large, parse_feed
from aggregator.discovery.limits import LARGE_FEED_BYTES, MAX_FEED_ENTRIES, MAX_LISTING_BYTES

URL = "http://x.test/feed.xml"


def rss(count: int, newest_last: bool = False, extra: str = "") -> bytes:
    items = [
        f"<item><title> Item\n{n} </title><link>/a/{n}.html</link>"
        f"<pubDate>Mon, 0{1 + n % 9} Jun 2026 10:00:00 +0400</pubDate>{extra}</item>"
        for n in range(count)
    ]
    if newest_last:
        items.append(
            "<item><title>Newest</title><guid>http://x.test/newest</guid>"
            "<pubDate>Tue, 01 Dec 2026 10:00:00 GMT</pubDate></item>"
        )
    return (
        "<?xml version='1.0'?><rss version='2.0'><channel><title>Big</title>"
        "<language>fr-FR</language>" + "".join(items) + "</channel></rss>"
    ).encode()


def test_rss_entries_as_feedparser_reads_them() -> None:
    feed = stream_feed(rss(3), URL)
    assert (feed.title, feed.language, feed.total) == ("Big", "fr", 3)
    first = feed.entries[0]
    assert first.url == "http://x.test/a/0.html"  # resolved against the feed's URL
    assert first.title == "Item 0"
    assert first.published == "Mon, 01 Jun 2026 10:00:00 +0400"
    assert first.published_at == datetime(2026, 6, 1, 6, tzinfo=UTC)
    assert first.language == "fr"


def test_atom_and_rdf() -> None:
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ar"><title>A</title>
      <entry><title type="html">T</title><link rel="enclosure" href="http://x.test/a.mp3"/>
        <link href="http://x.test/a"/><id>urn:a</id><updated>2026-01-02T00:00:00Z</updated>
      </entry></feed>"""
    [entry] = stream_feed(atom, URL).entries
    assert (entry.url, entry.language, entry.published) == (
        "http://x.test/a",
        "ar",
        "2026-01-02T00:00:00Z",
    )
    rdf = b"""<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
      xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
      <channel><title>R</title></channel>
      <item><title>I</title><link>http://x.test/r</link><dc:date>2026-03-04</dc:date></item>
    </rdf:RDF>"""
    feed = stream_feed(rdf, URL)
    assert feed.title == "R" and feed.entries[0].published_at == datetime(2026, 3, 4, tzinfo=UTC)


def test_over_the_entry_limit_the_newest_are_kept() -> None:
    body = rss(MAX_FEED_ENTRIES + 500, newest_last=True)
    assert is_large(body)
    feed = parse_feed(body, URL)
    assert len(feed.entries) == MAX_FEED_ENTRIES and feed.total == MAX_FEED_ENTRIES + 501
    assert "http://x.test/newest" in {e.url for e in feed.entries}  # last in the document


def test_a_body_cut_by_the_byte_limit_gives_the_entries_before_the_cut() -> None:
    body = rss(40_000, extra="<description>" + "x" * 300 + "</description>")
    assert len(body) > MAX_LISTING_BYTES
    feed = parse_feed(body, URL)
    assert feed.truncated and 0 < feed.total < 40_000
    assert len(feed.entries) == min(feed.total, MAX_FEED_ENTRIES)
    small = parse_feed(rss(3), URL)
    assert not small.truncated and len(body) > LARGE_FEED_BYTES


@pytest.mark.parametrize("body", [b"<html><body>no</body></html>", b"not xml at all"])
def test_what_is_not_a_feed(body: bytes) -> None:
    with pytest.raises(FeedInvalid, match=r"http://x\.test/feed\.xml"):
        stream_feed(body, URL)


def test_entities_are_not_expanded() -> None:
    body = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>
      <rss><channel><item><title>&e;</title><link>http://x.test/a</link></item></channel></rss>"""
    [entry] = stream_feed(body, URL).entries
    assert "root" not in (entry.title or "")
