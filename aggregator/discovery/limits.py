"""How far the crawl follows listings: the one definition, used by ``sources check`` too.

A dry run (:mod:`aggregator.onboarding.check`) may sample fewer articles than a crawl fetches,
but it reads listings by these rules, so what it reports is what the crawl would find.

Listings are hostile input. Each is read up to ``MAX_LISTING_BYTES`` (the download stops
there) and keeps at most ``MAX_FEED_ENTRIES`` / ``MAX_SITEMAP_URLS`` entries, the newest by
their listing date (undated ones last). What a limit left out is never silent: the readers
say how many entries they read, and :func:`cut_message` words the warning the run records.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from datetime import datetime
from typing import Protocol, TypeVar

MAX_SITEMAP_DEPTH = 3  # index → index → urlset is as deep as real sites go
# Newest children followed per sitemap index; AGGREGATOR_MAX_CHILD_SITEMAPS overrides it.
MAX_CHILD_SITEMAPS = 50
TOO_DEEP = f"sitemap indexes nested deeper than {MAX_SITEMAP_DEPTH}"

# Bytes of one listing read (on the wire, and after inflating a gzipped sitemap); the rest is
# cut with a warning. The same as the crawl's DOWNLOAD_MAXSIZE for pages.
MAX_LISTING_BYTES = 10 * 1024 * 1024
# A listing larger than this on the wire (by Content-Length) is not downloaded at all.
MAX_LISTING_DOWNLOAD = 50 * 1024 * 1024  # the sitemap protocol's own limit
MAX_FEED_ENTRIES = 5000
MAX_SITEMAP_URLS = 50_000  # the sitemap protocol's own limit
# A feed with more entries than this (or more bytes than LARGE_FEED_BYTES) is read by the
# streaming reader: feedparser needs about 0.2 ms an entry, lxml's iterparse a hundredth.
LARGE_FEED_BYTES = 1024 * 1024

# Article requests per source and run, unless the source sets ``max_articles``.
MAX_ARTICLES_PER_RUN = 500


class Dated(Protocol):
    """Anything with a listing date (an entry of a feed or sitemap)."""

    @property
    def published_at(self) -> datetime | None: ...


def newest_key(entry: Dated) -> float:
    """Sort key, larger is newer; undated entries sort after every dated one."""
    return entry.published_at.timestamp() if entry.published_at else float("-inf")


T = TypeVar("T", bound=Dated)


def keep_newest(entries: Iterable[T], limit: int) -> tuple[list[T], int]:
    """The ``limit`` newest of ``entries`` in their listing order, and how many there were.

    Streams: memory holds ``limit`` entries however many pass. Ties go to the earlier entry.
    """
    heap: list[tuple[float, int, T]] = []
    total = 0
    for entry in entries:
        total += 1
        # The sequence number is negated so that, on equal dates, later entries drop first.
        item = (newest_key(entry), -total, entry)
        if len(heap) < limit:
            heapq.heappush(heap, item)
        elif item > heap[0]:
            heapq.heapreplace(heap, item)
    kept = sorted(heap, key=lambda item: -item[1])
    return [entry for _, _, entry in kept], total


def too_deep(depth: int) -> bool:
    """True when a sitemap at ``depth`` (the listing itself is 0) is past the limit."""
    return depth > MAX_SITEMAP_DEPTH


def cut_message(url: str, kept: int, total: int, size: int, truncated: bool) -> str | None:
    """The warning for a listing a limit cut, or None when everything it gave was kept.

    ``total`` is the number of entries read; when the bytes were cut (``truncated``) the
    listing held more than that.
    """
    if kept >= total and not truncated:
        return None
    more = "+" if truncated else ""
    message = f"listing {url} cut: kept {kept:,} of {total:,}{more} entries (newest first)"
    if truncated:
        message += f"; read only the first {size:,} bytes (limit {MAX_LISTING_BYTES:,})"
    return message
