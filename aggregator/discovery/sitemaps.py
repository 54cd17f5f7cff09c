"""Read XML sitemaps, sitemap indexes (plain or gzipped) and Google News sitemaps.

Scrapy's SitemapSpider flattens each ``<url>`` to its direct children, so the nested
``<news:news>`` block (publication date, title, language) is lost. This reader keeps it: a
news sitemap's date drives the cut-off before any page is fetched, and its title and language
travel with the request as hints.

Sitemaps are hostile input: entities are never resolved, the network is never used, and a
gzipped body may not inflate beyond the protocol's 50 MB limit.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal
from urllib.parse import urljoin

from lxml import etree

from aggregator.discovery.dates import parse_w3c, too_old
from aggregator.discovery.feeds import Entry, parse_xml_feed, primary_language
from aggregator.errors import DiscoveryError

MAX_UNCOMPRESSED = 50 * 1024 * 1024  # the sitemap protocol's own limit
MAX_URLS = 50_000


class SitemapInvalid(DiscoveryError):
    """A document that should be a sitemap is not one we can read."""


@dataclass(frozen=True)
class Sitemap:
    """A ``urlset`` (article entries) or a ``sitemapindex`` (child sitemaps with lastmod)."""

    kind: Literal["urlset", "index"]
    entries: list[Entry] = field(default_factory=list)
    children: list[Entry] = field(default_factory=list)


def gunzip(body: bytes, limit: int = MAX_UNCOMPRESSED) -> bytes:
    """Inflate a gzip body, refusing to produce more than ``limit`` bytes (no gzip bombs)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise SitemapInvalid(f"broken gzip data: {exc}") from None
    if len(data) > limit or inflater.unconsumed_tail:
        raise SitemapInvalid(f"gzipped sitemap inflates beyond {limit // (1024 * 1024)} MB")
    return data


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        recover=True,
        remove_comments=True,
        remove_pis=True,
        huge_tree=False,
    )


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child_text(node: etree._Element, name: str) -> str | None:
    for child in node:
        if _local(child.tag) == name:
            text = (child.text or "").strip()
            return text or None
    return None


def _child(node: etree._Element, name: str) -> etree._Element | None:
    for child in node:
        if _local(child.tag) == name:
            return child
    return None


def _absolute(loc: str | None, base: str) -> str | None:
    if not loc:
        return None
    url = urljoin(base, loc.strip())
    return url if url.startswith(("http://", "https://")) else None


def parse_sitemap(body: bytes, url: str) -> Sitemap:
    """Parse a sitemap at ``url``: XML urlset or index (gzip detected by its magic bytes), and
    the other formats the sitemap protocol allows, RSS/Atom feeds and plain-text URL lists."""
    if body[:2] == b"\x1f\x8b":
        try:
            body = gunzip(body)
        except SitemapInvalid as exc:
            raise SitemapInvalid(f"{url}: {exc}") from None
    if _is_text_sitemap(body):
        return Sitemap("urlset", entries=_text_entries(body))
    try:
        root = etree.fromstring(body, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise SitemapInvalid(f"{url}: not XML: {str(exc)[:200]}") from None
    if root is None:
        raise SitemapInvalid(f"{url}: empty document")
    kind = _local(root.tag)
    if kind == "sitemapindex":
        return Sitemap("index", children=_index_children(root, url))
    if kind == "urlset":
        return Sitemap("urlset", entries=_url_entries(root, url))
    if kind in ("rss", "feed", "RDF"):
        try:
            return Sitemap("urlset", entries=parse_xml_feed(body, url).entries)
        except DiscoveryError as exc:
            raise SitemapInvalid(str(exc)) from None
    raise SitemapInvalid(f"{url}: <{kind}> is neither a urlset nor a sitemapindex")


def _is_text_sitemap(body: bytes) -> bool:
    head = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:200]
    return head.startswith((b"http://", b"https://"))


def _text_entries(body: bytes) -> list[Entry]:
    """A text sitemap: one absolute URL per line, UTF-8."""
    entries: list[Entry] = []
    for line in body.decode("utf-8", errors="replace").splitlines():
        line = line.strip()
        if line.startswith(("http://", "https://")) and " " not in line:
            entries.append(Entry(url=line))
            if len(entries) >= MAX_URLS:
                break
    return entries


def _index_children(root: etree._Element, base: str) -> list[Entry]:
    children: list[Entry] = []
    for node in root:
        if _local(node.tag) != "sitemap":
            continue
        loc = _absolute(_child_text(node, "loc"), base)
        if loc is None:
            continue
        lastmod = _child_text(node, "lastmod")
        children.append(Entry(url=loc, published=lastmod, published_at=parse_w3c(lastmod)))
        if len(children) >= MAX_URLS:
            break
    return children


def _url_entries(root: etree._Element, base: str) -> list[Entry]:
    entries: list[Entry] = []
    for node in root:
        if _local(node.tag) != "url":
            continue
        loc = _absolute(_child_text(node, "loc"), base)
        if loc is None:
            continue
        entries.append(_entry(node, loc))
        if len(entries) >= MAX_URLS:
            break
    return entries


def _entry(node: etree._Element, loc: str) -> Entry:
    lastmod = _child_text(node, "lastmod")
    news = _child(node, "news")
    if news is None:
        # lastmod says when the page last changed: good enough for the cut-off (a page last
        # changed before it was published before it), but no publication date to hint.
        return Entry(url=loc, published_at=parse_w3c(lastmod))
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
