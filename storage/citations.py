"""Citations: "article A cites outlet X (at URL Y)", found in its text or markup.

Extraction finds them (:mod:`aggregator.stories.attribution`, pure); storage keeps them and
resolves them to stored articles: when the cited URL is stored, or the cited outlet is one of
our sources with an article in the same story window, ``cited_article_id`` is set. A cited
article that arrives later is resolved then (:func:`citing`), which lets a late original
become its story's origin.
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import (
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    bindparam,
    insert,
    select,
    union_all,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql.expression import ColumnElement, Select

from aggregator.stories.attribution import Cited
from storage.articles import Article
from storage.base import Base, utcnow

KINDS = ("sentence", "dateline", "link", "canonical", "og:url")
MAX_OUTLET = 200
MAX_URL = 2048
MAX_SENTENCE = 1000


class Citation(Base):
    """One attribution of an article to another outlet (and article, when known)."""

    __tablename__ = "citations"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    outlet: Mapped[str | None] = mapped_column(String(MAX_OUTLET))  # as written
    outlet_key: Mapped[str | None] = mapped_column(String(MAX_OUTLET))  # folded, for matching
    url: Mapped[str | None] = mapped_column(String(MAX_URL))
    kind: Mapped[str] = mapped_column(String(16))
    sentence: Mapped[str | None] = mapped_column(Text)
    cited_article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index("ix_citations_article", "article_id"),
        Index("ix_citations_url", "url"),
        Index("ix_citations_outlet_key", "outlet_key"),
    )


def add_citations(session: Session, article_id: int, found: list[Cited]) -> list[Citation]:
    """Store what extraction found for a new article (sizes bounded: the page is hostile)."""
    return insert_citations(session, new_citations(article_id, found))


def new_citations(article_id: int, found: list[Cited]) -> list[Citation]:
    """The rows of what extraction found, not yet stored (:func:`insert_citations`), so that
    the cited URLs can be resolved before they are written."""
    rows = []
    for cited in found[:20]:
        if cited.kind not in KINDS:
            raise ValueError(f"unknown citation kind {cited.kind!r} (expected one of {KINDS})")
        rows.append(
            Citation(
                article_id=article_id,
                outlet=(cited.outlet or None) and cited.outlet[:MAX_OUTLET],
                outlet_key=(cited.outlet_key or None) and cited.outlet_key[:MAX_OUTLET],
                url=cited.url if cited.url and len(cited.url) <= MAX_URL else None,
                kind=cited.kind,
                sentence=(cited.sentence or None) and cited.sentence[:MAX_SENTENCE],
                created_at=utcnow(),
            )
        )
    return rows


def insert_citations(session: Session, rows: list[Citation]) -> list[Citation]:
    """Write new citation rows in one statement. They stay outside the session (no id is
    read back): through the ORM's unit of work an article's few citations cost more than
    its whole candidate lookup, and a later resolution of them is a statement of its own
    (:func:`resolve_outlet`)."""
    if rows:
        values = [{name: getattr(row, name) for name in _WRITTEN} for row in rows]
        session.connection().execute(insert(_CITATIONS), values)
    return rows


def resolve_outlet(
    session: Session, rows: list[Citation], keys: set[str], cited_article_id: int
) -> None:
    """The new ``rows`` (of one article, not yet resolved) that name one of the outlet
    ``keys`` now cite ``cited_article_id``."""
    hits = [r for r in rows if r.cited_article_id is None and r.outlet_key in keys]
    for row in hits:
        row.cited_article_id = cited_article_id
    if hits:
        session.execute(
            update(_CITATIONS)
            .where(
                _CITATIONS.c.article_id == hits[0].article_id,
                _CITATIONS.c.outlet_key.in_(sorted({r.outlet_key for r in hits if r.outlet_key})),
                _CITATIONS.c.cited_article_id.is_(None),
            )
            .values(cited_article_id=cited_article_id)
        )


def citations_of(session: Session, article_id: int) -> list[Citation]:
    """An article's citations, in the order found."""
    return list(
        session.scalars(
            select(Citation).where(Citation.article_id == article_id).order_by(Citation.id)
        )
    )


def citing(
    session: Session, urls: list[str], outlet_keys: list[str], *, source_id: int | None = None
) -> list[Citation]:
    """Unresolved citations naming one of ``urls`` or one of the outlet keys (a new article's
    outlet), oldest first: the articles that credit a newly stored one. Those of articles of
    ``source_id`` (its own outlet) are left out: an outlet does not credit itself, and its
    own pages citing its name must not take the places of the newest five.

    Asked for every stored article, and almost always empty: the ids are probed with Core
    statements built once (after the flush the ORM query would do), and rows are loaded only
    when there are some.
    """
    session.flush()  # what the ORM's autoflush did: resolutions made in this batch count
    keys = [k for k in outlet_keys if k and len(k) >= 3]  # shorter keys name too many outlets
    if not urls and not keys:
        return []
    values = {"urls": urls, "keys": keys, "source": -1 if source_id is None else source_id}
    ids = set(session.connection().scalars(_CITING, values))
    if not ids:
        return []
    rows = session.scalars(select(Citation).where(Citation.id.in_(ids)))
    return sorted(rows, key=lambda row: row.id)


_CITATIONS = cast(Table, Citation.__table__)
# What insert_citations writes: every column but the id.
_WRITTEN = tuple(column.key for column in _CITATIONS.columns if column.key != "id")
_CITERS = cast(Table, Article.__table__)


def _open_citations_of_others(named: ColumnElement[bool]) -> Select[tuple[int]]:
    """Ids of unresolved citations matching ``named``, of articles of another source."""
    return (
        select(_CITATIONS.c.id)
        .join(_CITERS, _CITERS.c.id == _CITATIONS.c.article_id)
        .where(
            named,
            _CITATIONS.c.cited_article_id.is_(None),
            _CITERS.c.source_id != bindparam("source"),
        )
    )


_BY_URL = _open_citations_of_others(_CITATIONS.c.url.in_(bindparam("urls", expanding=True)))
_BY_OUTLET = (
    _open_citations_of_others(_CITATIONS.c.outlet_key.in_(bindparam("keys", expanding=True)))
    .order_by(_CITATIONS.c.id.desc())
    .limit(5)
    .subquery()
)
# Both in one statement (an empty list matches nothing): asked for every stored article.
_CITING = union_all(_BY_URL, select(_BY_OUTLET.c.id))
