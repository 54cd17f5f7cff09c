"""Editors' moves on an article, each applied and recorded with who made it and when, and
the exports' query: the articles editors approved, most recently approved first.

The original columns (title, description, body) are never written here: an edit fills
``edited_title``/``edited_summary``, the copy used for republication.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, and_, func, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from aggregator.errors import StorageError
from storage.article_filter import (
    ArticleFilter,
    Cursor,
    bound_limit,
    filter_conditions,
    query_matches,
)
from storage.articles import Article
from storage.base import Base, utcnow

MAX_TITLE = 500
MAX_SUMMARY = 5000
MAX_NOTE = 5000

# action -> the status it sets (None: leaves the status alone)
STATUS_OF = {"approve": "approved", "reject": "rejected", "publish": "published", "reset": "new"}
# follow / keep: after the outlet changed an approved article, the republication copy follows
# the new text (the edited copy is cleared) or keeps the text as it was (copied into it).
ACTIONS = (*STATUS_OF, "star", "unstar", "note", "edit", "follow", "keep")
# What the exports (RSS/Atom/JSON Feed and the JSON API) may show.
EXPORTED = ("approved", "published")


class EditorialAction(Base):
    """One editor's move on an article (approve, reject, star, note, edit), kept forever."""

    __tablename__ = "editorial_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_editorial_actions_article", "article_id", "created_at"),)


@dataclass(frozen=True)
class Editor:
    """Who acts: the logged-in account (user_id None for the CLI or a removed account)."""

    user_id: int | None
    username: str


def _clean(text: str | None, limit: int, what: str) -> str | None:
    if text is None:
        return None
    text = text.replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise StorageError(f"{what} is {len(text)} characters long; the limit is {limit}")
    return text or None


def apply_action(
    session: Session,
    article_id: int,
    editor: Editor,
    action: str,
    *,
    title: str | None = None,
    summary: str | None = None,
    note: str | None = None,
) -> Article:
    """Apply ``action`` to the article and record it; raise StorageError when it cannot."""
    if action not in ACTIONS:
        raise StorageError(f"unknown editorial action {action!r} (expected one of {ACTIONS})")
    article = session.get(Article, article_id)
    if article is None:
        raise StorageError(f"no article with id {article_id}")
    detail: dict[str, Any] = {}
    if action in STATUS_OF:
        detail = {"from": article.status, "to": STATUS_OF[action]}
        article.status = STATUS_OF[action]
    elif action in ("star", "unstar"):
        article.starred = action == "star"
    elif action == "note":
        article.note = _clean(note, MAX_NOTE, "the note")
        detail = {"note": article.note}
    elif action == "follow":
        detail = _edit(article, None, None)
    elif action == "keep":
        detail = _keep(session, article)
    else:
        detail = _edit(article, title, summary)
    session.add(
        EditorialAction(
            article_id=article.id,
            user_id=editor.user_id,
            username=editor.username,
            action=action,
            detail=detail,
            created_at=utcnow(),
        )
    )
    session.flush()
    return article


def _edit(article: Article, title: str | None, summary: str | None) -> dict[str, Any]:
    """Set the republication copy; an empty field goes back to the original text."""
    new_title = _clean(title, MAX_TITLE, "the title")
    new_summary = _clean(summary, MAX_SUMMARY, "the summary")
    # Saving the original text unchanged is not an edit: keep the column empty.
    if new_title == (article.title or "").strip():
        new_title = None
    if new_summary == (article.description or "").strip():
        new_summary = None
    detail: dict[str, Any] = {}
    if new_title != article.edited_title:
        detail["title"] = {"from": article.edited_title, "to": new_title}
        article.edited_title = new_title
    if new_summary != article.edited_summary:
        detail["summary"] = {"from": article.edited_summary, "to": new_summary}
        article.edited_summary = new_summary
    return detail


def _keep(session: Session, article: Article) -> dict[str, Any]:
    """Freeze the republication copy on the text before the outlet's latest change."""
    from storage.articles import ArticleRevision

    previous = session.scalar(
        select(ArticleRevision)
        .where(ArticleRevision.article_id == article.id)
        .order_by(ArticleRevision.number.desc())
        .limit(1)
    )
    if previous is None:
        raise StorageError(f"article {article.id} has no earlier text to keep")
    title = article.edited_title or previous.title
    summary = article.edited_summary or _opening(previous.body)
    return _edit(article, title, summary)


def _opening(body: str | None, limit: int = 600) -> str:
    """The opening words of a body, as the exports' summary would take them."""
    text = " ".join((body or "").split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


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
    session: Session, f: ArticleFilter, *, before: Cursor | None = None, limit: int | None = None
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
