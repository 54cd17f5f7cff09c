"""The article list query: one page of the folded list, counts per filter, one article in full.

The list is newest first by ``(Article.sort_at, Article.id)`` and pages with a keyset cursor,
so page 500 costs what page 1 costs. One row stands for a whole story: its origin when the
origin matches the filters, else the newest article of the story that does; the story's other
outlets are "also in" that row and its languages are the row's badges. Counts are of rows
(stories), not articles.
The filter and cursor are in :mod:`storage.article_filter`; the exports' query is
:func:`storage.editorial.approved_articles`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    exists,
    func,
    literal_column,
    or_,
    select,
    tuple_,
)
from sqlalchemy.orm import Session, aliased

from storage.article_filter import (
    MAX_PAGE,
    ArticleFilter,
    Cursor,
    bound_limit,
    filter_conditions,
    query_matches,
)
from storage.articles import Article, ArticleRevision, ArticleUrl
from storage.editorial import EditorialAction
from storage.search import Matches
from storage.sources import SourceRow
from storage.stories import Story
from storage.watches import has_many_hits

ALSO_IN_SHOWN = 6


@dataclass(frozen=True)
class Sibling:
    """Another article of the same story, as listed under a list row or an article."""

    id: int
    source: str
    source_label: str
    title: str | None
    language: str | None
    url: str
    sort_at: datetime


@dataclass
class ArticleRow:
    """One story in the article list: its representative article and where else it appeared."""

    article: Article
    also_in: list[Sibling] = field(default_factory=list)
    also_in_total: int = 0
    languages: list[str] = field(default_factory=list)  # the story's, the row's first

    @property
    def also_languages(self) -> list[str]:
        """The story's other languages: never the row's own."""
        return [lang for lang in self.languages if lang != self.article.language]


@dataclass
class ArticlePage:
    rows: list[ArticleRow]
    next_cursor: Cursor | None


@dataclass
class Counts:
    """How many rows (stories) each filter value would show, the other filters held."""

    total: int
    status: dict[str, int]
    source: dict[str, int]
    language: dict[str, int]


@dataclass
class ArticleDetail:
    """One article in full: its story siblings, known URLs, revisions and editorial history."""

    article: Article
    siblings: list[Sibling]
    urls: list[ArticleUrl]
    revisions: list[ArticleRevision]
    actions: list[EditorialAction]


def _before(a: Any, at: Any, ident: Any) -> ColumnElement[bool]:
    """``(at, ident)`` sorts before ``(a.sort_at, a.id)`` in the list's order."""
    return or_(at < a.sort_at, and_(at == a.sort_at, ident < a.id))


def article_page(
    session: Session,
    f: ArticleFilter,
    *,
    before: Cursor | None = None,
    limit: int | None = None,
    found: Matches | None = None,
) -> ArticlePage:
    """One page of the folded article list, newest first, starting after ``before``.

    ``found``: the filter's :func:`query_matches`, when the caller has it already.
    """
    size = bound_limit(limit)
    if f.watch is not None and has_many_hits(session, f.watch):
        f = replace(f, watch_scan=True)
    a, b = Article, aliased(Article)
    found = found or query_matches(session, f)
    search = found.for_page if found else None
    shown = _shown(a, b, f, search)
    stmt = select(a).where(*filter_conditions(a, f, search), shown)
    if before is not None:
        stmt = stmt.where(
            or_(a.sort_at < before.at, and_(a.sort_at == before.at, a.id < before.id))
        )
    articles = list(
        session.scalars(stmt.order_by(a.sort_at.desc(), a.id.desc()).limit(size + 1)).unique()
    )
    more = len(articles) > size
    articles = articles[:size]
    rows = [ArticleRow(article) for article in articles]
    _fold(session, rows)
    last = articles[-1] if more else None
    return ArticlePage(rows, Cursor(last.sort_at, last.id) if last else None)


def _shown(a: Any, b: Any, f: ArticleFilter, search: Any) -> ColumnElement[bool]:
    """Whether ``a`` is its story's row: it is the origin, or the origin does not match the
    filters and no newer article of the story does."""
    o = aliased(Article)
    is_origin = exists(
        select(Story.id).where(Story.id == a.story_id, Story.origin_article_id == a.id)
    )
    origin_matches = exists(
        select(o.id)
        .join(Story, Story.origin_article_id == o.id)
        .where(Story.id == a.story_id, o.story_id == a.story_id, *filter_conditions(o, f, search))
    )
    newer = select(b.id).where(
        b.story_id == a.story_id,
        b.id != a.id,
        _before(b, a.sort_at, a.id),
        *filter_conditions(b, f, search),
    )
    return or_(a.story_id.is_(None), is_origin, and_(~origin_matches, ~exists(newer)))


def _fold(session: Session, rows: list[ArticleRow]) -> None:
    """Fill each row's "also in" (the newest few articles of its story from other outlets, and
    their count) and its language badges."""
    by_story = {r.article.story_id: r for r in rows if r.article.story_id is not None}
    if not by_story:
        return
    _languages(session, by_story)
    shown = {r.article.id for r in rows}
    own = tuple_(Article.story_id, Article.source_id).not_in(
        [(story_id, r.article.source_id) for story_id, r in by_story.items()]
    )
    rank = (
        func.row_number()
        .over(partition_by=Article.story_id, order_by=(Article.sort_at.desc(), Article.id.desc()))
        .label("rank")
    )
    inner = (
        sibling_select(rank)
        .where(Article.story_id.in_(by_story), Article.id.not_in(shown), own)
        .subquery()
    )
    for row in session.execute(select(inner).where(inner.c.rank <= ALSO_IN_SHOWN)):
        by_story[row.story_id].also_in.append(sibling_row(row))
    totals = (
        select(Article.story_id, func.count())
        .where(Article.story_id.in_(by_story), Article.id.not_in(shown), own)
        .group_by(Article.story_id)
    )
    for story_id, total in session.execute(totals):
        if story_id is not None:
            by_story[story_id].also_in_total = total
    for r in rows:
        r.also_in.sort(key=lambda s: (s.sort_at, s.id), reverse=True)


def _languages(session: Session, by_story: dict[Any, ArticleRow]) -> None:
    """Each row's story languages, the row's own first, then alphabetical."""
    stmt = (
        select(Article.story_id, Article.language)
        .where(Article.story_id.in_(by_story), Article.language.is_not(None))
        .group_by(Article.story_id, Article.language)
    )
    found: dict[int, set[str]] = {}
    for story_id, language in session.execute(stmt):
        if story_id is not None and language:
            found.setdefault(story_id, set()).add(language)
    for story_id, row in by_story.items():
        own = row.article.language
        others = sorted(found.get(story_id, set()) - {own})
        row.languages = ([own] if own else []) + others


def sibling_select(*extra: Any) -> Select[Any]:
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


def sibling_row(row: Any) -> Sibling:
    return Sibling(
        row.id, row.source, row.source_label, row.title, row.language, row.url, row.sort_at
    )


def rows_counted() -> Any:
    """How many list rows the counted articles make: one per story-less article plus one per
    distinct story. It reads ``story_id``, which no index on the filter columns covers, so a
    count costs a table read per counted article (docs/benchmarks.md, review page)."""
    return func.count() - func.count(Article.story_id) + func.count(func.distinct(Article.story_id))


def facet_counts(session: Session, f: ArticleFilter, *, found: Matches | None = None) -> Counts:
    """Row (story) counts per status, source and language, each under the other filters
    (``found`` as for :func:`article_page`)."""
    found = found or query_matches(session, f)
    search = found.for_count if found else None

    def grouped(column: Any, without: dict[str, Any]) -> dict[Any, int]:
        conds = filter_conditions(Article, replace(f, **without), search)
        stmt = select(column, rows_counted()).select_from(Article).where(*conds).group_by(column)
        return {key: n for key, n in session.execute(stmt) if key is not None}

    # Grouped by id, named afterwards: a join per article row costs more than the count.
    # "+ 0" keeps SQLite from walking the source index (and every row) to group: it then
    # reads only the rows the other filters select.
    names = {ident: name for ident, name in session.execute(select(SourceRow.id, SourceRow.name))}
    counted = grouped(Article.source_id + literal_column("0"), {"source": None})
    by_source = {names[k]: n for k, n in counted.items() if k in names}
    total = session.scalar(
        select(rows_counted()).select_from(Article).where(*filter_conditions(Article, f, search))
    )
    return Counts(
        total=total or 0,
        status=grouped(Article.status, {"status": None, "hide_rejected": False}),
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
            sibling_select()
            .where(Article.story_id == article.story_id, Article.id != article.id)
            .order_by(Article.sort_at.asc(), Article.id.asc())
            .limit(MAX_PAGE)
        )
        siblings = [sibling_row(row) for row in session.execute(stmt)]
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
