"""Read RSS 0.9x/1.0/2.0, Atom and JSON Feed documents into article entries.

feedparser handles every XML dialect (and the broken ones outlets really serve); JSON Feed is
read with :mod:`json`, since feedparser does not know it. Only what discovery needs is kept:
the article URL and the hints a feed gives before the page is fetched (title, date, language).

Feeds are bounded by :mod:`aggregator.discovery.limits`: the first ``MAX_LISTING_BYTES`` are
read, large XML feeds by the streaming reader (:mod:`aggregator.discovery.feed_stream`), and
the ``MAX_FEED_ENTRIES`` newest entries kept; ``Feed.total`` and ``Feed.truncated`` say what
was left out.
"""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from aggregator.discovery.dates import parse_w3c
from aggregator.discovery.limits import (
    LARGE_FEED_BYTES,
    MAX_FEED_ENTRIES,
    MAX_LISTING_BYTES,
    keep_newest,
)
from aggregator.errors import DiscoveryError

MAX_TITLE = 1000


class FeedInvalid(DiscoveryError):
    """A document that should be a feed is not one we can read."""


@dataclass(frozen=True)
class Entry:
    """One article a feed or sitemap announced, with what it said about it."""

    url: str
    title: str | None = None
    published: str | None = None  # as written, for extraction's date hints
    published_at: datetime | None = None  # aware UTC, for the cut-off
    language: str | None = None
    # When the listing says the article last changed (feed updated/date_modified, sitemap
    # lastmod): a stored article fetched before it is revisited at once.
    updated_at: datetime | None = None

    def hints(self, origin: str) -> dict[str, str | None]:
        """Plain-dict hints for a request's meta (serialisable for a shared frontier)."""
        return {
            "title": self.title,
            "published": self.published,
            "language": self.language,
            "origin": origin,
        }


@dataclass(frozen=True)
class Feed:
    """A parsed feed: its title and language, and its newest entries in document order.

    ``total`` counts the entries read (with a URL), kept or not; ``truncated`` is true when
    the body was longer than ``MAX_LISTING_BYTES`` and only its beginning was read.
    """

    title: str | None
    language: str | None
    entries: list[Entry]
    total: int = 0
    truncated: bool = False


def primary_language(tag: Any) -> str | None:
    """``fr-FR`` / ``en_us`` / ``AR`` → ``fr`` / ``en`` / ``ar``; None for anything else."""
    if not isinstance(tag, str):
        return None
    code = tag.strip().replace("_", "-").split("-")[0].lower()
    return code if 2 <= len(code) <= 3 and code.isalpha() else None


def looks_like_json(body: bytes) -> bool:
    """True when the body starts (after whitespace or a BOM) like a JSON object."""
    return body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def parse_feed(body: bytes, url: str) -> Feed:
    """Parse any supported feed format; raise FeedInvalid naming ``url`` when it is none."""
    truncated = len(body) > MAX_LISTING_BYTES
    body = body[:MAX_LISTING_BYTES]
    feed = parse_json_feed(body, url) if looks_like_json(body) else parse_xml_feed(body, url)
    return replace(feed, truncated=True) if truncated else feed


def is_large(body: bytes) -> bool:
    """True for a feed feedparser would take too long on (by its size or its item count)."""
    if len(body) > LARGE_FEED_BYTES:
        return True
    return body.count(b"<item") + body.count(b"<entry") + body.count(b":item") > MAX_FEED_ENTRIES


def _clip(text: Any, limit: int = MAX_TITLE) -> str | None:
    if not isinstance(text, str):
        return None
    text = " ".join(text.split())
    return text[:limit] or None


def _struct_to_utc(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (OverflowError, ValueError, TypeError):
        return None


def _entry_link(entry: Any, base: str) -> str | None:
    link = entry.get("link")
    if not link:
        # RSS <guid isPermaLink="true"> and Atom ids are often the article URL.
        guid = entry.get("id")
        link = guid if isinstance(guid, str) and guid.startswith(("http://", "https://")) else None
    if not isinstance(link, str):
        return None
    absolute = urljoin(base, link.strip())
    return absolute if absolute.startswith(("http://", "https://")) else None


def parse_xml_feed(body: bytes, url: str) -> Feed:
    """RSS and Atom; relative links are resolved against ``url``.

    feedparser reads the usual feeds (it copes with the broken ones outlets serve); a large
    one goes through the streaming reader, which keeps the crawl responsive.
    """
    if is_large(body):
        from aggregator.discovery.feed_stream import stream_feed

        return stream_feed(body, url)
    parsed = feedparser.parse(body, response_headers={"content-location": url})
    version = parsed.get("version") or ""
    if not version and (parsed.get("bozo") or not parsed.entries):
        problem = parsed.get("bozo_exception")
        # feedparser's "no Content-type specified" says nothing useful about the body.
        useful = problem and "content-type" not in str(problem).lower()
        detail = f": {str(problem)[:200]}" if useful else ""
        raise FeedInvalid(f"{url}: not an RSS, Atom or JSON feed{detail}")
    meta = parsed.get("feed", {})
    language = primary_language(meta.get("language"))
    entries: list[Entry] = []
    for raw in parsed.entries:
        link = _entry_link(raw, url)
        if link is None:
            continue
        # dict.get, not FeedParserDict's: its updated→published fallback warns and blurs them.
        raw_date = dict.get(raw, "published") or dict.get(raw, "updated")
        parsed_date = dict.get(raw, "published_parsed") or dict.get(raw, "updated_parsed")
        entries.append(
            Entry(
                url=link,
                title=_clip(raw.get("title")),
                published=_clip(raw_date, 100),
                published_at=_struct_to_utc(parsed_date),
                language=primary_language(raw.get("language")) or language,
                updated_at=_struct_to_utc(dict.get(raw, "updated_parsed")),
            )
        )
    kept, total = keep_newest(entries, MAX_FEED_ENTRIES)
    return Feed(_clip(meta.get("title")), language, kept, total)


def parse_json_feed(body: bytes, url: str) -> Feed:
    """JSON Feed 1.0/1.1 (https://jsonfeed.org/version/1.1)."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise FeedInvalid(f"{url}: not valid JSON: {str(exc)[:200]}") from None
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith(
        "https://jsonfeed.org/version/"
    ):
        raise FeedInvalid(f"{url}: JSON without a jsonfeed.org version is not a JSON Feed")
    items = data.get("items")
    if not isinstance(items, list):
        raise FeedInvalid(f"{url}: JSON Feed without an 'items' list")
    language = primary_language(data.get("language"))
    entries: list[Entry] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        link = item.get("url") or item.get("external_url")
        if not isinstance(link, str):
            continue
        link = urljoin(url, link.strip())
        if not link.startswith(("http://", "https://")):
            continue
        raw_date = item.get("date_published") or item.get("date_modified")
        raw_date = raw_date if isinstance(raw_date, str) else None
        entries.append(
            Entry(
                url=link,
                title=_clip(item.get("title")),
                published=_clip(raw_date, 100),
                published_at=parse_w3c(raw_date),
                language=primary_language(item.get("language")) or language,
                updated_at=_w3c(item.get("date_modified")),
            )
        )
    kept, total = keep_newest(entries, MAX_FEED_ENTRIES)
    return Feed(_clip(data.get("title")), language, kept, total)


def _w3c(value: object) -> datetime | None:
    """A W3C date of a JSON value, when it is one."""
    return parse_w3c(value) if isinstance(value, str) else None
