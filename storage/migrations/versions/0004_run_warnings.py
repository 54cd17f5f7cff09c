"""warnings of a crawl run

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-01 23:40:00

``crawl_runs.warnings`` lists what a run left out on purpose, each named: a listing cut by a
size or entry limit (its URL, entries kept of those read, bytes read) or the source's article
budget spent. ``storage/health.py`` shows them as per-source warnings. Existing runs get an
empty list.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("warnings", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )


def downgrade() -> None:
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.drop_column("warnings")
