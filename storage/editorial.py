"""Editors' moves on an article, each applied and recorded with who made it and when.

The original columns (title, description, body) are never written here: an edit fills
``edited_title``/``edited_summary``, the copy used for republication.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from aggregator.errors import StorageError
from storage.articles import Article
from storage.base import utcnow
from storage.users import EditorialAction

MAX_TITLE = 500
MAX_SUMMARY = 5000
MAX_NOTE = 5000

# action -> the status it sets (None: leaves the status alone)
STATUS_OF = {"approve": "approved", "reject": "rejected", "publish": "published", "reset": "new"}
ACTIONS = (*STATUS_OF, "star", "unstar", "note", "edit")


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
