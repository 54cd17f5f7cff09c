"""Per-source activity for the sources page: every source, and articles found per day."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.articles import Article
from storage.sources import SourceRow


def articles_per_day(
    session: Session, *, days: int = 28, now: datetime | None = None
) -> dict[int, list[int]]:
    """Per source id, how many articles were first seen on each of the last ``days`` days.

    The list runs oldest to newest, today last; days without articles count zero.
    """
    today = (now or datetime.now(UTC)).astimezone(UTC).date()
    start = today - timedelta(days=days - 1)
    since = datetime.combine(start, time(), UTC)
    seen: Any = Article.first_seen_at
    if session.get_bind().dialect.name == "postgresql":
        seen = func.timezone("UTC", seen)  # the calendar day in UTC, whatever the session zone
    day = func.date(seen)
    stmt = (
        select(Article.source_id, day, func.count())
        .where(Article.first_seen_at >= since)
        .group_by(Article.source_id, day)
    )
    counts: dict[int, list[int]] = defaultdict(lambda: [0] * days)
    for source_id, value, n in session.execute(stmt):
        when = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
        index = (when - start).days
        if 0 <= index < days:
            counts[source_id][index] += n
    return dict(counts)


def all_sources(session: Session) -> list[SourceRow]:
    """Every source row, by name."""
    return list(session.scalars(select(SourceRow).order_by(SourceRow.name)))
