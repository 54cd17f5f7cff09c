"""The editors' queries: the folded feed, counts per filter, one article in full, exports.

The feed is newest first by ``(Article.sort_at, Article.id)`` and pages with a keyset cursor,
so page 500 costs what page 1 costs. One row stands for a whole story: the newest article of
the story that matches the filters; the story's other articles are "also in" that row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, literal_column, or_, select
from sqlalchemy.orm import Session, aliased

from aggregator.errors import StorageError
from storage.articles import STATUSES, Article, ArticleRevision, ArticleUrl
from storage.search import Matches, find_matches
from storage.sources import SourceRow
from storage.users import EditorialAction

MAX_PAGE = 200
DEFAULT_PAGE = 50
ALSO_IN_SHOWN = 6
EXPORTED = ("approved", "published")


@dataclass(frozen=True)
class FeedFilter:
    """What an editor (or an export reader) narrows the feed to; None means any."""

    source: str | None = None
    language: str | None = None
    status: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    query: str | None = None
    starred: bool = False

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
            return cls(at, int(ident))
        except (ValueError, OverflowError, OSError):
            return None


@dataclass(frozen=True)
class Sibling:
    """Another article of the same story, as listed under a feed row or an article."""

    id: int
    source: str
    source_label: str
    title: str | None
    language: str | None
    url: str
    sort_at: datetime


@dataclass
class FeedRow:
    """One story in the feed: its representative article and where else it appeared."""

    article: Article
    also_in: list[Sibling] = field(default_factory=list)
    also_in_total: int = 0


@dataclass
class FeedPage:
    rows: list[FeedRow]
    next_cursor: Cursor | None


@dataclass
class Counts:
    """How many articles each filter value would show, the other filters held."""

    total: int
    status: dict[str, int]
    source: dict[str, int]
    language: dict[str, int]


@dataclass
class ArticleDetail:
    article: Article
    siblings: list[Sibling]
    urls: list[ArticleUrl]
    revisions: list[ArticleRevision]
    actions: list[EditorialAction]


def bound_limit(limit: int | None, default: int = DEFAULT_PAGE) -> int:
    """A page size between 1 and MAX_PAGE."""
    return max(1, min(limit or default, MAX_PAGE))


def _conditions(
    a: Any, f: FeedFilter, search: Callable[[Any], ColumnElement[bool]] | None = None
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
    if f.starred:
        conds.append(a.starred.is_(True))
    if f.date_from:
        conds.append(a.sort_at >= datetime.combine(f.date_from, time(), UTC))
    if f.date_to:
        conds.append(a.sort_at < datetime.combine(f.date_to + timedelta(days=1), time(), UTC))
    if search is not None:
        conds.append(search(a))
    return conds


def _matches(session: Session, f: FeedFilter) -> Matches | None:
    """The articles matching the filter's query; None when it has none."""
    return find_matches(session, f.query) if f.query and f.query.strip() else None


def _before(a: Any, at: Any, ident: Any) -> ColumnElement[bool]:
    """``(at, ident)`` sorts before ``(a.sort_at, a.id)`` in the feed's order."""
    return or_(at < a.sort_at, and_(at == a.sort_at, ident < a.id))


def feed_page(
    session: Session, f: FeedFilter, *, before: Cursor | None = None, limit: int | None = None
) -> FeedPage:
    """One page of the folded feed, newest first, starting after ``before``."""
    size = bound_limit(limit)
    a, b = Article, aliased(Article)
    found = _matches(session, f)
    search = found.for_page if found else None
    # A row is shown when no newer article of its story matches the same filters.
    newer = select(b.id).where(
        b.story_id == a.story_id,
        b.id != a.id,
        _before(b, a.sort_at, a.id),
        *_conditions(b, f, search),
    )
    stmt = select(a).where(*_conditions(a, f, search), or_(a.story_id.is_(None), ~exists(newer)))
    if before is not None:
        stmt = stmt.where(
            or_(a.sort_at < before.at, and_(a.sort_at == before.at, a.id < before.id))
        )
    articles = list(
        session.scalars(stmt.order_by(a.sort_at.desc(), a.id.desc()).limit(size + 1)).unique()
    )
    more = len(articles) > size
    articles = articles[:size]
    rows = [FeedRow(article) for article in articles]
    _fold(session, rows)
    last = articles[-1] if more else None
    return FeedPage(rows, Cursor(last.sort_at, last.id) if last else None)


def _fold(session: Session, rows: list[FeedRow]) -> None:
    """Fill each row's "also in": the newest few other articles of its story, and a count."""
    by_story = {r.article.story_id: r for r in rows if r.article.story_id is not None}
    if not by_story:
        return
    shown = {r.article.id for r in rows}
    rank = (
        func.row_number()
        .over(partition_by=Article.story_id, order_by=(Article.sort_at.desc(), Article.id.desc()))
        .label("rank")
    )
    inner = (
        _sibling_select(rank)
        .where(Article.story_id.in_(by_story), Article.id.not_in(shown))
        .subquery()
    )
    for row in session.execute(select(inner).where(inner.c.rank <= ALSO_IN_SHOWN)):
        by_story[row.story_id].also_in.append(_sibling(row))
    totals = (
        select(Article.story_id, func.count())
        .where(Article.story_id.in_(by_story), Article.id.not_in(shown))
        .group_by(Article.story_id)
    )
    for story_id, total in session.execute(totals):
        if story_id is not None:
            by_story[story_id].also_in_total = total
    for r in rows:
        r.also_in.sort(key=lambda s: (s.sort_at, s.id), reverse=True)


def _sibling_select(*extra: Any) -> Select[Any]:
    return select(
        Article.id,
        Article.story_id,
        SourceRow.name.label("source"),
        func.coalesce(SourceRow.label, SourceRow.name).label("source_label"),
        Article.title,
        Article.language,
        Article.url,
        Article.sort_at,
        *extra,
    ).join(SourceRow, SourceRow.id == Article.source_id)


def _sibling(row: Any) -> Sibling:
    return Sibling(
        row.id, row.source, row.source_label, row.title, row.language, row.url, row.sort_at
    )


def facet_counts(session: Session, f: FeedFilter) -> Counts:
    """Article counts per status, source and language, each under the other filters."""

    found = _matches(session, f)
    search = found.for_count if found else None

    def grouped(column: Any, without: dict[str, Any]) -> dict[Any, int]:
        conds = _conditions(Article, replace(f, **without), search)
        stmt = select(column, func.count()).select_from(Article).where(*conds).group_by(column)
        return {key: n for key, n in session.execute(stmt) if key is not None}

    # Grouped by id, named afterwards: a join per article row costs more than the count.
    # "+ 0" keeps SQLite from walking the source index (and every row) to group: it then
    # reads only the rows the other filters select.
    names = {ident: name for ident, name in session.execute(select(SourceRow.id, SourceRow.name))}
    counted = grouped(Article.source_id + literal_column("0"), {"source": None})
    by_source = {names[k]: n for k, n in counted.items() if k in names}
    total = session.scalar(
        select(func.count()).select_from(Article).where(*_conditions(Article, f, search))
    )
    return Counts(
        total=total or 0,
        status=grouped(Article.status, {"status": None}),
        source=by_source,
        language=grouped(Article.language, {"language": None}),
    )


def article_detail(session: Session, article_id: int) -> ArticleDetail | None:
    """An article with its story siblings, known URLs, revisions and editorial history."""
    article = session.get(Article, article_id)
    if article is None:
        return None
    siblings: list[Sibling] = []
    if article.story_id is not None:
        stmt = (
            _sibling_select()
            .where(Article.story_id == article.story_id, Article.id != article.id)
            .order_by(Article.sort_at.asc(), Article.id.asc())
            .limit(MAX_PAGE)
        )
        siblings = [_sibling(row) for row in session.execute(stmt)]
    urls = list(
        session.scalars(
            select(ArticleUrl).where(ArticleUrl.article_id == article.id).order_by(ArticleUrl.id)
        )
    )
    revisions = list(
        session.scalars(
            select(ArticleRevision)
            .where(ArticleRevision.article_id == article.id)
            .order_by(ArticleRevision.number.desc())
        )
    )
    actions = list(
        session.scalars(
            select(EditorialAction)
            .where(EditorialAction.article_id == article.id)
            .order_by(EditorialAction.created_at.desc(), EditorialAction.id.desc())
            .limit(MAX_PAGE)
        )
    )
    return ArticleDetail(article, siblings, urls, revisions, actions)


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
    found = _matches(session, f)
    times = _approval_times()
    # Articles approved without a recorded action (imported, say) use their update time.
    approved_at = func.coalesce(times.c.approved_at, Article.updated_at).label("approved_at")
    inner = (
        select(Article.id, approved_at)
        .outerjoin(times, times.c.article_id == Article.id)
        .where(
            Article.status.in_(EXPORTED),
            *_conditions(Article, f, found.for_count if found else None),
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


def source_labels(session: Session) -> list[tuple[str, str]]:
    """Every source as (name, label), for the filter menu."""
    stmt = select(SourceRow.name, func.coalesce(SourceRow.label, SourceRow.name)).order_by(
        SourceRow.name
    )
    return [(name, str(label)) for name, label in session.execute(stmt)]


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
