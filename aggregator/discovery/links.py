"""Link following for outlets without a feed: which links of a section page to visit.

A source's ``links`` rules (allow/deny regular expressions and a depth, see docs/sources.md)
pick the links; only links on the outlet's own site are followed, so a start page can never
lead the crawler across the web.
"""

from __future__ import annotations

import json
from urllib.parse import urljoin, urlsplit, urlunsplit

from aggregator.config.sources import LinkRules
from aggregator.discovery.html import parse_html

MAX_LINKS_PER_PAGE = 2000
ARTICLE_TYPES = (
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "blogposting",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "reviewnewsarticle",
)


def site_host(url: str) -> str:
    """The host of ``url`` without ``www.``, lower-cased: what "same site" compares."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def same_site(url: str, site: str) -> bool:
    """True when ``url`` is on ``site`` (a :func:`site_host`) or one of its subdomains."""
    host = site_host(url)
    return host == site or host.endswith("." + site)


def _clean(href: str, base: str) -> str | None:
    href = href.strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
        return None
    url = urljoin(base, href)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def extract_links(page: str | bytes, base_url: str, rules: LinkRules, site: str) -> list[str]:
    """Links of ``page`` on ``site`` that ``rules`` allow, absolute, in page order, unique."""
    tree = parse_html(page)
    if tree is None:
        return []
    base = base_url
    for node in tree.iter("base"):
        if node.get("href"):
            base = urljoin(base_url, node.get("href", ""))
            break
    links: list[str] = []
    seen: set[str] = set()
    for anchor in tree.iter("a"):
        url = _clean(anchor.get("href") or "", base)
        if url is None or url in seen or not same_site(url, site):
            continue
        seen.add(url)
        if rules.matches(url):
            links.append(url)
            if len(links) >= MAX_LINKS_PER_PAGE:
                break
    return links


def looks_like_article(page: str | bytes) -> bool:
    """True when a page declares itself an article (og:type, JSON-LD type, published time).

    Used at inner link depths to tell an article from another section page, which is only
    scanned for links.
    """
    tree = parse_html(page)
    if tree is None:
        return False
    for meta in tree.iter("meta"):
        prop = (meta.get("property") or meta.get("name") or "").lower()
        content = (meta.get("content") or "").lower()
        if (prop == "og:type" and content == "article") or prop == "article:published_time":
            return True
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json":
            continue
        if _jsonld_is_article(script.text or ""):
            return True
    return False


def _jsonld_is_article(text: str) -> bool:
    try:
        data = json.loads(text[:200_000])
    except ValueError:
        return False
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node[:50])
        elif isinstance(node, dict):
            kinds = node.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if any(isinstance(k, str) and k.lower() in ARTICLE_TYPES for k in kinds):
                return True
            graph = node.get("@graph")
            if isinstance(graph, list):
                stack.extend(graph[:50])
    return False
