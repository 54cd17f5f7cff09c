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
from typing import Literal
from urllib.parse import urljoin

from lxml import etree

from aggregator.discovery.dates import parse_w3c
from aggregator.discovery.feeds import Entry, primary_language
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
    """Parse a sitemap or sitemap index at ``url`` (gzip is detected by its magic bytes)."""
    if body[:2] == b"\x1f\x8b":
        try:
            body = gunzip(body)
        except SitemapInvalid as exc:
            raise SitemapInvalid(f"{url}: {exc}") from None
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
    raise SitemapInvalid(f"{url}: <{kind}> is neither a urlset nor a sitemapindex")


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
        return Entry(url=loc, published=lastmod, published_at=parse_w3c(lastmod))
    published = _child_text(news, "publication_date")
    title = _child_text(news, "title")
    publication = _child(news, "publication")
    language = _child_text(publication, "language") if publication is not None else None
    date = published or lastmod
    return Entry(
        url=loc,
        title=" ".join(title.split())[:1000] if title else None,
        published=date,
        published_at=parse_w3c(date),
        language=primary_language(language),
    )


def is_gzip_name(url: str) -> bool:
    """True for ``.xml.gz`` style names (servers often send them as octet-stream)."""
    return url.split("?", 1)[0].lower().endswith(".gz")
