"""What editors and export readers narrow articles to: the filter as SQL, and the cursor.

The editors' article list (:mod:`storage.article_query`) and the exports' query
(:func:`storage.editorial.approved_articles`) take the same :class:`ArticleFilter` and page
with the same keyset :class:`Cursor`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from aggregator.errors import StorageError
from storage.articles import STATUSES
from storage.base import MAX_ID
from storage.search import Matches, find_matches
from storage.sources import SourceRow
from storage.watches import hit_article_ids, hit_by

MAX_PAGE = 200
DEFAULT_PAGE = 50


@dataclass(frozen=True)
class ArticleFilter:
    """What an editor (or an export reader) narrows the article list to; None means any."""

    source: str | None = None
    language: str | None = None
    status: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    query: str | None = None
    starred: bool = False
    # The feed's "all": every status but rejected (a rejected story is done with); asking
    # for ``status="rejected"`` shows them.
    hide_rejected: bool = False
    watch: int | None = None  # articles this watch hit (storage/watches.py)
    # Set by the article list (not by callers) when the watch hit many articles: each row
    # in list order is then checked against the hits, instead of every hit read and sorted.
    watch_scan: bool = False

    def __post_init__(self) -> None:
        if self.status is not None and self.status not in STATUSES:
            raise StorageError(f"unknown status {self.status!r} (expected one of {STATUSES})")


@dataclass(frozen=True)
class Cursor:
    """Where a page ends: the (time, id) of its last row, as text in a ``before=`` link."""

    at: datetime
    id: int

    def encode(self) -> str:
        return f"{int(self.at.timestamp() * 1_000_000)}.{self.id}"

    @classmethod
    def decode(cls, text: str | None) -> Cursor | None:
        """The cursor in ``text``, or None when it is absent or malformed (first page)."""
        if not text or len(text) > 40:
            return None
        micros, _, ident = text.partition(".")
        try:
            at = datetime.fromtimestamp(int(micros) / 1_000_000, UTC)
            article_id = int(ident)
            return cls(at, article_id) if 0 <= article_id <= MAX_ID else None
        except (ValueError, OverflowError, OSError):
            return None


def bound_limit(limit: int | None, default: int = DEFAULT_PAGE) -> int:
    """A page size between 1 and MAX_PAGE."""
    return max(1, min(limit or default, MAX_PAGE))


def filter_conditions(
    a: Any, f: ArticleFilter, search: Callable[[Any], ColumnElement[bool]] | None = None
) -> list[ColumnElement[bool]]:
    """The filter as SQL conditions on ``a`` (Article or an alias of it).

    ``search`` turns the filter's query into a condition (a method of the query's
    :class:`Matches`: ``for_page`` for newest-first pages, ``for_count`` otherwise).
    """
    conds: list[ColumnElement[bool]] = []
    if f.source:
        conds.append(
            a.source_id == select(SourceRow.id).where(SourceRow.name == f.source).scalar_subquery()
        )
    if f.language:
        conds.append(a.language == f.language)
    if f.status:
        conds.append(a.status == f.status)
    elif f.hide_rejected:
        conds.append(a.status != "rejected")
    if f.starred:
        conds.append(a.starred.is_(True))
    if f.date_from:
        conds.append(a.sort_at >= datetime.combine(f.date_from, time(), UTC))
    if f.date_to:
        conds.append(a.sort_at < datetime.combine(f.date_to + timedelta(days=1), time(), UTC))
    if f.watch is not None:
        conds.append(hit_by(f.watch, a.id) if f.watch_scan else a.id.in_(hit_article_ids(f.watch)))
    if search is not None:
        conds.append(search(a))
    return conds


def query_matches(session: Session, f: ArticleFilter) -> Matches | None:
    """The articles matching the filter's query; None when it has none.

    A page and its counts may share it (``found=``): the matches are then counted once.
    """
    return find_matches(session, f.query) if f.query and f.query.strip() else None
