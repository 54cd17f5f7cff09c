"""Author names as editors want them: "Jane Doe", never "By Jane Doe | Feb 3, 2021 10:05".

Names come from the source's selector, JSON-LD, meta tags, then byline elements. Bylines mix
prefixes in many languages, dates, roles, e-mail addresses and several people; we split and
clean them, and drop what is not a person's or an agency's name.
"""

from __future__ import annotations

import re

from aggregator.extraction import selectors
from aggregator.extraction.jsonld import names_of
from aggregator.extraction.page import Page

MAX_AUTHORS = 10
_PREFIX = re.compile(
    r"^\s*(?:(?:written|reported|posted|story|text|words|photos?)\s+by|by|reporting|par|por|von|di|da|door|"
    r"af|av|przez|автор|بقلم|بواسطة|كتب|كتبت|إعداد|اعداد|تقرير|author|auteur|autor|autore)\b"
    r"\s*[:：-]?\s*",
    re.IGNORECASE,
)
_SPLIT = re.compile(
    r"\s+(?:and|et|y|und|e|en|i|و|with|avec|con|mit|مع)\s+|\s*[,;&،|/]\s*|\s+-\s+", re.IGNORECASE
)
_NOISE = re.compile(r"\S+@\S+|https?://\S+|@\w+|\(.*?\)", re.IGNORECASE)
_CUT = re.compile(  # what follows these is a date or an update note, not a name
    r"\b(?:updated?|published|posted|mis à jour|publié|il y a)\b"
    r"|\s(?:on|le|am|el)\s+(?=(?:\w+\s+){0,2}\d)|\d",
    re.IGNORECASE,
)
_NOT_NAMES = frozenset(
    {"admin", "administrator", "editor", "redaction", "rédaction", "staff", "news", "unknown",
     "anonymous", "guest", "user", "webmaster", "null", "none", "author", "more", "view"}
)  # fmt: skip
_BYLINE_XPATH = (
    '//*[@itemprop="author" or @rel="author" or contains(@class, "byline")'
    ' or contains(@class, "author") or contains(@class, "signature")]'
    '[not(contains(@class, "comment")) and not(ancestor::*[contains(@class, "comment")])]'
    ' | //a[contains(@href, "/author/")][not(ancestor::*[contains(@class, "comment")])]'
)
MAX_BYLINE = 120  # longer "author" elements are biography boxes, not bylines


def find_authors(page: Page, selector: str | None, site_name: str | None) -> list[str]:
    """Clean, de-duplicated author names in page order."""
    raw: list[str] = []
    if selector:
        raw = [_text(m) for m in selectors.select(page.tree, selector)]
    if not raw and page.article:
        raw = names_of(page.article.get("author"))
    if not raw:
        meta = page.meta_first("author", "article:author", "parsely-author", "sailthru.author",
                               "dc.creator", "byl")  # fmt: skip
        raw = [meta] if meta and not meta.startswith("http") else []
    if not raw:
        texts = (_text(e) for e in page.tree.xpath(_BYLINE_XPATH)[:12])
        raw = [t for t in texts if len(t.strip()) <= MAX_BYLINE][:4]
    return clean_authors(raw, site_name)


def clean_authors(raw: list[str], site_name: str | None = None) -> list[str]:
    """Split bylines into names and drop prefixes, dates, roles, addresses and duplicates."""
    names: list[str] = []
    seen: set[str] = set()
    site = (site_name or "").casefold()
    for text in raw:
        for name in _split(text):
            key = name.casefold()
            if key in seen or key == site or not _looks_like_name(name):
                continue
            seen.add(key)
            names.append(name)
    return names[:MAX_AUTHORS]


def _split(text: str) -> list[str]:
    text = " ".join(_NOISE.sub(" ", text).split())
    text = _PREFIX.sub("", text)
    cut = _CUT.search(text)
    if cut and cut.start() > 0:
        text = text[: cut.start()]
    parts = (_PREFIX.sub("", p).strip(" .:-–—·•") for p in _SPLIT.split(text))
    return [p for p in parts if p]


def _looks_like_name(name: str) -> bool:
    words = name.split()
    return (
        1 <= len(words) <= 6
        and len(name) <= 60
        and not any(ch.isdigit() for ch in name)
        and name.casefold() not in _NOT_NAMES
    )


def _text(match: object) -> str:
    if isinstance(match, str):
        return match
    content = getattr(match, "get", lambda _: None)("content")
    return str(content or match.text_content())  # type: ignore[attr-defined]
