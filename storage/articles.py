"""Articles, the URLs that lead to them, and their revision history; queries on them that
are not the editors' article list (that is :mod:`storage.article_query`) nor storing one
(:mod:`storage.ingest`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from storage.base import Base, utcnow
from storage.sources import SourceRow

STATUSES = ("new", "approved", "rejected", "published")
# Keeps each IN (...) list well under SQLite's bound-parameter limit.
BATCH = 500


class Article(Base):
    """One article, stored once under its canonical URL.

    The original text columns are what the outlet published and are never edited by editors;
    ``edited_title``/``edited_summary`` hold the republication copy.
    """

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    title: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text, default="")
    body_hash: Mapped[str] = mapped_column(String(64), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    authors: Mapped[list[str]] = mapped_column(default=list)
    language: Mapped[str | None] = mapped_column(String(8))
    language_declared: Mapped[str | None] = mapped_column(String(16))
    published_at: Mapped[datetime | None]
    published_offset: Mapped[str | None] = mapped_column(String(6))
    published_source: Mapped[str | None] = mapped_column(String(16))
    published_precision: Mapped[str | None] = mapped_column(String(8))
    modified_at: Mapped[datetime | None]
    modified_source: Mapped[str | None] = mapped_column(String(16))
    top_image: Mapped[str | None] = mapped_column(Text)
    site_name: Mapped[str | None] = mapped_column(Text)
    section: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(default=list)
    word_count: Mapped[int] = mapped_column(default=0)
    paywalled: Mapped[bool] = mapped_column(default=False)
    extraction: Mapped[dict[str, Any]] = mapped_column(default=dict)
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Newest-first order of the editors' article list: published time, else when we first saw it.
    sort_at: Mapped[datetime] = mapped_column(default=utcnow)
    revision: Mapped[int] = mapped_column(default=1)
    story_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="new")
    starred: Mapped[bool] = mapped_column(default=False)
    edited_title: Mapped[str | None] = mapped_column(Text)
    edited_summary: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    # Revisits (migration 0007): the page's validators for a conditional GET, when the next
    # revisit is due (NULL: none), how many were done, whether the schedule runs on only
    # because the article is approved, and when the outlet withdrew it (404/410).
    etag: Mapped[str | None] = mapped_column(String(256))
    last_modified: Mapped[str | None] = mapped_column(String(64))
    next_revisit_at: Mapped[datetime | None]
    revisits: Mapped[int] = mapped_column(default=0, server_default="0")
    revisit_extended: Mapped[bool] = mapped_column(default=False, server_default=false())
    withdrawn_at: Mapped[datetime | None]

    source = relationship("SourceRow", lazy="joined")
    urls = relationship("ArticleUrl", back_populates="article", cascade="all, delete-orphan")
    revisions = relationship(
        "ArticleRevision",
        back_populates="article",
        cascade="all, delete-orphan",
        order_by="ArticleRevision.number",
    )

    __table_args__ = (
        Index("ix_articles_sort", "sort_at", "id"),
        Index("ix_articles_status_sort", "status", "sort_at", "id"),
        Index("ix_articles_source_sort", "source_id", "sort_at", "id"),
        Index("ix_articles_language_sort", "language", "sort_at", "id"),
        # Added by migration 0002: "new articles in my language", the editors' usual view.
        Index("ix_articles_status_language_sort", "status", "language", "sort_at", "id"),
        # Added by migration 0006: the feed counts stories, not articles, per filter value.
        Index("ix_articles_language_story", "language", "story_id"),
        Index("ix_articles_status_language_story", "status", "language", "story_id"),
        # Added by migration 0007: the due revisits of a source are one index range.
        Index("ix_articles_revisit_due", "source_id", "next_revisit_at"),
    )


class ArticleUrl(Base):
    """Every URL known to lead to an article: its canonical URL, aliases, AMP and copies.

    The crawler checks this table before it schedules a request, so nothing stored is
    downloaded twice, whatever variant of its address a feed gives.
    """

    __tablename__ = "article_urls"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"))
    # canonical | alias | duplicate (same body found under another URL or outlet)
    kind: Mapped[str] = mapped_column(String(16), default="canonical")
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    article = relationship("Article", back_populates="urls")


class ArticleRevision(Base):
    """An earlier state of an article that its outlet later changed (or withdrew): number N
    keeps revision N's title and body, and ``diff`` how revision N+1 differs from it."""

    __tablename__ = "article_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    number: Mapped[int]
    title: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    body_hash: Mapped[str] = mapped_column(String(64))
    changed: Mapped[list[str]] = mapped_column(default=list)
    captured_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Migration 0007: edit | correction | withdrawn; the word-level diff from this state to the
    # next ({"title": [[op, text], ...], "body": [...]}, op "=", "+" or "-"); the correction
    # notice found in the new text, if any.
    kind: Mapped[str] = mapped_column(String(12), default="edit", server_default="edit")
    diff: Mapped[dict[str, Any] | None]
    notice: Mapped[str | None] = mapped_column(Text)

    article = relationship("Article", back_populates="revisions")

    __table_args__ = (
        UniqueConstraint("article_id", "number"),
        Index("ix_article_revisions_captured", "captured_at"),
    )


def latest_articles(
    session: Session,
    *,
    limit: int | None = None,
    source_name: str | None = None,
    language: str | None = None,
) -> list[Article]:
    """The newest stored articles first, optionally of one source or language only."""
    query = select(Article).order_by(Article.sort_at.desc(), Article.id.desc()).limit(limit)
    if source_name:
        query = query.join(SourceRow).where(SourceRow.name == source_name)
    if language:
        query = query.where(Article.language == language)
    return list(session.scalars(query))


def known_urls(session: Session, urls: Iterable[str]) -> set[str]:
    """The subset of ``urls`` already recorded in ``article_urls`` (exact match)."""
    wanted = list(dict.fromkeys(u for u in urls if u))
    found: set[str] = set()
    for start in range(0, len(wanted), BATCH):
        batch = wanted[start : start + BATCH]
        found.update(session.scalars(select(ArticleUrl.url).where(ArticleUrl.url.in_(batch))))
    return found


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
