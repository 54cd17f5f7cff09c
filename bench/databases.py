"""The benchmarks' databases: fresh ones outside the repository, and their sources.

SQLite files live in /tmp/aggregator-bench; PostgreSQL databases are named
``aggregator_bench_<name>`` on the server of ``AGGREGATOR_TEST_PG`` (127.0.0.1 by default).
They are large and never belong in the repository.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from storage.db import get_engine
from storage.sources import sync_source

PG_ADMIN = os.environ.get("AGGREGATOR_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BENCH_DIR = Path("/tmp/aggregator-bench")


def database_url(kind: str, name: str) -> str:
    """Where the benchmark database ``name`` lives (``kind``: sqlite or postgres)."""
    if kind == "sqlite":
        return f"sqlite:///{BENCH_DIR / name}.db"
    return PG_ADMIN.rsplit("/", 1)[0] + f"/aggregator_bench_{name}"


def fresh_database(kind: str, name: str) -> str:
    """An empty database (not migrated) in place of any earlier one of that name."""
    drop_database(kind, name)
    if kind == "sqlite":
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
    else:
        _admin(f'CREATE DATABASE "aggregator_bench_{name}"')
    return database_url(kind, name)


def drop_database(kind: str, name: str) -> None:
    """Remove a benchmark database and its SQLite journal files."""
    if kind == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{BENCH_DIR / name}.db{suffix}").unlink(missing_ok=True)
        return
    get_engine(database_url(kind, name)).dispose()
    _admin(f'DROP DATABASE IF EXISTS "aggregator_bench_{name}" WITH (FORCE)')


def make_sources(url: str, count: int = 50) -> list[int]:
    """``count`` English sources ``outlet0`` ... ; their ids."""
    with Session(get_engine(url)) as session:
        ids = [
            sync_source(
                session,
                f"outlet{i}",
                label=None,
                homepage=f"https://outlet{i}.example/",
                languages=["en"],
                timezone="UTC",
                enabled=True,
                schedule=None,
                config={},
            ).id
            for i in range(count)
        ]
        session.commit()
    return ids


def _admin(statement: str) -> None:
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(statement))
    admin.dispose()
