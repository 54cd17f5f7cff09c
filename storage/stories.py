"""Stories: the same news across URLs, outlets and (later) languages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, utcnow


class Story(Base):
    """A group of articles that tell the same story; the earliest copy is its origin."""

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(primary_key=True)
    origin_article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", use_alter=True, ondelete="SET NULL")
    )
    title: Mapped[str | None] = mapped_column(Text)
    article_count: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class LshBucket(Base):
    """One band of an article's MinHash signature: the database-backed LSH index.

    Living in the database (not in a crawler's memory) lets several crawler machines share
    one near-duplicate index.
    """

    __tablename__ = "lsh_buckets"

    band: Mapped[int] = mapped_column(Integer, primary_key=True)
    bucket: Mapped[bytes] = mapped_column(LargeBinary(16), primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )

    __table_args__ = (Index("ix_lsh_buckets_article", "article_id"),)
