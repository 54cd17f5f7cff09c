"""The headline, without the " | Site name" or "Site - " that pages append to ``<title>``."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from aggregator.extraction import selectors
from aggregator.extraction.jsonld import text_of
from aggregator.extraction.page import Page

_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " » ", " « ", " ｜ ", " / ")
_NOT_LETTERS = re.compile(r"[\W_]+")
MAX_TITLE = 500


def find_title(page: Page, selector: str | None, site_name: str | None) -> str | None:
    """The article's headline, from the source's selector, JSON-LD, Open Graph, ``<title>``, h1."""
    h1 = _h1(page)
    raw = (
        (selectors.first_text(page.tree, selector) if selector else None)
        or (text_of(page.article.get("headline")) if page.article else None)
        or page.meta_first("og:title", "twitter:title", "dc.title")
        or _title_tag(page)
        or h1
    )
    if not raw:
        return None
    title = strip_site_name(" ".join(raw.split()), site_name, page.url, h1)
    if (
        h1
        and not selector
        and (_key(h1).startswith(_key(title)) or _key(title).startswith(_key(h1)))
    ):
        title = h1  # the <title> was cut short, or kept a suffix we could not recognise
    return title[:MAX_TITLE] or None


def strip_site_name(title: str, site_name: str | None, url: str, h1: str | None = None) -> str:
    """Drop leading/trailing segments naming the site (or that the h1 shows are not the title)."""
    if h1 and _key(h1) == _key(title):
        return title
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    for separator in _SEPARATORS:
        if separator not in title:
            continue
        parts = title.split(separator)
        if h1 and any(_key(p) == _key(h1) for p in parts):
            return h1
        while len(parts) > 1 and _is_site(parts[-1], site_name, host):
            parts.pop()
        while len(parts) > 1 and _is_site(parts[0], site_name, host):
            parts.pop(0)
        title = separator.join(parts)
    return title.strip()


def _is_site(part: str, site_name: str | None, host: str) -> bool:
    key = _key(part)
    if not key:
        return True
    if site_name and (key == _key(site_name) or (len(key) > 3 and key in _key(site_name))):
        return True
    host_key = _key(host.rsplit(".", 1)[0]) if host else ""
    return bool(host_key) and (key == host_key or key == _key(host) or key in host_key)


def _key(text: str) -> str:
    return _NOT_LETTERS.sub("", text.casefold())


def _title_tag(page: Page) -> str | None:
    found = page.tree.find(".//title")
    return found.text_content().strip() if found is not None else None


def _h1(page: Page) -> str | None:
    for element in page.tree.iter("h1"):
        text = " ".join(element.text_content().split())
        if 0 < len(text) <= MAX_TITLE:
            return text
    return None
