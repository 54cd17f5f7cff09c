"""The news spider against loopback outlets: every discovery path, the cut-off, incremental
crawling, robots.txt, and failures that stay with their source."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from aggregator.demo.server import OutletServer
from storage.articles import Article, ArticleUrl
from storage.db import session_scope, upgrade
from storage.runs import CrawlRun
from storage.sources import SourceRow
from tests.spiders.crawling import crawl, gzip_sitemap, loopback_source, materialize

pytestmark = pytest.mark.slow

Serve = Callable[[str | Path], OutletServer]


@pytest.fixture
def wire(tmp_path: Path, serve_outlet: Serve) -> OutletServer:
    """The "Gulf Wire" outlet, with its gzipped sitemap made for this server's port."""
    server = serve_outlet(materialize("wire", tmp_path))
    gzip_sitemap(server, "sitemaps/archive.xml", "sitemaps/archive.xml.gz")
    return server


def wire_source(
    base: str,
    *,
    feeds: Sequence[str] = (),
    sitemaps: Sequence[str] = (),
    max_age: str | None = "30d",
) -> str:
    """A sources file whose one source, "wire", reads the given feeds and sitemaps."""
    options = {"max_age": max_age} if max_age else {}
    return loopback_source("wire", base, feeds=feeds, sitemaps=sitemaps, **options)


ALL_FEEDS = [
    "/feeds/rss091.xml",
    "/feeds/rss10.rdf",
    "/feeds/rss2.xml",
    "/feeds/atom.xml",
    "/feeds/feed.json",
]


def test_every_feed_format_and_sitemap_path(
    wire: OutletServer, tmp_path: Path, sqlite_url: str
) -> None:
    base = wire.base_url
    result = crawl(
        tmp_path, wire_source(base, feeds=ALL_FEEDS, sitemaps=["/robots.txt"]), sqlite_url
    )

    paths = {url.removeprefix(base) for url in result.urls("wire")}
    assert paths == {
        "/news/rss091-a.html",  # RSS 0.91
        "/news/rdf-a.html",  # RSS 1.0 (RDF)
        "/news/rss2-a.html?utm_source=rss&utm_medium=feed",  # RSS 2.0, as the feed gave it
        "/news/rss2-b.html",  # RSS 2.0, relative link resolved
        "/news/atom-a.html",  # Atom
        "/news/json-a.html",  # JSON Feed
        "/news/news-a.html",  # Google News sitemap, via robots.txt -> index
        "/news/archive-a.html",  # gzipped sitemap, via the index
    }
    by_path = {i["url"].removeprefix(base): i for i in result.items}
    news = by_path["/news/news-a.html"]
    assert news["hints"]["title"] == "Ministers meet on water security"
    assert news["hints"]["language"] == "en"
    assert news["hints"]["origin"] == "sitemap" and news["discovered_via"] == "sitemap"
    assert news["hints"]["published"].startswith(str(datetime.now(UTC).year))
    rss = by_path["/news/rss2-b.html"]
    assert rss["hints"]["title"] == "Airline adds routes to Central Asia"
    assert rss["hints"]["published"].endswith("+0000")
    assert rss["discovered_via"] == "feed" and rss["has_html"] and rss["status"] == 200

    # The cut-off (30 days) dropped the 2019 entries before any request, and the 2019 child
    # sitemap of the index was never fetched.
    assert not wire.requested("/news/rss2-old.html")
    assert not wire.requested("/news/news-old.html")
    assert not wire.requested("/sitemaps/2019.xml")
    # The same sitemap named by robots.txt and by the index is fetched once.
    assert len(wire.requested("/sitemaps/news.xml")) == 1

    figures = result.figures["wire"]
    assert figures["fetched"] == 8
    # Found: 8 fetched, 2 past the cut-off (rss2-old, news-old; the JSON Feed's copy of
    # rss2-old is the same URL, counted once) and the page robots.txt refuses.
    assert figures["skipped"] == 2
    assert figures["found"] == 11
    # robots.txt refusal: recorded with its reason, the page never requested.
    assert figures["reasons"] == {"robots": 1}
    assert figures["errors"][0]["url"].endswith("/private/secret.html")
    assert not wire.requested("/private/")


def test_no_cut_off_without_max_age_and_polite_headers(
    wire: OutletServer, tmp_path: Path, sqlite_url: str
) -> None:
    yaml = wire_source(wire.base_url, feeds=["/feeds/rss2.xml"], max_age=None)
    yaml += "    headers: {Accept-Language: en-GB}\n"
    result = crawl(tmp_path, yaml, sqlite_url)
    assert wire.requested("/news/rss2-old.html")
    assert result.figures["wire"]["skipped"] == 0
    # The configured User-Agent names the project and a contact URL; the source's extra
    # headers go with its feed and article requests.
    for hit in wire.hits:
        assert hit.headers["User-Agent"].startswith("newsroom-aggregator/")
        assert "(+https://" in hit.headers["User-Agent"]
    feed = next(h for h in wire.hits if h.path == "/feeds/rss2.xml")
    article = next(h for h in wire.hits if h.path == "/news/rss2-b.html")
    assert feed.headers["Accept-Language"] == article.headers["Accept-Language"] == "en-GB"


LINKS = """    start_pages: [{base}/world/]
    links:
      allow: ['/news/', '/world/more']
      deny: ['about']
      depth: {depth}
"""


def test_link_following_by_patterns_and_depth(
    wire: OutletServer, tmp_path: Path, sqlite_url: str
) -> None:
    base = wire.base_url
    yaml = wire_source(base).replace("    feeds: []\n    sitemaps: []\n", "")
    result = crawl(
        tmp_path, yaml.rstrip("\n") + "\n" + LINKS.format(base=base, depth=2), sqlite_url
    )

    assert {u.removeprefix(base) for u in result.urls()} == {
        "/news/link-a.html",
        "/news/link-b.html",
        "/news/link-c.html",
    }
    assert all(i["discovered_via"] == "links" for i in result.items)
    # The inner section page was scanned (link-c is two hops away) but is not an article.
    assert wire.requested("/world/more.html")
    # Denied, foreign and duplicate (fragment, tracking parameters) links are never requested.
    assert not wire.requested("/about.html")
    assert len(wire.requested("/news/link-a.html")) == 1


def test_link_depth_one_stops_at_the_start_page_links(
    wire: OutletServer, tmp_path: Path, sqlite_url: str
) -> None:
    base = wire.base_url
    yaml = wire_source(base).replace("    feeds: []\n    sitemaps: []\n", "")
    result = crawl(
        tmp_path, yaml.rstrip("\n") + "\n" + LINKS.format(base=base, depth=1), sqlite_url
    )
    assert "/news/link-c.html" not in {u.removeprefix(base) for u in result.urls()}
    assert not wire.requested("/news/link-c.html")
    # At the last depth a followed page is taken as an article candidate.
    assert base + "/world/more.html" in result.urls()


def test_second_crawl_is_conditional_and_downloads_no_article(
    wire: OutletServer, tmp_path: Path, sqlite_url: str
) -> None:
    yaml = wire_source(wire.base_url, feeds=ALL_FEEDS, sitemaps=["/sitemaps/news.xml"])
    first = crawl(tmp_path, yaml, sqlite_url)
    assert first.figures["wire"]["fetched"] == 7
    wire.clear()

    second = crawl(tmp_path, yaml, sqlite_url)
    assert wire.requested("/news/") == []
    listings = [*ALL_FEEDS, "/sitemaps/news.xml"]
    assert sorted(
        wire.requested("/feeds/", status=304) + wire.requested("/sitemaps/", status=304)
    ) == sorted(listings)
    hit = next(h for h in wire.hits if h.path == "/feeds/rss2.xml")
    assert hit.headers.get("If-None-Match", "").startswith('"')
    assert second.figures["wire"]["not_modified"] == len(listings)
    assert second.items == [] and second.figures["wire"]["failed"] == 0


def _store_urls(database_url: str, urls: list[str]) -> None:
    """Put articles in the database the way the store pipeline would leave them."""
    upgrade(database_url)
    with session_scope(database_url) as session:
        source = SourceRow(
            name="wire", homepage="http://wire.test/", languages=["en"], timezone="UTC", config={}
        )
        session.add(source)
        session.flush()
        for n, url in enumerate(urls):
            article = Article(source_id=source.id, url=url, body="text", body_hash=f"h{n}")
            session.add(article)
            session.flush()
            session.add(ArticleUrl(url=url, article_id=article.id, source_id=source.id))


def test_stored_urls_are_never_requested(
    wire: OutletServer, tmp_path: Path, database_url: str
) -> None:
    base = wire.base_url
    # Stored under its canonical form: the feed's tracking parameters must not hide it.
    _store_urls(database_url, [f"{base}/news/rss2-a.html"])
    result = crawl(tmp_path, wire_source(base, feeds=["/feeds/rss2.xml"]), database_url)

    assert not wire.requested("/news/rss2-a.html")
    assert wire.requested("/news/rss2-b.html")
    assert result.urls() == {f"{base}/news/rss2-b.html"}
    assert result.figures["wire"]["skipped"] == 2  # the stored one and the 2019 one


BROKEN = """  - name: broken
    homepage: {base}/
    languages: [en]
    feeds: [{base}/feed.xml, {base}/not-a-feed.xml, {base}/down.xml]
"""


def test_failing_source_beside_a_healthy_one(
    wire: OutletServer, tmp_path: Path, sqlite_url: str, serve_outlet: Serve
) -> None:
    broken = serve_outlet(materialize("broken", tmp_path))
    yaml = wire_source(wire.base_url, feeds=["/feeds/rss2.xml"]) + BROKEN.format(
        base=broken.base_url
    )
    result = crawl(tmp_path, yaml, sqlite_url)

    # The healthy source is untouched by its neighbour's troubles.
    assert result.urls("wire") == {
        f"{wire.base_url}/news/rss2-a.html?utm_source=rss&utm_medium=feed",
        f"{wire.base_url}/news/rss2-b.html",
    }
    assert result.figures["wire"]["failed"] == 1  # only its robots.txt refusal
    assert result.urls("broken") == set()

    reasons = result.figures["broken"]["reasons"]
    assert reasons == {
        "http_4xx": 1,
        "http_5xx": 2,
        "redirect_loop": 1,
        "timeout": 1,
        "not_html": 1,
        "challenge": 1,
        "feed_invalid": 1,
    }
    by_url = {
        e["url"].removeprefix(broken.base_url): e["reason"]
        for e in result.figures["broken"]["errors"]
    }
    assert by_url["/missing.html"] == "http_4xx"
    assert by_url["/down.xml"] == "http_5xx"
    assert by_url["/wall.html"] == "challenge"
    assert by_url["/report.pdf"] == "not_html"
    assert by_url["/not-a-feed.xml"] == "feed_invalid"

    # Recorded on each source's crawl-run row.
    with session_scope(sqlite_url) as session:
        runs = {r.source_name: r for r in session.scalars(select(CrawlRun))}
    assert runs["broken"].failure_reasons["challenge"] == 1
    assert runs["broken"].failed == 8
    assert runs["wire"].fetched == 2
    assert runs["broken"].fetched == 2  # the PDF and the bot wall were downloaded


def test_robots_crawl_delay_and_disallow(
    tmp_path: Path, sqlite_url: str, serve_outlet: Serve
) -> None:
    polite = serve_outlet(materialize("polite", tmp_path))
    yaml = f"""sources:
  - name: polite
    homepage: {polite.base_url}/
    languages: [fr]
    feeds: [{polite.base_url}/feed.xml]
"""
    result = crawl(tmp_path, yaml, sqlite_url)
    assert result.stats["robotstxt/crawl_delay/127.0.0.1"] == 1.0
    assert result.urls() == {f"{polite.base_url}/story.html"}
    assert not polite.requested("/drafts/")
    assert result.figures["polite"]["reasons"] == {"robots": 1}
