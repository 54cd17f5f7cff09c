"""Hostile listings, made at run time, and one crawl of each against its loopback outlet.

The outlet (``tests/fixtures/hostile/listings/``) has three real articles and a normal feed;
each case adds one hostile listing, generated once the server's address is known (megabytes are
not committed), and crawls the source with the real pipelines into a database. Used by
``tests/hostile/test_listings.py`` and by ``bench/hostile_listings.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from aggregator.demo.server import OutletServer
from storage.articles import ArticleUrl
from storage.db import session_scope
from storage.runs import CrawlRun
from tests.spiders.crawling import crawl, loopback_source, materialize

OUTLET = Path(__file__).parent.parent / "fixtures" / "hostile"
REAL = ["/news/real-1.html", "/news/real-2.html", "/news/real-3.html"]
REAL_TITLES = ["Desalination plant doubles its output", "Port authority", "University"]
PIPELINES = {  # the crawl's own, so "stored" means stored
    "aggregator.pipelines.extract.ExtractPipeline": 100,
    "aggregator.pipelines.canonicalize.CanonicalizePipeline": 200,
    "aggregator.pipelines.fingerprint.FingerprintPipeline": 300,
    "aggregator.pipelines.store.StorePipeline": 400,
}
HUGE_BYTES = 14_700_000


def _rss(items: list[str]) -> bytes:
    head = "<?xml version='1.0' encoding='utf-8'?>\n<rss version='2.0'><channel>"
    head += "<title>Hostile Herald</title><language>en</language>\n"
    return (head + "".join(items) + "</channel></rss>\n").encode()


def _item(base: str, path: str, when: datetime, title: str = "Junk", extra: str = "") -> str:
    return (
        f"<item><title>{title}</title><link>{base}{path}</link>"
        f"<pubDate>{format_datetime(when)}</pubDate>{extra}</item>\n"
    )


def _real_items(base: str) -> list[str]:
    recent = datetime.now(UTC) - timedelta(hours=1)
    return [_item(base, path, recent, title) for path, title in zip(REAL, REAL_TITLES, strict=True)]


def junk_feed(base: str, count: int = 100_000) -> bytes:
    """100,000 items of fresh junk, all dated now (newer than the real articles)."""
    now = datetime.now(UTC)
    return _rss([_item(base, f"/junk/{n}.html", now) for n in range(count)])


def huge_feed(base: str, size: int = HUGE_BYTES) -> bytes:
    """14.7 MB of RSS: the real articles first, then two days old filler with long bodies."""
    old = datetime.now(UTC) - timedelta(days=2)
    items = _real_items(base)
    text = "<description>" + "filler " * 300 + "</description>"
    total = sum(len(i) for i in items)
    while total < size:
        items.append(_item(base, f"/filler/{len(items)}.html", old, extra=text))
        total += len(items[-1])
    return _rss(items)


def many_entries_feed(base: str, count: int = 6000) -> bytes:
    """6,000 entries: three days old filler first, the real (newest) articles last."""
    old = datetime.now(UTC) - timedelta(days=3)
    filler = [_item(base, f"/filler/{n}.html", old) for n in range(count - len(REAL))]
    return _rss(filler + _real_items(base))


def big_sitemap(base: str, count: int = 60_000) -> bytes:
    """60,000 URLs: three days old filler first, the real (newest) articles last."""
    old = (datetime.now(UTC) - timedelta(days=3)).isoformat(timespec="seconds")
    recent = (datetime.now(UTC) - timedelta(hours=1)).isoformat(timespec="seconds")
    urls = [
        f"<url><loc>{base}/filler/{n}.html</loc><lastmod>{old}</lastmod></url>\n"
        for n in range(count - len(REAL))
    ]
    urls += [f"<url><loc>{base}{p}</loc><lastmod>{recent}</lastmod></url>\n" for p in REAL]
    head = '<?xml version="1.0"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
    return (head + "".join(urls) + "</urlset>\n").encode()


@dataclass(frozen=True)
class Case:
    """One hostile listing beside (or instead of) the source's normal feed."""

    name: str
    hostile: str  # its path on the outlet
    make: Callable[[str], bytes]
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)


CASES = {
    case.name: case
    for case in (
        # The probe: a normal feed and 100k fresh junk items, the default budget.
        Case("junk", "/feeds/junk.xml", junk_feed, feeds=("/feeds/news.xml", "/feeds/junk.xml")),
        Case("huge", "/feeds/huge.xml", huge_feed, ("/feeds/huge.xml",), (), {"max_articles": 60}),
        Case(
            "many",
            "/feeds/many.xml",
            many_entries_feed,
            ("/feeds/many.xml",),
            (),
            {"max_articles": 60},
        ),
        Case(
            "big-sitemap",
            "/sitemaps/big.xml",
            big_sitemap,
            (),
            ("/sitemaps/big.xml",),
            {"max_articles": 60},
        ),
    )
}


@dataclass
class Outcome:
    """What one crawl of a hostile case stored and recorded."""

    stored: set[str]  # URL paths stored (canonical URLs and aliases)
    run: CrawlRun
    figures: dict[str, Any]


def prepare(case: Case, tmp_path: Path, serve: Callable[[Path], OutletServer]) -> OutletServer:
    """The hostile outlet served from ``tmp_path``, with the case's listing written."""
    server = serve(materialize("listings", tmp_path, OUTLET))
    target = server.root / case.hostile.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(case.make(server.base_url))
    return server


def crawl_case(case: Case, server: OutletServer, tmp_path: Path, database_url: str) -> Outcome:
    """Crawl the case's source once with the real pipelines; what it stored and recorded."""
    base = server.base_url
    options = {"max_age": "30d", **case.options}
    yaml = loopback_source("hostile", base, feeds=case.feeds, sitemaps=case.sitemaps, **options)
    # AutoThrottle off: hundreds of loopback 404s would otherwise be paced one at a time.
    settings = {"ITEM_PIPELINES": PIPELINES, "LOG_LEVEL": "WARNING", "AUTOTHROTTLE_ENABLED": False}
    result = crawl(tmp_path, yaml, database_url, **settings)
    with session_scope(database_url) as session:
        stored = {u.removeprefix(base) for u in session.scalars(select(ArticleUrl.url))}
        run = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())).first()
        assert run is not None, result.log[-2000:]
        session.expunge(run)
    return Outcome(stored, run, result.figures["hostile"])
