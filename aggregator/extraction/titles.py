"""The headline, without the " | Site name" or "Site - " that pages append to ``<title>``.

Nor with a kicker (the overline "Neue Leipziger Schule: ...", "EXCLUSIVE: ...") glued in front
of it by some CMS: it is dropped when the page shows it is one, i.e. another title field gives
the headline without it, or the page prints it in its own kicker/overline element.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from aggregator.extraction import selectors
from aggregator.extraction.jsonld import text_of, unescape
from aggregator.extraction.page import Page

_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " » ", " « ", " ｜ ", " / ")
_NOT_LETTERS = re.compile(r"[\W_]+")
MAX_TITLE = 500
_KICKER = re.compile(r"^(?P<kicker>[^:|]{2,60}?)\s*:\s+(?P<rest>\S.{8,})$")
# Class words of the element holding a kicker, looked for near the headline only.
_KICKER_CLASS = re.compile(
    r"kicker|dachzeile|overline|eyebrow|topline|surtitle|supertitle|roofline", re.IGNORECASE
)


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
    title = strip_site_name(" ".join(unescape(raw).split()), site_name, page.url, h1)
    if not selector:
        title = drop_kicker(title, page)
    if (
        h1
        and not selector
        and (_key(h1).startswith(_key(title)) or _key(title).startswith(_key(h1)))
    ):
        title = h1  # the <title> was cut short, or kept a suffix we could not recognise
    return title[:MAX_TITLE] or None


def drop_kicker(title: str, page: Page) -> str:
    """The title without a leading "Kicker: " that the page shows is not part of the headline."""
    match = _KICKER.match(title)
    if match is None:
        return title
    kicker, rest = match.group("kicker"), match.group("rest")
    h1 = _h1(page)
    if h1 and _key(h1) == _key(title):
        return title  # the printed headline itself starts so: "Yémen : les ONG réclament ..."
    others = [
        text_of(page.article.get("headline")) if page.article else None,
        page.meta_first("og:title", "twitter:title"),
        h1,
    ]
    if any(other and _key(unescape(other)) == _key(rest) for other in others):
        return rest
    return rest if _key(kicker) in _kicker_labels(page) else title


def _kicker_labels(page: Page) -> set[str]:
    """Keys of kicker/overline elements around the first ``<h1>`` (its grandparent's subtree)."""
    h1 = next(page.tree.iter("h1"), None)
    scope = h1.getparent() if h1 is not None else None
    if scope is not None and scope.getparent() is not None:
        scope = scope.getparent()
    if scope is None:
        return set()
    return {
        _key(element.text_content())
        for element in scope.iter()
        if isinstance(element.tag, str) and _KICKER_CLASS.search(element.get("class") or "")
    }


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
    if not host_key:
        return False
    if key == host_key or key == _key(host) or key in host_key:
        return True
    # "Süddeutsche Zeitung" on sz.de, "Neue Zürcher Zeitung" on nzz.ch: the host is the initials.
    words = [w for w in _NOT_LETTERS.split(_fold(part)) if w]
    return 2 <= len(words) <= 5 and "".join(w[0] for w in words) == host_key


def _key(text: str) -> str:
    return _NOT_LETTERS.sub("", _fold(text))


def _fold(text: str) -> str:
    """Case and accents folded: "Zürich" and "zurich" are the same key."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _title_tag(page: Page) -> str | None:
    found = page.tree.find(".//title")
    return found.text_content().strip() if found is not None else None


def _h1(page: Page) -> str | None:
    for element in page.tree.iter("h1"):
        text = " ".join(element.text_content().split())
        if 0 < len(text) <= MAX_TITLE:
            return text
    return None
