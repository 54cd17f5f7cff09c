"""RSS 2.0 writer: dates in RFC 822, the outlet in <source>, authors in <dc:creator>."""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from aggregator.exports.item import ExportItem, FeedInfo, rfc822, xml_safe

DC = "http://purl.org/dc/elements/1.1/"
ATOM = "http://www.w3.org/2005/Atom"


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = xml_safe(text)
    return element


def render_rss(items: Iterable[ExportItem], feed: FeedInfo) -> bytes:
    """The RSS 2.0 document for ``items``."""
    rss = etree.Element("rss", version="2.0", nsmap={"dc": DC, "atom": ATOM})
    channel = _sub(rss, "channel")
    _sub(channel, "title", feed.title)
    _sub(channel, "link", feed.home_url)
    _sub(channel, "description", f"{feed.title}: articles approved for republication")
    _sub(channel, f"{{{ATOM}}}link", href=feed.self_url, rel="self", type="application/rss+xml")
    _sub(channel, "lastBuildDate", rfc822(feed.updated))
    _sub(channel, "generator", "newsroom-aggregator")
    for item in items:
        entry = _sub(channel, "item")
        _sub(entry, "title", item.title)
        if item.url:
            _sub(entry, "link", item.url)
        _sub(entry, "guid", item.guid, isPermaLink="true" if item.url else "false")
        _sub(entry, "description", item.content_text)
        _sub(entry, "pubDate", rfc822(item.published))
        for author in item.authors:
            _sub(entry, f"{{{DC}}}creator", author)
        if item.language:
            _sub(entry, f"{{{DC}}}language", item.language)
        if item.outlet_url:
            _sub(entry, "source", item.outlet, url=item.outlet_url)
    return bytes(etree.tostring(rss, xml_declaration=True, encoding="utf-8", pretty_print=True))
