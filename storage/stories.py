"""Stories: the same news across URLs, outlets and (later) languages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.articles import Article
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


def join_story(session: Session, article: Article, match: Article) -> Story:
    """Put ``article`` in ``match``'s story (created when ``match`` had none).

    The origin is the earliest copy by publication time (first-seen time when a copy has no
    date), so a wire story crawled after its syndicated copies still becomes the origin.
    """
    now = utcnow()
    story = session.get(Story, match.story_id) if match.story_id else None
    if story is None:
        origin = earliest(match, article)
        story = Story(
            origin_article_id=origin.id,
            title=origin.title,
            article_count=1,
            created_at=now,
            updated_at=now,
        )
        session.add(story)
        session.flush()
        match.story_id = story.id
    article.story_id = story.id
    story.article_count = (story.article_count or 1) + 1
    story.updated_at = now
    origin_row = session.get(Article, story.origin_article_id) if story.origin_article_id else None
    if origin_row is None or earliest(origin_row, article) is article:
        story.origin_article_id = article.id
        story.title = article.title
    return story


def earliest(a: Article, b: Article) -> Article:
    """The copy that came first: by publication time, else first-seen time, else id."""
    return min((a, b), key=_appearance)


def _appearance(article: Article) -> tuple[datetime, int]:
    when = article.published_at or article.first_seen_at or utcnow()
    return when, article.id or 0
