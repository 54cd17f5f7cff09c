"""autovacuum of the story candidate index keeps up with inserts (PostgreSQL)

Revision ID: 0010_story_index_vacuum
Revises: 0009_roles
Create Date: 2026-12-03 13:00:00

A story lookup reads only the last weeks of ``story_features`` and ``story_profiles``: the
rows inserted most recently. Its index scans are index-only only on pages the visibility map
marks all-visible, which only VACUUM does; by default an insert-only table is vacuumed after
inserts of 20% of its size (200,000 rows at 1M articles, four million postings), so the pages
a lookup reads are the ones never marked, and every index entry costs a heap visit. Measured
at 1M indexed articles (bench/stories.py): 200 ms a lookup with the pages unmarked, 10 ms
marked. Here these two tables are vacuumed after every 10,000 inserts instead, whatever their
size. SQLite has no visibility map: nothing to do there.
"""

from __future__ import annotations

from alembic import op

revision = "0010_story_index_vacuum"
down_revision = "0009_roles"
branch_labels = None
depends_on = None

TABLES = ("story_features", "story_profiles")
SETTINGS = {
    "autovacuum_vacuum_insert_threshold": "10000",
    "autovacuum_vacuum_insert_scale_factor": "0",
    "autovacuum_analyze_threshold": "10000",
    "autovacuum_analyze_scale_factor": "0",
}
MIN_SERVER = 130000  # the insert-driven autovacuum settings came with PostgreSQL 13


def _applies() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    return int(bind.exec_driver_sql("SHOW server_version_num").scalar() or 0) >= MIN_SERVER


def upgrade() -> None:
    if not _applies():
        return
    settings = ", ".join(f"{name} = {value}" for name, value in SETTINGS.items())
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} SET ({settings})")


def downgrade() -> None:
    if not _applies():
        return
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} RESET ({', '.join(SETTINGS)})")
