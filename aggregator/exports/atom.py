"""Atom (RFC 4287) writer: RFC 3339 dates, the outlet as the entry's <source>."""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from aggregator.exports.item import ExportItem, FeedInfo, rfc3339, xml_safe

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _sub(
    parent: etree._Element, name: str, text: str | None = None, **attrs: str
) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ATOM}}}{name}", attrs)
    if text is not None:
        element.text = xml_safe(text)
    return element


def render_atom(items: Iterable[ExportItem], feed: FeedInfo) -> bytes:
    """The Atom feed document for ``items``."""
    root = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    _sub(root, "id", feed.self_url)
    _sub(root, "title", feed.title)
    _sub(root, "updated", rfc3339(feed.updated))
    _sub(root, "link", rel="self", href=feed.self_url, type="application/atom+xml")
    _sub(root, "link", rel="alternate", href=feed.home_url, type="text/html")
    _sub(_sub(root, "author"), "name", feed.title)
    _sub(root, "generator", "newsroom-aggregator")
    for item in items:
        entry = _sub(root, "entry")
        if item.language:
            entry.set(XML_LANG, item.language)
        _sub(entry, "id", item.guid)
        _sub(entry, "title", item.title, type="text")
        if item.url:
            _sub(entry, "link", rel="alternate", href=item.url)
        _sub(entry, "published", rfc3339(item.published))
        _sub(entry, "updated", rfc3339(item.updated))
        for name in item.authors or [item.outlet]:
            _sub(_sub(entry, "author"), "name", name)
        _sub(entry, "summary", item.summary, type="text")
        _sub(entry, "content", item.content_text, type="text")
        _sub(entry, "rights", item.attribution)
        source = _sub(entry, "source")
        _sub(source, "id", item.outlet_url or item.guid)
        _sub(source, "title", item.outlet)
        if item.outlet_url:
            _sub(source, "link", rel="alternate", href=item.outlet_url)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True))
