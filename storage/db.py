"""Engines, sessions and schema migrations, identical on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from aggregator.errors import SchemaOutOfDate, StorageError

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported by the functions that migrate or read revisions (~0.2 s): a process
# that only reads and writes rows (a crawl once its schema is checked, a web request)
# never loads it.

# ``Session`` (imported above) and ``DatabaseError`` are for callers: they type their
# sessions and catch database failures without importing SQLAlchemy, which only storage/ does.
DatabaseError = SQLAlchemyError

MIGRATIONS = Path(__file__).with_name("migrations")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the review page read while a crawl writes; busy_timeout turns brief lock
    # contention into a wait instead of an error; SQLite enforces foreign keys only when asked.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=10000")  # first: the next pragma may wait for a lock
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# SQLite errors that mean the file itself is unusable, whatever the query -> what is wrong.
_UNUSABLE_SQLITE = {
    "file is not a database": "is not a valid SQLite file",
    "database disk image is malformed": "is corrupted",
    "unable to open database file": "cannot be opened (check the file and folder permissions)",
    "disk i/o error": "cannot be read",
}


def _refuse_unusable_file(path: str, context: ExceptionContext) -> None:
    """Turn "file is not a database" and its kin into one StorageError naming the file.

    Raised here, on the engine, so every command and every query says the same thing instead
    of a traceback from wherever the file was first touched.
    """
    error = context.original_exception
    if not isinstance(error, sqlite3.DatabaseError):
        return
    reason = str(error)
    problem = _UNUSABLE_SQLITE.get(reason.lower())
    if problem is None:
        return
    raise StorageError(
        f"database {path} {problem} ({reason}): restore it from a backup or point "
        "--database-url elsewhere"
    )


@cache
def get_engine(url: str) -> Engine:
    """One engine per database URL per process."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StorageError(
            f"invalid database URL {url!r} (expected e.g. sqlite:///aggregator.db)"
        ) from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        in_memory = parsed.database in (None, "", ":memory:")
        path = ":memory:" if in_memory else str(Path(str(parsed.database)).expanduser().resolve())
        event.listen(engine, "handle_error", partial(_refuse_unusable_file, path))
    else:
        engine = create_engine(url, pool_pre_ping=True)
    return engine


def checkpoint(url: str) -> None:
    """Move a SQLite database's write-ahead log into the file itself, so a copy of the file
    alone holds everything (a process that keeps running, like ``demo --keep-serving``,
    would otherwise leave recent writes in ``-wal``). Other databases need nothing."""
    engine = get_engine(url)
    if engine.dialect.name != "sqlite":
        return
    engine.dispose()  # pooled connections would keep readers on the log
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


def session_factory(url: str) -> sessionmaker[Session]:
    """A session maker bound to the database at ``url``."""
    return sessionmaker(get_engine(url), expire_on_commit=False)


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    session = session_factory(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(url: str) -> Config:
    """Alembic configuration built in code, so no alembic.ini has to sit in the working dir."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


# pg_advisory_xact_lock key of schema migrations (any constant shared by every process).
_MIGRATION_LOCK = 0x61676772  # "aggr"


@contextmanager
def _migration_lock(url: str) -> Iterator[None]:
    """One process migrates a database at a time; the others wait, then find it current.

    Workers starting together on a fresh database would otherwise all create the tables and
    all but one fail. SQLite (one machine) takes a file lock beside the database; PostgreSQL
    an advisory lock, taken in :func:`upgrade`'s transaction.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        yield
        return
    from filelock import FileLock

    path = Path(str(parsed.database)).expanduser()
    with FileLock(str(path) + ".migrate-lock", timeout=300):
        yield


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the schema at ``url`` up to ``revision`` (creating it on an empty database).

    Safe when several processes do it at once (see :func:`_migration_lock`).
    """
    with _migration_lock(url):
        _upgrade(url, revision)


def _upgrade(url: str, revision: str) -> None:
    """:func:`upgrade`, for a caller that holds the migration lock."""
    from alembic import command

    try:
        with get_engine(url).connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                # A batch migration rebuilds a table on SQLite (copy, drop, rename): with
                # foreign keys on, the drop would delete every row that cascades from it
                # (memberships, URLs, revisions). The pragma is ignored inside a transaction.
                connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
                connection.commit()
            try:
                with connection.begin():
                    if connection.dialect.name == "postgresql":
                        connection.execute(
                            text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK}
                        )
                    config = alembic_config(url)
                    config.attributes["connection"] = connection
                    command.upgrade(config, revision)
            finally:
                if sqlite:
                    connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                    connection.commit()
    except OperationalError as exc:
        raise StorageError(f"cannot migrate the database {safe_url(url)}: {exc.orig}") from None


@cache
def head_revision() -> str | None:
    """The newest migration the code knows (read once per process: the code does not change)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(url: str) -> str | None:
    """The migration the database at ``url`` is at (None when it is empty)."""
    from alembic.runtime.migration import MigrationContext

    with get_engine(url).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


# Databases this process found (or made) current: ``aggregator crawl`` checks the schema for
# the command, then again when it prepares the crawl; the second check is free.
_CURRENT: set[str] = set()


def ensure_schema(url: str, *, upgrade_if_needed: bool = True) -> None:
    """Make sure the schema is current: upgrade it, or raise SchemaOutOfDate.

    Checked once per database per process: a schema can only move forward under a running
    process (``aggregator db upgrade``, another process's check), never behind its code.
    """
    if url in _CURRENT:
        return
    if not _looks_current(url):
        # Behind, or busy: another process may be migrating it right now. Look again once it
        # is done (the lock), so workers starting together on a new database all succeed.
        with _migration_lock(url):
            if current_revision(url) != head_revision():
                if not upgrade_if_needed:
                    raise SchemaOutOfDate(
                        f"the database {safe_url(url)} is not at the current schema; "
                        "run `aggregator db upgrade`"
                    )
                _upgrade(url, "head")
    _CURRENT.add(url)


def _looks_current(url: str) -> bool:
    """Whether the schema is at head, at a glance; False when the database is busy."""
    try:
        return current_revision(url) == head_revision()
    except OperationalError as exc:
        if "locked" not in str(exc.orig):
            raise
        return False


def safe_url(url: str) -> str:
    """The URL with any password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url
