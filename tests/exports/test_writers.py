"""RSS 2.0, Atom and JSON Feed documents parse cleanly and carry the attribution."""

from __future__ import annotations

import json
import re
import time

import feedparser

from aggregator.exports.atom import render_atom
from aggregator.exports.jsonfeed import render_json_feed
from aggregator.exports.rss import render_rss

from .export_samples import FEED, sample_items

RFC822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$"
)
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def test_rss() -> None:
    body = render_rss(sample_items(), FEED)
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    first, second = parsed.entries
    assert first.title == "Edited title"
    assert first.link == "https://www.aljazeera.net/news/1"
    assert "Originally published by الجزيرة نت (by محمد علي)" in first.description
    assert first.author == "محمد علي"
    assert first.source == {"href": "https://www.aljazeera.net/", "title": "الجزيرة نت"}
    assert first.published_parsed == time.struct_time((2026, 11, 20, 7, 0, 0, 4, 324, 0))
    assert second.title == "NSO Group fait l’objet d’une enquête <b>américaine</b>"
    assert second.link == "https://emaratleaks.example/fr/nso?a=1&b=2"
    for date in re.findall(rb"<pubDate>([^<]+)</pubDate>", body):
        assert RFC822.match(date.decode()), date


def test_atom() -> None:
    body = render_atom(sample_items(), FEED)
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    first = parsed.entries[0]
    assert first.title == "Edited title"
    assert first.link == "https://www.aljazeera.net/news/1"
    assert first.author == "محمد علي"
    assert first.source.title == "الجزيرة نت"
    assert "Originally published by الجزيرة نت" in first.content[0].value
    assert first.rights.startswith("Originally published by")
    assert first.published_parsed[:5] == (2026, 11, 20, 7, 0)
    assert parsed.entries[1].author == "emaratleaks"  # no author known: the outlet
    for date in re.findall(rb"<(?:updated|published)>([^<]+)<", body):
        assert RFC3339.match(date.decode()), date


def test_json_feed() -> None:
    document = json.loads(render_json_feed(sample_items(), FEED))
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    first = document["items"][0]
    assert first["title"] == "Edited title"
    assert first["authors"] == [{"name": "محمد علي"}]
    assert first["_attribution"]["original_date"] == "2026-11-20T10:00+03:00"
    assert first["language"] == "ar"
    for item in document["items"]:
        assert RFC3339.match(item["date_published"])
        assert RFC3339.match(item["date_modified"])
    # What JSON Feed 1.1 requires of every item (feedparser 6.0 does not read JSON Feed).
    for item in document["items"]:
        assert isinstance(item["id"], str) and item["id"]
        assert item.get("content_text") or item.get("content_html")


def test_a_non_http_url_never_becomes_a_link() -> None:
    from datetime import UTC, datetime

    from aggregator.exports.item import export_item
    from storage.articles import Article
    from storage.sources import SourceRow

    bad = SourceRow(
        name="bad",
        label="Bad",
        homepage="javascript:alert(1)",
        languages=[],
        timezone="UTC",
        config={},
    )
    article = Article(
        id=7,
        source=bad,
        url="javascript:alert(document.cookie)",
        title="t",
        body="b",
        authors=[],
        first_seen_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    item = export_item(article, datetime(2026, 1, 2, tzinfo=UTC))
    assert (item.url, item.outlet_url) == (None, None)
    assert item.guid == "urn:newsroom-aggregator:article:7"
    for body in (render_rss([item], FEED), render_atom([item], FEED)):
        parsed = feedparser.parse(body)
        assert not parsed.bozo
        assert b'href="javascript' not in body and b"<link>javascript" not in body
        assert parsed.entries[0].id == "urn:newsroom-aggregator:article:7"
    document = json.loads(render_json_feed([item], FEED))
    assert "url" not in document["items"][0]
