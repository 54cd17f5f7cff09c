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

from sqlalchemy import ForeignKey, Index, String, Table, Text, bindparam, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from aggregator.stories.attribution import Cited
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
    rows = []
    for cited in found[:20]:
        if cited.kind not in KINDS:
            raise ValueError(f"unknown citation kind {cited.kind!r} (expected one of {KINDS})")
        row = Citation(
            article_id=article_id,
            outlet=(cited.outlet or None) and cited.outlet[:MAX_OUTLET],
            outlet_key=(cited.outlet_key or None) and cited.outlet_key[:MAX_OUTLET],
            url=cited.url if cited.url and len(cited.url) <= MAX_URL else None,
            kind=cited.kind,
            sentence=(cited.sentence or None) and cited.sentence[:MAX_SENTENCE],
            created_at=utcnow(),
        )
        session.add(row)
        rows.append(row)
    if rows:
        session.flush()
    return rows


def citations_of(session: Session, article_id: int) -> list[Citation]:
    """An article's citations, in the order found."""
    return list(
        session.scalars(
            select(Citation).where(Citation.article_id == article_id).order_by(Citation.id)
        )
    )


def citing(session: Session, urls: list[str], outlet_keys: list[str]) -> list[Citation]:
    """Unresolved citations naming one of ``urls`` or one of the outlet keys (a new article's
    outlet), oldest first: the articles that credit a newly stored one.

    Asked for every stored article, and almost always empty: the ids are probed with Core
    statements built once (after the flush the ORM query would do), and rows are loaded only
    when there are some.
    """
    session.flush()  # what the ORM's autoflush did: resolutions made in this batch count
    connection = session.connection()
    ids: set[int] = set()
    if urls:
        ids.update(connection.scalars(_BY_URL, {"urls": urls}))
    keys = [k for k in outlet_keys if k and len(k) >= 3]  # shorter keys name too many outlets
    if keys:
        ids.update(connection.scalars(_BY_OUTLET, {"keys": keys}))
    if not ids:
        return []
    rows = session.scalars(select(Citation).where(Citation.id.in_(ids)))
    return sorted(rows, key=lambda row: row.id)


_CITATIONS = cast(Table, Citation.__table__)
_BY_URL = select(_CITATIONS.c.id).where(
    _CITATIONS.c.url.in_(bindparam("urls", expanding=True)),
    _CITATIONS.c.cited_article_id.is_(None),
)
_BY_OUTLET = (
    select(_CITATIONS.c.id)
    .where(
        _CITATIONS.c.outlet_key.in_(bindparam("keys", expanding=True)),
        _CITATIONS.c.cited_article_id.is_(None),
    )
    .order_by(_CITATIONS.c.id.desc())
    .limit(5)
)
