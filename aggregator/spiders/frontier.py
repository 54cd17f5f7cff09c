"""Which announced article URLs are worth a request: new, recent, not seen in this run.

The check runs *before* a request is scheduled, so an article already stored is never
downloaded again. URLs are compared in canonical form (and as given, since stored aliases may
be raw), in one query per feed or sitemap page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from aggregator.discovery.dates import too_old
from aggregator.discovery.feeds import Entry
from aggregator.urls import canonicalize_url, url_twins


@dataclass(frozen=True)
class Selection:
    """The outcome of filtering one listing's entries."""

    fresh: list[Entry]  # to request
    found: int  # new to this run
    skipped: int  # too old or already stored
    changed: list[Entry] = field(default_factory=list)  # stored, with a listing update time


class Frontier:
    """Run-local memory of announced URLs plus the database's stored ones."""

    def __init__(self, database_url: str | None) -> None:
        self.database_url = database_url
        self.seen: set[str] = set()

    def mark(self, url: str) -> None:
        """Remember ``url`` as handled in this run (e.g. a start page)."""
        self.seen.add(canonicalize_url(url))

    def select(
        self, entries: Iterable[Entry], max_age: timedelta | None, now: datetime
    ) -> Selection:
        """Drop entries seen in this run; of the rest, skip old and stored ones."""
        candidates: list[tuple[str, Entry]] = []
        found = skipped = 0
        for entry in entries:
            canonical = canonicalize_url(entry.url)
            if canonical in self.seen:
                continue
            self.seen.add(canonical)
            found += 1
            if too_old(entry.published_at, max_age, now):
                skipped += 1
                continue
            candidates.append((canonical, entry))
        # A stored article at another scheme or www. spelling counts as stored (url_twins).
        twins = {c: url_twins(c) for c, _ in candidates}
        asked = {u for c, e in candidates for u in (c, e.url, *twins[c])}
        known = self.stored(asked)

        def stored(canonical: str, entry: Entry) -> bool:
            return (
                canonical in known
                or entry.url in known
                or bool(known.intersection(twins[canonical]))
            )

        fresh = [e for c, e in candidates if not stored(c, e)]
        changed = [e for c, e in candidates if e.updated_at and stored(c, e)]
        return Selection(
            fresh=fresh,
            found=found,
            skipped=skipped + len(candidates) - len(fresh),
            changed=changed,
        )

    def stored(self, urls: set[str]) -> set[str]:
        """The URLs already in ``article_urls`` (none when the crawl has no database)."""
        if not urls or not self.database_url:
            return set()
        from storage.articles import known_urls
        from storage.db import session_scope

        with session_scope(self.database_url) as session:
            return known_urls(session, urls)
