"""Editorial actions: each applied and recorded; the original text never changes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from aggregator.errors import StorageError
from storage.articles import Article
from storage.db import session_scope
from storage.editorial import Editor, EditorialAction, apply_action
from storage.sources import SourceRow

EDITOR = Editor(None, "amira")


@pytest.fixture
def article_id(database_url: str) -> int:
    with session_scope(database_url) as session:
        source = SourceRow(
            name="s", homepage="https://s.example/", languages=["fr"], timezone="UTC", config={}
        )
        article = Article(
            source=source,
            url="https://s.example/1",
            title="Titre original",
            description="Résumé original",
            body="Texte",
            body_hash="h",
        )
        session.add(article)
        session.flush()
        return article.id


def test_edit_fills_the_republication_copy_only(database_url: str, article_id: int) -> None:
    with session_scope(database_url) as session:
        apply_action(
            session, article_id, EDITOR, "edit", title="  New title ", summary="Résumé original"
        )
    with session_scope(database_url) as session:
        article = session.get(Article, article_id)
        assert article is not None
        assert (article.title, article.edited_title) == ("Titre original", "New title")
        # Saving the original summary unchanged is no edit.
        assert article.edited_summary is None
        action = session.scalar(select(EditorialAction))
        assert action is not None
        assert (action.action, action.username) == ("edit", "amira")
        assert action.detail == {"title": {"from": None, "to": "New title"}}
        assert action.created_at is not None
        apply_action(session, article_id, EDITOR, "edit", title="", summary="")
        assert article.edited_title is None


def test_status_moves(database_url: str, article_id: int) -> None:
    with session_scope(database_url) as session:
        for action, status in [
            ("approve", "approved"),
            ("publish", "published"),
            ("reject", "rejected"),
            ("reset", "new"),
        ]:
            assert apply_action(session, article_id, EDITOR, action).status == status
        details = [
            a.detail for a in session.scalars(select(EditorialAction).order_by(EditorialAction.id))
        ]
    assert details[0] == {"from": "new", "to": "approved"}
    assert details[-1] == {"from": "rejected", "to": "new"}


def test_refusals(database_url: str, article_id: int) -> None:
    with session_scope(database_url) as session:
        with pytest.raises(StorageError, match="unknown editorial action 'delete'"):
            apply_action(session, article_id, EDITOR, "delete")
        with pytest.raises(StorageError, match="no article with id 999"):
            apply_action(session, 999, EDITOR, "approve")
        with pytest.raises(StorageError, match="the note is 5001 characters long"):
            apply_action(session, article_id, EDITOR, "note", note="n" * 5001)
