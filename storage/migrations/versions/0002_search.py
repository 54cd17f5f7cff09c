"""full-text search index and feed indexes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 11:00:00

``article_search`` holds the folded title and body of every article (see storage/search.py):
on SQLite an FTS5 table whose rowid is the article id, on PostgreSQL a tsvector per article
with a GIN index. Existing articles are indexed here, so upgrading a filled database keeps
search complete. Also adds the index the feed uses to filter by language *and* status.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # unicode61 with remove_diacritics also folds accents the Python folding missed.
        op.execute(
            "CREATE VIRTUAL TABLE article_search USING fts5("
            "title, body, tokenize = 'unicode61 remove_diacritics 2')"
        )
    else:
        op.create_table(
            "article_search",
            sa.Column("article_id", sa.Integer(), nullable=False),
            sa.Column("document", sa.dialects.postgresql.TSVECTOR(), nullable=False),
            sa.ForeignKeyConstraint(
                ["article_id"],
                ["articles.id"],
                name=op.f("fk_article_search_article_id_articles"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("article_id", name=op.f("pk_article_search")),
        )
        op.create_index(
            "ix_article_search_document",
            "article_search",
            ["document"],
            postgresql_using="gin",
        )
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.create_index(
            "ix_articles_status_language_sort",
            ["status", "language", "sort_at", "id"],
            unique=False,
        )
    _index_existing(bind)


def downgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index("ix_articles_status_language_sort")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_index("ix_article_search_document", table_name="article_search")
    op.drop_table("article_search")


def _index_existing(bind: sa.Connection) -> None:
    from storage.search import reindex_all

    reindex_all(Session(bind=bind))
