"""roles and time zones of accounts

Revision ID: 0009_roles
Revises: 0008_watches
Create Date: 2026-12-02 05:20:00

``users.role`` is what an account may do on the review page: ``admin`` (users, sources,
tokens, and everything an editor does), ``editor`` (acts on articles), ``viewer`` (reads).
Accounts made before roles could do everything an editor does today, so they become
editors, except the oldest account (the one that set the install up), which becomes admin:
every install keeps one admin and nobody gains rights they did not use.
``users.timezone`` is the zone an editor wants times shown in (NULL: the browser's).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_roles"
down_revision = "0008_watches"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("role", sa.String(length=16), nullable=False, server_default="editor")
        )
        batch_op.add_column(sa.Column("timezone", sa.String(length=64), nullable=True))
    op.execute("UPDATE users SET role = 'admin' WHERE id = (SELECT MIN(u.id) FROM users AS u)")


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("timezone")
        batch_op.drop_column("role")
