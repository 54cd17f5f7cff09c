"""Links the article body makes to another site's page: a credit the text may not spell out.

A retelling often credits its source only with a link ("as <a>the Guardian revealed</a>"), and
a republication links back to the original. Only links written inline in the text count: an
``<a>`` inside a paragraph whose text is in the extracted body, pointing at a page (not a home
page) on another host. Menus, share buttons and related-story boxes are not in the body, so
their links never qualify. Bounded: scraped pages may carry thousands of links.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from lxml import etree

from aggregator.extraction.article import BodyLink
from aggregator.extraction.page import Page

MAX_LINKS = 10  # kept per article
MAX_EXAMINED = 300  # inline links looked at per page
MAX_URL = 2_000
MIN_ANCHOR = 3  # characters: "here" counts, an icon's empty anchor does not
# Inline links (in a paragraph, list item or quote) with an absolute href that does not carry
# the page's host: a relative link, a link to the site itself or a share button (whose query
# holds the page's address) never leaves the site. Filtered in C, cheapest tests first: a
# page has hundreds of links.
_ABSOLUTE = "//a[starts-with(@href, 'http') or starts-with(@href, '//')]"
_IN_TEXT = "[ancestor::p or ancestor::li or ancestor::blockquote]"
_INLINE = etree.XPath(_ABSOLUTE + "[not(contains(@href, $host))]" + _IN_TEXT)
_INLINE_ANY_HOST = etree.XPath(_ABSOLUTE + _IN_TEXT)  # a page without a host (a local file)


def body_links(page: Page, body: str) -> list[BodyLink]:
    """Links to other sites written inline in ``body`` (page order, one per URL, bounded)."""
    if not body:
        return []
    home = _site(page.url)
    host = (urlsplit(page.url).hostname or "").lower().removeprefix("www.")
    found: dict[str, BodyLink] = {}
    inline = _INLINE(page.tree, host=host) if host else _INLINE_ANY_HOST(page.tree)
    for element in inline[:MAX_EXAMINED]:
        anchor = " ".join(element.text_content().split())[:200]
        if len(anchor) < MIN_ANCHOR or anchor not in body:
            continue  # not written in the text: most links stop here, before any URL parsing
        url = _article_url(page.url, element.get("href") or "", home)
        if url is not None and url not in found:
            found[url] = BodyLink(url, anchor)
            if len(found) == MAX_LINKS:
                break
    return list(found.values())


def _article_url(page_url: str, href: str, home: str) -> str | None:
    """The absolute URL of a page on another site, or None (same site, home page, no web URL)."""
    href = href.strip()
    if not href or len(href) > MAX_URL or href.startswith("#"):
        return None
    url = urljoin(page_url, href)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if _site(url) == home or parts.path.strip("/") == "":
        return None
    return url


def _site(url: str) -> str:
    """Host and port, without ``www.``: what tells two outlets apart (ports too, on loopback)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    try:
        port = parts.port
    except ValueError:  # a malformed port in scraped markup
        return host
    return f"{host}:{port}" if port else host
