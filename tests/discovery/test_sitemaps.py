"""Sitemap parsing on bytes: urlsets, indexes, gzip, and Google News fields kept."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from aggregator.discovery.feeds import Entry
from aggregator.discovery.limits import MAX_SITEMAP_DEPTH, too_deep
from aggregator.discovery.sitemaps import SitemapInvalid, gunzip, newest_children, parse_sitemap

WIRE = Path(__file__).parent.parent / "fixtures" / "outlets" / "wire"
BASE = "http://wire.test"


def fixture(path: str) -> bytes:
    text = (WIRE / path).read_text(encoding="utf-8")
    return text.replace("{{BASE}}", BASE).replace("{{RECENT_ISO}}", "2024-05-06T07:08:09Z").encode()


def test_google_news_fields_are_kept() -> None:
    sitemap = parse_sitemap(fixture("sitemaps/news.xml"), f"{BASE}/sitemaps/news.xml")
    assert sitemap.kind == "urlset"
    first, old = sitemap.entries
    assert first.url == f"{BASE}/news/news-a.html"
    assert first.title == "Ministers meet on water security"
    assert first.language == "en"
    assert first.published == "2024-05-06T07:08:09Z"
    assert first.published_at == datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
    assert old.published_at == datetime(2019, 6, 1, 4, tzinfo=UTC)  # +04:00 converted


def test_news_fields_in_arabic_with_any_namespace_prefix() -> None:
    body = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:n="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>https://ar.example.org/a/1</loc><lastmod>2024-01-01</lastmod>
    <n:news><n:publication><n:name>م</n:name><n:language>ar</n:language></n:publication>
      <n:publication_date>2024-02-03</n:publication_date><n:title>عنوان الخبر</n:title></n:news>
  </url>
</urlset>""".encode()
    entry = parse_sitemap(body, "https://ar.example.org/news.xml").entries[0]
    assert (entry.title, entry.language, entry.published) == ("عنوان الخبر", "ar", "2024-02-03")


def test_index_lists_children_with_lastmod() -> None:
    sitemap = parse_sitemap(fixture("sitemaps/index.xml"), f"{BASE}/sitemaps/index.xml")
    assert sitemap.kind == "index" and sitemap.entries == []
    assert [c.url for c in sitemap.children] == [
        f"{BASE}/sitemaps/news.xml",
        f"{BASE}/sitemaps/archive.xml.gz",
        f"{BASE}/sitemaps/2019.xml",
    ]
    assert sitemap.children[2].published_at == datetime(2019, 12, 31, tzinfo=UTC)


def test_gzip_is_detected_by_its_magic_bytes() -> None:
    body = gzip.compress(fixture("sitemaps/archive.xml"))
    sitemap = parse_sitemap(body, f"{BASE}/sitemaps/archive.xml.gz")
    assert [e.url for e in sitemap.entries] == [f"{BASE}/news/archive-a.html"]
    # lastmod drives the cut-off but is no publication date to hint to extraction.
    assert sitemap.entries[0].published is None
    assert sitemap.entries[0].published_at == datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)


def test_gzip_bomb_inflates_no_further_than_the_limit() -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * (2 * 1024 * 1024) + b"</urlset>")
    data, cut = gunzip(bomb, limit=1024 * 1024)
    assert len(data) == 1024 * 1024 and cut
    assert gunzip(gzip.compress(b"<urlset/>")) == (b"<urlset/>", False)


def test_external_entities_are_never_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    body = f"""<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file://{secret}">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://x.test/&x;</loc></url></urlset>""".encode()
    entries = parse_sitemap(body, "http://x.test/s.xml").entries
    assert all("TOPSECRET" not in e.url for e in entries)


@pytest.mark.parametrize("body", [b"<html><body>no</body></html>", b"", b"\x1f\x8bbroken gzip"])
def test_what_is_not_a_sitemap(body: bytes) -> None:
    with pytest.raises(SitemapInvalid, match=r"http://x\.test/s\.xml"):
        parse_sitemap(body, "http://x.test/s.xml")


def test_locations_are_resolved_and_non_http_dropped() -> None:
    body = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <url><loc> /a.html </loc></url><url><loc>javascript:alert(1)</loc></url><url></url></urlset>"""
    assert [e.url for e in parse_sitemap(body, "http://x.test/s.xml").entries] == [
        "http://x.test/a.html"
    ]


def test_feeds_and_text_files_are_sitemaps_too() -> None:
    # The sitemap protocol also allows RSS/Atom feeds and plain-text URL lists.
    rss = parse_sitemap(
        b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
    <item><title>A</title><link>http://x.test/a</link></item></channel></rss>""",
        "http://x.test/s",
    )
    assert (rss.kind, [e.url for e in rss.entries]) == ("urlset", ["http://x.test/a"])
    assert rss.entries[0].title == "A"
    text = parse_sitemap(
        b"http://x.test/1\r\nhttps://x.test/2\n\nnot a url\n", "http://x.test/s.txt"
    )
    assert [e.url for e in text.entries] == ["http://x.test/1", "https://x.test/2"]


def test_newest_children_first_within_the_cut_off() -> None:
    now = datetime(2024, 5, 6, tzinfo=UTC)
    children = [
        Entry("http://s.test/old.xml", published_at=now - timedelta(days=400)),
        Entry("http://s.test/undated.xml"),
        Entry("http://s.test/week.xml", published_at=now - timedelta(days=7)),
        Entry("http://s.test/day.xml", published_at=now - timedelta(days=1)),
    ]
    newest = newest_children(children, timedelta(days=30), now, limit=2)
    assert [c.url for c in newest] == ["http://s.test/day.xml", "http://s.test/week.xml"]
    everything = newest_children(children, None, now, limit=50)
    assert [c.url for c in everything][-1] == "http://s.test/undated.xml"


def test_sitemap_depth_limit() -> None:
    assert not too_deep(MAX_SITEMAP_DEPTH)
    assert too_deep(MAX_SITEMAP_DEPTH + 1)


def _urlset(count: int, newest_last: bool = True) -> bytes:
    urls = [
        f"<url><loc>{BASE}/a/{n}</loc><lastmod>2024-01-01</lastmod></url>" for n in range(count)
    ]
    if newest_last:
        urls.append(f"<url><loc>{BASE}/newest</loc><lastmod>2026-12-01</lastmod></url>")
    head = '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    return (head + "".join(urls) + "</urlset>").encode()


def test_over_50000_urls_the_newest_are_kept_and_all_counted() -> None:
    from aggregator.discovery.limits import MAX_SITEMAP_URLS

    sitemap = parse_sitemap(_urlset(MAX_SITEMAP_URLS + 10), f"{BASE}/s.xml")
    assert len(sitemap.entries) == MAX_SITEMAP_URLS and sitemap.total == MAX_SITEMAP_URLS + 11
    assert sitemap.entries[-1].url == f"{BASE}/newest" and not sitemap.truncated


def test_a_cut_sitemap_gives_the_urls_before_the_cut() -> None:
    body = _urlset(1000)
    sitemap = parse_sitemap(body[: len(body) // 2], f"{BASE}/s.xml")
    assert 400 < len(sitemap.entries) < 600 and sitemap.total == len(sitemap.entries)
    cut_gzip = gzip.compress(body)[:-100]
    assert parse_sitemap(cut_gzip, f"{BASE}/s.xml").truncated
