"""revisits, revisions with diffs, withdrawals, alert deliveries

Revision ID: 0007_revisits
Revises: 0006_stories
Create Date: 2026-12-02 05:30:00

``articles`` gains the validators of the page (``etag``, ``last_modified``) for conditional
revisits, when the next revisit is due (``next_revisit_at``, indexed per source with the due
time so the pick is an index range), how many were done (``revisits``), whether the schedule
is in its approved-only extension (``revisit_extended``) and when the outlet withdrew it
(``withdrawn_at``). ``article_revisions`` gains the revision's ``kind`` (edit, correction,
withdrawn), its word-level ``diff`` and the correction ``notice`` found. ``alert_deliveries``
keeps the webhook delivery state of every alert (storage/alert_deliveries.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_revisits"
down_revision = "0006_stories"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("etag", sa.String(length=256), nullable=True))
        batch_op.add_column(sa.Column("last_modified", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("next_revisit_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("revisits", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("revisit_extended", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            "ix_articles_revisit_due", ["source_id", "next_revisit_at"], unique=False
        )
    with op.batch_alter_table("article_revisions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=12), nullable=False, server_default="edit")
        )
        batch_op.add_column(sa.Column("diff", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("notice", sa.Text(), nullable=True))
        batch_op.create_index("ix_article_revisions_captured", ["captured_at"], unique=False)
    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alerts.id"],
            name=op.f("fk_alert_deliveries_alert_id_alerts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_deliveries")),
        sa.UniqueConstraint("alert_id", "target", name=op.f("uq_alert_deliveries_alert_id")),
    )
    with op.batch_alter_table("alert_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_alert_deliveries_due", ["target", "status", "next_attempt_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("alert_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_deliveries_due")
    op.drop_table("alert_deliveries")
    with op.batch_alter_table("article_revisions", schema=None) as batch_op:
        batch_op.drop_index("ix_article_revisions_captured")
        batch_op.drop_column("notice")
        batch_op.drop_column("diff")
        batch_op.drop_column("kind")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index("ix_articles_revisit_due")
        batch_op.drop_column("withdrawn_at")
        batch_op.drop_column("revisit_extended")
        batch_op.drop_column("revisits")
        batch_op.drop_column("next_revisit_at")
        batch_op.drop_column("last_modified")
        batch_op.drop_column("etag")
