"""Full-text search over article titles and bodies, on SQLite (FTS5) and PostgreSQL (tsvector).

Both databases index *folded* text (:func:`aggregator.fingerprints.text.fold`: case, accents, Arabic
tashkeel, tatweel and alef/hamza/yeh/teh-marbuta variants), and queries are folded the same
way, so "الإمارات" finds "الامارات" and "enquete" finds "enquête" on either database. Neither
database stems: one outlet writes Arabic, the next French, and a wrong stemmer hides more
than it finds.

The index lives in ``article_search`` (migration 0002): an FTS5 table on SQLite (rowid = the
article's id), a table with a ``tsvector`` column and a GIN index on
PostgreSQL. Callers use::

    index_article(session, article)                   # after storing or changing an article
    found = find_matches(session, "الإمارات")
    select(Article).where(found.for_page(Article)).order_by(Article.sort_at.desc()).limit(50)
    select(func.count()).where(found.for_count(Article))

:func:`find_matches` first counts the matches, up to :data:`FEW_MATCHES`, and then picks the
SQL that suits their number (see :class:`Matches`); :func:`matching_ids` is the plain
subquery of every match.

Query syntax: words must all match; ``"two words"`` matches a phrase; ``word*`` a prefix.
Everything else is ignored, so user input can never break the SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, Select, bindparam, exists, false, select, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql import table
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.types import NullType

from aggregator.fingerprints.text import fold, words
from storage.articles import Article

# A tsvector holds at most 1 MiB; no article needs more than this much text to be found.
MAX_INDEXED_CHARS = 200_000
MAX_QUERY_TERMS = 16
_PHRASE = re.compile(r'"([^"]*)"')

search_table = table("article_search")


@dataclass(frozen=True)
class Term:
    """One query term: a word (maybe a prefix) or a phrase of several words."""

    words: tuple[str, ...]
    prefix: bool = False


def parse_query(query: str) -> list[Term]:
    """Folded terms of a user query (phrases in double quotes, ``word*`` for a prefix)."""
    terms: list[Term] = []
    for phrase in _PHRASE.findall(query):
        phrase_words = tuple(words(phrase))
        if phrase_words:
            terms.append(Term(phrase_words))
    rest = _PHRASE.sub(" ", query)
    for raw in rest.split():
        tokens = words(raw)
        if not tokens:
            continue
        prefix = raw.endswith("*") and len(tokens) == 1
        terms.append(Term(tuple(tokens), prefix))
    return terms[:MAX_QUERY_TERMS]


def fts5_query(terms: list[Term]) -> str:
    """The FTS5 MATCH expression: every term quoted, so no FTS5 syntax comes from users."""
    parts = []
    for term in terms:
        quoted = '"' + " ".join(term.words) + '"'
        parts.append(quoted + ("*" if term.prefix else ""))
    return " AND ".join(parts)


def tsquery(terms: list[Term]) -> str:
    """The ``to_tsquery('simple', ...)`` expression for PostgreSQL."""
    parts = []
    for term in terms:
        lexemes = [f"'{w}'" for w in term.words]
        if term.prefix:
            lexemes[-1] += ":*"
        parts.append(lexemes[0] if len(lexemes) == 1 else "(" + " <-> ".join(lexemes) + ")")
    return " & ".join(parts)


class _SearchId(ColumnElement[int]):
    """The article id of an index row: FTS5's rowid (no content read), or ``article_id``."""

    type = Integer()
    inherit_cache = True


@compiles(_SearchId, "sqlite")
def _search_id_sqlite(element: _SearchId, compiler: SQLCompiler, **kw: Any) -> str:
    return "article_search.rowid"


@compiles(_SearchId, "postgresql")
def _search_id_postgresql(element: _SearchId, compiler: SQLCompiler, **kw: Any) -> str:
    return "article_search.article_id"


class _Matches(ColumnElement[bool]):
    """``article_search`` matches the query: FTS5 MATCH or tsvector @@, per dialect."""

    # Not Boolean: SQLite (no native boolean) would get "MATCH ? = 1", which FTS5 refuses.
    type = NullType()  # type: ignore[assignment]
    # The query is part of the element, not a cache key: never reuse a compiled form.
    inherit_cache = False

    def __init__(self, terms: list[Term]) -> None:
        self.terms = terms


@compiles(_Matches, "sqlite")
def _matches_sqlite(element: _Matches, compiler: SQLCompiler, **kw: Any) -> str:
    bind: BindParameter[str] = BindParameter("search_query", fts5_query(element.terms), unique=True)
    return "article_search MATCH " + compiler.process(bind, **kw)


@compiles(_Matches, "postgresql")
def _matches_postgresql(element: _Matches, compiler: SQLCompiler, **kw: Any) -> str:
    bind: BindParameter[str] = BindParameter("search_query", tsquery(element.terms), unique=True)
    return "article_search.document @@ to_tsquery('simple', " + compiler.process(bind, **kw) + ")"


def matching_ids(query: str) -> Select[Any]:
    """Ids of the articles whose title or body matches ``query`` (none for an empty query).

    Use as ``Article.id.in_(matching_ids(q))``; the SQL is chosen when the statement runs.
    """
    terms = parse_query(query)
    if not terms:
        return select(_SearchId()).select_from(search_table).where(false())
    return _matching(terms)


def _matching(terms: list[Term]) -> Select[Any]:
    return select(_SearchId().label("id")).select_from(search_table).where(_Matches(terms))


#: Up to this many matches a search is "few": their ids go into the query as a list.
FEW_MATCHES = 5_000


@dataclass(frozen=True)
class Matches:
    """The articles that match a search, as SQL conditions planned for how many there are.

    A newest-first page can be found two ways: read every match and sort them, or walk the
    ``(sort_at, id)`` index from the newest article and test each one until the page is
    full. The first costs what the matches number, the second what the walk reads before
    the page fills: little for a common word, the whole table for a word that matches
    nothing. Left to itself, PostgreSQL's planner guesses the number from its statistics and
    may walk for a word it wrongly thinks common (26 s for a word with no match at 1M
    articles); SQLite always reads every match first (1.6 s for "said" at 750k).
    :func:`find_matches` counts the matches first, so the choice rests on a fact: ``ids``
    holds every match when there are at most :data:`FEW_MATCHES`, and is None when there
    are more.
    """

    terms: tuple[Term, ...]
    ids: tuple[int, ...] | None

    def for_page(self, article: Any) -> ColumnElement[bool]:
        """Condition on ``article`` (Article or an alias) for a newest-first page: the id list
        when the matches are few, else a lookup of the search index per article walked."""
        if self.ids is not None:
            return self._listed(article)
        probe = select(_SearchId()).select_from(search_table)
        return exists(probe.where(_Matches(list(self.terms)), _SearchId() == article.id))

    def for_count(self, article: Any) -> ColumnElement[bool]:
        """Condition on ``article`` for counting or any other use of every match: the id
        list when the matches are few, else the subquery of all matching ids."""
        if self.ids is not None:
            return self._listed(article)
        return article.id.in_(_matching(list(self.terms)))

    def _listed(self, article: Any) -> ColumnElement[bool]:
        """``article.id IN (1, 2, ...)`` with the ids written into the SQL: integers read
        from the database, and no limit on bound parameters (999 in older SQLite)."""
        if not self.ids:
            return false()
        ids: BindParameter[list[int]] = bindparam(
            "matching_ids", list(self.ids), expanding=True, literal_execute=True
        )
        return article.id.in_(ids)


def find_matches(session: Session, query: str) -> Matches:
    """The articles matching ``query`` (none for an empty query), counted up to
    :data:`FEW_MATCHES` to choose the SQL of :class:`Matches`.

    On PostgreSQL the count reads a MATERIALIZED common table expression, planned for all
    its rows: the GIN index answers, even when statistics would suggest scanning the table
    for the first few thousand matches of a word that matches nothing.
    """
    terms = parse_query(query)
    if not terms:
        return Matches((), ())
    found = _matching(terms).cte("matches").prefix_with("MATERIALIZED", dialect="postgresql")
    ids = session.scalars(select(found.c.id).limit(FEW_MATCHES + 1)).all()
    few = len(ids) <= FEW_MATCHES
    return Matches(tuple(terms), tuple(ids) if few else None)


def index_article(session: Session, article: Article) -> None:
    """(Re)index one article's title and body; call in the transaction that stores it."""
    _index(session, article.id, article.title, article.body)


def unindex_article(session: Session, article_id: int) -> None:
    """Remove an article from the index (PostgreSQL also does it by cascade on delete)."""
    statement = (
        "DELETE FROM article_search WHERE rowid = :id"
        if _dialect(session) == "sqlite"
        else "DELETE FROM article_search WHERE article_id = :id"
    )
    session.execute(text(statement), {"id": article_id})


def reindex_all(session: Session, batch: int = 500) -> int:
    """Rebuild the index of every article (after a change to folding); returns the count."""
    done = 0
    last = 0
    while True:
        rows = session.execute(
            select(Article.id, Article.title, Article.body)
            .where(Article.id > last)
            .order_by(Article.id)
            .limit(batch)
        ).all()
        if not rows:
            return done
        for article_id, title, body in rows:
            _index(session, article_id, title, body)
        done += len(rows)
        last = rows[-1][0]


def _index(session: Session, article_id: int, title: str | None, body: str | None) -> None:
    """One statement per article: FTS5 takes ``INSERT OR REPLACE`` on its rowid, PostgreSQL
    an upsert, so a new article and a changed one cost the same."""
    params = {
        "id": article_id,
        "title": fold(title or "")[:MAX_INDEXED_CHARS],
        "body": fold(body or "")[:MAX_INDEXED_CHARS],
    }
    statement = _SQLITE_INDEX if _dialect(session) == "sqlite" else _POSTGRES_INDEX
    session.connection().execute(statement, params)


_SQLITE_INDEX = text(
    "INSERT OR REPLACE INTO article_search (rowid, title, body) VALUES (:id, :title, :body)"
)
_POSTGRES_INDEX = text(
    "INSERT INTO article_search (article_id, document) VALUES (:id, "
    "setweight(to_tsvector('simple', :title), 'A') || "
    "setweight(to_tsvector('simple', :body), 'B')) "
    "ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document"
)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name
