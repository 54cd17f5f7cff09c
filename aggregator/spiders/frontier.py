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
from aggregator.urls import canonicalize_url


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
        known = self.stored({u for pair in candidates for u in (pair[0], pair[1].url)})
        fresh = [e for c, e in candidates if c not in known and e.url not in known]
        changed = [e for c, e in candidates if e.updated_at and (c in known or e.url in known)]
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
