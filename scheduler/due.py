"""Which sources are due for a crawl now: the one-shot form of the scheduler.

``aggregator crawl --due`` calls :func:`due_source_names`, so cron users and tests get the
same decisions as the long-running ``aggregator schedule`` without keeping it running.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import storage.models  # noqa: F401  (complete metadata: foreign keys resolve)
from aggregator.config.settings import load_settings
from aggregator.config.sources import Schedule, SourcesFile
from scheduler.triggers import effective_schedule, next_due, parse_default_schedule
from storage import runs
from storage.db import session_scope


def last_starts(database_url: str, names: list[str]) -> dict[str, datetime]:
    """When the newest crawl of each named source started (sources never crawled are absent)."""
    with session_scope(database_url) as session:
        return runs.last_starts(session, names)


def running_sources(database_url: str, names: list[str], since: datetime) -> set[str]:
    """Sources with a crawl still marked running that started after ``since``."""
    with session_scope(database_url) as session:
        return runs.running_source_names(session, names, since)


def due_source_names(
    database_url: str,
    sources: SourcesFile,
    now: datetime,
    *,
    default_schedule: Schedule | None = None,
    time_limit: timedelta | None = None,
) -> list[str]:
    """Names of the enabled sources whose schedule says they are due at ``now``, in file order.

    A source is due when it was never crawled, or when its schedule (its own, else
    ``default_schedule``, else the ``default_schedule`` option) has come round since its last
    crawl started, whatever that crawl's outcome: a broken source is retried on its schedule,
    not every minute. A source whose crawl is still running (started less than the crawl time
    limit ago) is not due.
    """
    settings = load_settings()
    default = default_schedule or parse_default_schedule(settings.default_schedule)
    limit = time_limit or timedelta(seconds=float(settings.crawl_time_limit))
    enabled = sources.enabled()
    names = [s.name for s in enabled]
    starts = last_starts(database_url, names)
    busy = running_sources(database_url, names, now - limit)
    due = []
    for source in enabled:
        if source.name in busy:
            continue
        schedule = effective_schedule(source, default)
        if next_due(schedule, source.zone, starts.get(source.name), now) <= now:
            due.append(source.name)
    return due
