"""Alembic environment: runs migrations on the connection handed over by storage.db."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from storage.models import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    """Run online migrations on the given connection, or on one made from the URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as conn:
        _migrate(conn)


# Tables autogenerate must not touch: APScheduler's job store (it manages it itself) and the
# full-text index (FTS5 virtual table and its shadow tables, or PostgreSQL's search table),
# created by hand-written migrations because the ORM cannot describe them.
FOREIGN_TABLES = ("apscheduler_jobs", "article_search")


def _include(obj: object, name: str | None, type_: str, reflected: bool, other: object) -> bool:
    return not (type_ == "table" and (name or "").startswith(FOREIGN_TABLES))


def _migrate(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=_include,
        # SQLite cannot ALTER most things: batch mode rebuilds tables where needed.
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
