"""What a homepage says about its site: announced feeds, declared language, the site's name.

Pure: ``aggregator sources add`` (:mod:`aggregator.onboarding.autodiscover`) fetches the page
and calls these on its bytes.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from aggregator.discovery.feeds import primary_language
from aggregator.discovery.html import parse_html

# Not plain application/json: WordPress announces its REST API with it on every page.
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/rdf+xml",
)
# Comment feeds (WordPress announces one per site and per post) carry no articles.
_COMMENTS = re.compile(r"comment", re.IGNORECASE)


def feed_links(page: str | bytes, base_url: str) -> list[str]:
    """Feeds the page announces with ``<link rel="alternate" type="...rss/atom/json...">``."""
    tree = parse_html(page)
    if tree is None:
        return []
    found: list[str] = []
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        href = (link.get("href") or "").strip()
        if _COMMENTS.search(href) or _COMMENTS.search(link.get("title") or ""):
            continue
        if "alternate" in rel and kind in FEED_TYPES and href:
            url = urljoin(base_url, href)
            if url.startswith(("http://", "https://")) and url not in found:
                found.append(url)
    return found


def page_language(page: str | bytes) -> str | None:
    """The page's declared language: ``<html lang>``, Content-Language meta, or og:locale."""
    tree = parse_html(page)
    if tree is None:
        return None
    for attribute in ("lang", "{http://www.w3.org/XML/1998/namespace}lang"):
        code = primary_language(tree.get(attribute))
        if code:
            return code
    for meta in tree.iter("meta"):
        key = (meta.get("http-equiv") or meta.get("property") or meta.get("name") or "").lower()
        if key in ("content-language", "og:locale", "language"):
            code = primary_language((meta.get("content") or "").split(",")[0])
            if code:
                return code
    return None


def page_title(page: str | bytes) -> str | None:
    """The site's name: ``og:site_name``, else the ``<title>``."""
    tree = parse_html(page)
    if tree is None:
        return None
    for meta in tree.iter("meta"):
        if (meta.get("property") or "").lower() == "og:site_name" and meta.get("content"):
            return " ".join((meta.get("content") or "").split())[:200] or None
    for title in tree.iter("title"):
        text = " ".join((title.text_content() or "").split())
        return text[:200] or None
    return None
