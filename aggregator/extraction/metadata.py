"""The page's descriptive fields: site name, description, image, canonical URL, section, tags.

Open Graph and JSON-LD are preferred (publishers fill them for social networks, so they are
maintained); plain meta tags and the markup come next.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from aggregator.extraction.jsonld import text_of, types_of
from aggregator.extraction.page import Page

MAX_TAGS = 30
MAX_FIELD = 1000
IMAGE_META = (
    "og:image",
    "og:image:url",
    "og:image:secure_url",
    "twitter:image",
    "twitter:image:src",
)


@dataclass(frozen=True)
class Metadata:
    """Descriptive fields of one page (every one may be missing)."""

    site_name: str | None = None
    description: str | None = None
    top_image: str | None = None
    canonical_url: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    language: str | None = None  # as declared by the page


def read_metadata(page: Page) -> Metadata:
    """Everything :class:`Metadata` holds, read from meta tags, JSON-LD and links."""
    article = page.article or {}
    return Metadata(
        site_name=_site_name(page),
        description=_short(
            page.meta_first("og:description", "description", "twitter:description")
            or text_of(article.get("description"))
        ),
        top_image=_absolute(
            page.url,
            page.meta_first(*IMAGE_META) or _image_of(article.get("image")),
        ),
        canonical_url=_absolute(page.url, _canonical_href(page) or page.meta_first("og:url")),
        section=_short(
            page.meta_first("article:section", "parsely-section", "section")
            or text_of(article.get("articleSection"))
        ),
        tags=_tags(page, article),
        language=declared_language(page),
    )


def declared_language(page: Page) -> str | None:
    """The page's own language claim: ``<html lang>``, content-language, og:locale, JSON-LD."""
    raw = (
        page.tree.get("lang")
        or page.tree.get("xml:lang")
        or page.meta_first("content-language", "og:locale", "language", "dc.language")
        or text_of((page.article or {}).get("inLanguage"))
    )
    if not raw:
        return None
    code = re.split(r"[-_]", raw.strip().lower(), maxsplit=1)[0]
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None


def _site_name(page: Page) -> str | None:
    name = page.meta_first("og:site_name", "application-name", "al:android:app_name")
    if not name and page.article:
        name = text_of(page.article.get("publisher"))
    if not name:
        sites = [o for o in page.jsonld if types_of(o) & {"website", "newsmediaorganization"}]
        name = text_of(sites[0].get("name")) if sites else None
    return _short(name)


def _canonical_href(page: Page) -> str | None:
    for link in page.tree.iter("link"):
        if (link.get("rel") or "").strip().lower() == "canonical" and link.get("href"):
            return str(link.get("href"))
    return None


def _image_of(value: Any) -> str | None:
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict):
        value = value.get("url") or value.get("contentUrl")
    return value if isinstance(value, str) else None


def _absolute(base: str, href: str | None) -> str | None:
    if not href:
        return None
    url = urljoin(base, href.strip())
    return url if urlsplit(url).scheme in ("http", "https") else None


def _short(text: str | None) -> str | None:
    if not text:
        return None
    text = " ".join(text.split())
    return text[:MAX_FIELD] or None


def _tags(page: Page, article: dict[str, Any]) -> list[str]:
    raw: list[str] = list(page.meta.get("article:tag", []))
    keywords = article.get("keywords")
    if isinstance(keywords, list):
        raw.extend(str(k) for k in keywords)
    elif isinstance(keywords, str):
        raw.extend(keywords.split(","))
    if not raw:
        raw.extend((page.meta_first("news_keywords", "keywords", "parsely-tags") or "").split(","))
    tags: list[str] = []
    seen: set[str] = set()
    for tag in raw:
        tag = " ".join(tag.split())
        if tag and len(tag) <= 60 and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tags[:MAX_TAGS]
