"""The spider's side of revisits: the due pick, the clock, and what it records itself.

Due revisits are picked once per source when the crawl starts (:func:`storage.revisits.
due_revisits`, one indexed query, at most the source's ``revisit.max_per_run``). A revisit that
answers with a page goes through the pipelines like any article (a revision when it changed);
one that answers 304 (unchanged) or 404/410 (withdrawn) is kept here and written when the
spider closes, in one transaction: should the crawl die first, the revisit is simply due again
next run. The clock (``AGGREGATOR_NOW``, an ISO time) lets tests and replays move time forward
instead of sleeping; it decides due-ness, the next step and the fetch time of the run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from scrapy.statscollectors import StatsCollector

from aggregator.config.sources import Source
from aggregator.errors import ConfigError
from storage.revisits import DueRevisit, RevisitPolicy

logger = logging.getLogger(__name__)
REVISIT_COUNTERS = ("requested", "not_modified", "withdrawn")


def revisit_policy(source: Source) -> RevisitPolicy | None:
    """The source's schedule for storage (None when its revisits are off)."""
    if not source.revisit.enabled:
        return None
    return RevisitPolicy(tuple(source.revisit.after), source.revisit.approved_for)


def crawl_clock(text: str | None) -> datetime | None:
    """``AGGREGATOR_NOW`` read as an aware time; None when unset."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        raise ConfigError(f"AGGREGATOR_NOW={text!r}: expected an ISO time with offset") from None
    if moment.tzinfo is None:
        raise ConfigError(f"AGGREGATOR_NOW={text!r}: give the offset (e.g. +00:00)")
    return moment


def count_revisit(stats: StatsCollector | None, source: str, what: str) -> None:
    """Count one revisit outcome of a source (Scrapy stats: log and tests)."""
    if stats is not None and what in REVISIT_COUNTERS:
        stats.inc_value(f"aggregator/{source}/revisit/{what}")


@dataclass
class RevisitLedger:
    """Due revisits read from, and 304/404 outcomes written to, the crawl's database."""

    database_url: str | None
    unchanged: list[tuple[int, RevisitPolicy | None, datetime]] = field(default_factory=list)
    gone: list[tuple[int, int, datetime]] = field(default_factory=list)

    def due(self, source_id: int, now: datetime, limit: int) -> list[DueRevisit]:
        """The source's due revisits (none without a database)."""
        if not self.database_url:
            return []
        from storage.db import session_scope
        from storage.revisits import due_revisits

        with session_scope(self.database_url) as session:
            return due_revisits(session, source_id, now, limit)

    def changed(self, source_id: int, updates: dict[str, datetime], limit: int) -> list[DueRevisit]:
        """Stored articles a listing says changed since their fetch (none without a database)."""
        if not self.database_url or limit <= 0:
            return []
        from storage.db import session_scope
        from storage.revisits import changed_since_fetch

        with session_scope(self.database_url) as session:
            return changed_since_fetch(session, source_id, updates, limit)

    def not_modified(self, article_id: int, policy: RevisitPolicy | None, now: datetime) -> None:
        """A 304: to count and reschedule at close."""
        self.unchanged.append((article_id, policy, now))

    def withdrawn(self, article_id: int, status: int, now: datetime) -> None:
        """A 404/410: to record as withdrawn at close."""
        self.gone.append((article_id, status, now))

    def flush(self) -> None:
        """Write what was kept; an error is logged (the revisits are due again next run)."""
        if not self.database_url or not (self.unchanged or self.gone):
            return
        from storage.db import session_scope
        from storage.revisits import record_not_modified, record_withdrawn

        try:
            with session_scope(self.database_url) as session:
                for article_id, policy, now in self.unchanged:
                    record_not_modified(session, article_id, policy, now)
                for article_id, status, now in self.gone:
                    record_withdrawn(session, article_id, status, now)
        except Exception:
            logger.exception(
                "could not record %s revisit outcomes", len(self.unchanged) + len(self.gone)
            )
        else:
            self.unchanged, self.gone = [], []
