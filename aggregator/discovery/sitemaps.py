"""Read XML sitemaps, sitemap indexes (plain or gzipped) and Google News sitemaps.

Scrapy's SitemapSpider flattens each ``<url>`` to its direct children, so the nested
``<news:news>`` block (publication date, title, language) is lost. This reader keeps it: a
news sitemap's date drives the cut-off before any page is fetched, and its title and language
travel with the request as hints.

Sitemaps are hostile input: entities are never resolved, the network is never used, and the
reader is bounded by :mod:`aggregator.discovery.limits`: one streaming pass (lxml's
``iterparse``) over at most ``MAX_LISTING_BYTES`` (a gzipped body inflated no further), keeping
the ``MAX_SITEMAP_URLS`` newest entries; ``Sitemap.total`` and ``Sitemap.truncated`` say what
was left out.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal
from urllib.parse import urljoin

from lxml import etree

from aggregator.discovery import xml
from aggregator.discovery.dates import parse_w3c, too_old
from aggregator.discovery.feeds import Entry, parse_xml_feed, primary_language
from aggregator.discovery.limits import MAX_LISTING_BYTES, MAX_SITEMAP_URLS, keep_newest
from aggregator.errors import DiscoveryError


class SitemapInvalid(DiscoveryError):
    """A document that should be a sitemap is not one we can read."""


@dataclass(frozen=True)
class Sitemap:
    """A ``urlset`` (article entries) or a ``sitemapindex`` (child sitemaps with lastmod).

    Its newest entries (or children) in document order; ``total`` counts those read, kept or
    not; ``truncated`` is true when only the first ``MAX_LISTING_BYTES`` were read.
    """

    kind: Literal["urlset", "index"]
    entries: list[Entry] = field(default_factory=list)
    children: list[Entry] = field(default_factory=list)
    total: int = 0
    truncated: bool = False


def gunzip(body: bytes, limit: int = MAX_LISTING_BYTES) -> tuple[bytes, bool]:
    """Inflate a gzip body to at most ``limit`` bytes (no gzip bombs); true when cut there.

    A stream that breaks off (a download cut short) gives what it inflated so far.
    """
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, limit)
    except zlib.error as exc:
        raise SitemapInvalid(f"broken gzip data: {exc}") from None
    return data, bool(inflater.unconsumed_tail) or not inflater.eof


def _child_text(node: etree._Element, name: str) -> str | None:
    for child in node:
        if xml.local(child.tag) == name:
            text = (child.text or "").strip()
            return text or None
    return None


def _child(node: etree._Element, name: str) -> etree._Element | None:
    for child in node:
        if xml.local(child.tag) == name:
            return child
    return None


def _absolute(loc: str | None, base: str) -> str | None:
    if not loc:
        return None
    if loc.startswith(("http://", "https://")):
        return loc
    url = urljoin(base, loc.strip())
    return url if url.startswith(("http://", "https://")) else None


def parse_sitemap(body: bytes, url: str) -> Sitemap:
    """Parse a sitemap at ``url``: XML urlset or index (gzip detected by its magic bytes), and
    the other formats the sitemap protocol allows, RSS/Atom feeds and plain-text URL lists."""
    truncated = len(body) > MAX_LISTING_BYTES
    if body[:2] == b"\x1f\x8b":
        try:
            body, inflated_more = gunzip(body)
        except SitemapInvalid as exc:
            raise SitemapInvalid(f"{url}: {exc}") from None
        truncated = truncated or inflated_more
    body = body[:MAX_LISTING_BYTES]
    if _is_text_sitemap(body):
        entries, total = keep_newest(_text_entries(body), MAX_SITEMAP_URLS)
        return Sitemap("urlset", entries=entries, total=total, truncated=truncated)
    reader = _Reader(body, url)
    items, total = keep_newest(reader.entries(), MAX_SITEMAP_URLS)
    kind = reader.kind
    if kind == "sitemapindex":
        return Sitemap("index", children=items, total=total, truncated=truncated)
    if kind == "urlset":
        return Sitemap("urlset", entries=items, total=total, truncated=truncated)
    if kind in ("rss", "feed", "RDF"):
        try:
            feed = parse_xml_feed(body, url)
        except DiscoveryError as exc:
            raise SitemapInvalid(str(exc)) from None
        return Sitemap("urlset", entries=feed.entries, total=feed.total, truncated=truncated)
    if kind is None:
        raise SitemapInvalid(f"{url}: not XML")
    raise SitemapInvalid(f"{url}: <{kind}> is neither a urlset nor a sitemapindex")


def _is_text_sitemap(body: bytes) -> bool:
    head = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:200]
    return head.startswith((b"http://", b"https://"))


def _text_entries(body: bytes) -> Iterator[Entry]:
    """A text sitemap: one absolute URL per line, UTF-8."""
    for line in body.decode("utf-8", errors="replace").splitlines():
        line = line.strip()
        if line.startswith(("http://", "https://")) and " " not in line:
            yield Entry(url=line)


ITEM_TAGS = {"urlset": "url", "sitemapindex": "sitemap"}


class _Reader:
    """One streaming pass over an XML sitemap: its root's name, then its entries."""

    def __init__(self, body: bytes, base: str) -> None:
        self.body = body
        self.base = base
        self.kind: str | None = None

    def entries(self) -> Iterator[Entry]:
        """``<url>`` entries of a urlset, ``<sitemap>`` children of an index, as they pass."""
        events = xml.iterparse(self.body, ("url", "sitemap"))
        root: etree._Element | None = None
        for node in xml.elements(events):  # a body cut by the byte limit: keep what was read
            if root is None:
                root = node.getroottree().getroot()
                self.kind = xml.local(root.tag)
            if node.getparent() is not root:
                continue
            entry = self._entry(node)
            if entry is not None:
                yield entry
            xml.free(node)
        if root is None and events.root is not None:
            self.kind = xml.local(events.root.tag)

    def _entry(self, node: etree._Element) -> Entry | None:
        name = xml.local(node.tag)
        if name != ITEM_TAGS.get(self.kind or ""):
            return None
        loc = _absolute(_child_text(node, "loc"), self.base)
        if loc is None:
            return None
        if name == "sitemap":
            lastmod = _child_text(node, "lastmod")
            return Entry(url=loc, published=lastmod, published_at=parse_w3c(lastmod))
        return _entry(node, loc)


def _entry(node: etree._Element, loc: str) -> Entry:
    lastmod = _child_text(node, "lastmod")
    news = _child(node, "news")
    if news is None:
        # lastmod says when the page last changed: good enough for the cut-off (a page last
        # changed before it was published before it), but no publication date to hint.
        return Entry(url=loc, published_at=parse_w3c(lastmod), updated_at=parse_w3c(lastmod))
    published = _child_text(news, "publication_date")
    title = _child_text(news, "title")
    publication = _child(news, "publication")
    language = _child_text(publication, "language") if publication is not None else None
    return Entry(
        url=loc,
        title=" ".join(title.split())[:1000] if title else None,
        published=published,
        published_at=parse_w3c(published or lastmod),
        language=primary_language(language),
        updated_at=parse_w3c(lastmod or published),
    )


def newest_children(
    children: list[Entry], max_age: timedelta | None, now: datetime, limit: int
) -> list[Entry]:
    """The ``limit`` newest children of an index, without those changed before the cut-off.

    Undated children are kept, after the dated ones.
    """
    recent = [c for c in children if not too_old(c.published_at, max_age, now)]
    recent.sort(key=lambda c: c.published_at.timestamp() if c.published_at else 0.0, reverse=True)
    return recent[:limit]
