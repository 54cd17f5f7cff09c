"""The exports' query: approved (and published) articles, most recently approved first.

Read by the RSS/Atom/JSON Feed exports and the JSON API; the same filters as the feed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from aggregator.errors import StorageError
from storage.articles import Article
from storage.review import Cursor, FeedFilter, bound_limit, filter_conditions, query_matches
from storage.users import EditorialAction

EXPORTED = ("approved", "published")


def _approval_times() -> Any:
    """Per article, the time of its latest approve or publish action."""
    return (
        select(
            EditorialAction.article_id,
            func.max(EditorialAction.created_at).label("approved_at"),
        )
        .where(EditorialAction.action.in_(("approve", "publish")))
        .group_by(EditorialAction.article_id)
        .subquery()
    )


def approved_articles(
    session: Session, f: FeedFilter, *, before: Cursor | None = None, limit: int | None = None
) -> tuple[list[tuple[Article, datetime]], Cursor | None]:
    """Approved (and published) articles, most recently approved first, for the exports.

    Each comes with its approval time; the status filter may only narrow to approved or
    published, so a token reader never sees what editors have not passed.
    """
    if f.status is not None and f.status not in EXPORTED:
        raise StorageError(f"exports hold approved or published articles, not {f.status!r}")
    size = bound_limit(limit)
    found = query_matches(session, f)
    times = _approval_times()
    # Articles approved without a recorded action (imported, say) use their update time.
    approved_at = func.coalesce(times.c.approved_at, Article.updated_at).label("approved_at")
    inner = (
        select(Article.id, approved_at)
        .outerjoin(times, times.c.article_id == Article.id)
        .where(
            Article.status.in_(EXPORTED),
            *filter_conditions(Article, f, found.for_count if found else None),
        )
        .subquery()
    )
    stmt = select(Article, inner.c.approved_at).join(inner, inner.c.id == Article.id)
    if before is not None:
        stmt = stmt.where(
            or_(
                inner.c.approved_at < before.at,
                and_(inner.c.approved_at == before.at, Article.id < before.id),
            )
        )
    stmt = stmt.order_by(inner.c.approved_at.desc(), Article.id.desc()).limit(size + 1)
    items = [(row[0], row[1]) for row in session.execute(stmt).unique()]
    more = len(items) > size
    items = items[:size]
    cursor = Cursor(items[-1][1], items[-1][0].id) if more else None
    return items, cursor
