"""watch terms: watches, their aliases, their hits

Revision ID: 0008_watches
Revises: 0007_revisits
Create Date: 2026-12-02 05:10:33

``watches`` are the names the desk follows (storage/watches.py), ``watch_aliases`` their
other spellings (proposed, accepted or rejected), ``watch_hits`` one row per article and
watch that matched. Nothing existing changes: downgrading drops the three tables.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.base

revision = "0008_watches"
down_revision = "0007_revisits"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "watches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(length=200), nullable=False),
        sa.Column("normalised", sa.String(length=200), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("backfilled_at", storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watches")),
        sa.UniqueConstraint("normalised", name=op.f("uq_watches_normalised")),
    )
    op.create_table(
        "watch_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("watch_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("normalised", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("created_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("backfilled_at", storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["watch_id"],
            ["watches.id"],
            name=op.f("fk_watch_aliases_watch_id_watches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watch_aliases")),
        sa.UniqueConstraint("watch_id", "normalised", name="uq_watch_aliases_spelling"),
    )
    op.create_table(
        "watch_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("watch_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("matched", sa.String(length=200), nullable=False),
        sa.Column("found", sa.String(length=200), nullable=False),
        sa.Column("created_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_watch_hits_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["watch_id"],
            ["watches.id"],
            name=op.f("fk_watch_hits_watch_id_watches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watch_hits")),
        sa.UniqueConstraint("watch_id", "article_id", name="uq_watch_hits_watch_article"),
    )
    with op.batch_alter_table("watch_hits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_watch_hits_article_id"), ["article_id"], unique=False)
        batch_op.create_index("ix_watch_hits_created", ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("watch_hits", schema=None) as batch_op:
        batch_op.drop_index("ix_watch_hits_created")
        batch_op.drop_index(batch_op.f("ix_watch_hits_article_id"))

    op.drop_table("watch_hits")
    op.drop_table("watch_aliases")
    op.drop_table("watches")
