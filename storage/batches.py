"""Write articles in batched transactions that survive a briefly locked or unreachable database.

A batch is one transaction: fast, and all-or-nothing. When the database is locked (SQLite) or
unreachable (PostgreSQL restarting, network blip) the whole batch is retried with exponential
back-off. When one article is at fault (bad data, a unique-key race with another crawler),
the batch is rolled back and its articles are written one transaction each, so one bad page
costs only itself. Every record ends with an outcome or an error message: nothing is dropped
without a reason the caller can report.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, DisconnectionError, IntegrityError, InterfaceError
from sqlalchemy.exc import OperationalError as SAOperationalError
from sqlalchemy.orm import Session

from storage.article_record import ArticleRecord
from storage.db import safe_url, session_factory
from storage.ingest import SaveOutcome, save_article

logger = logging.getLogger(__name__)
T = TypeVar("T")
# PostgreSQL SQLSTATEs worth retrying: serialization failure, deadlock, connection failures,
# the server shutting down or starting up.
RETRY_SQLSTATES = {
    "40001",
    "40P01",
    "08000",
    "08001",
    "08003",
    "08004",
    "08006",
    "57P01",
    "57P02",
    "57P03",
}
CONFLICT_RETRIES = 2


@dataclass(frozen=True)
class WriteResult:
    """The fate of one record: an outcome, or the error that stopped it."""

    record: ArticleRecord | None  # None when no record could even be built
    outcome: SaveOutcome | None = None
    error: str | None = None


def is_transient(exc: BaseException) -> bool:
    """Whether ``exc`` is the database being busy or away (worth waiting for)."""
    if isinstance(exc, DisconnectionError | InterfaceError):
        return True
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True
        code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
        if code in RETRY_SQLSTATES:
            return True
        if isinstance(exc, SAOperationalError):
            message = str(exc.orig).lower()
            return any(
                m in message
                for m in (
                    "locked",
                    "busy",
                    "could not connect",
                    "connection refused",
                    "server closed the connection",
                    "terminating connection",
                    "timeout",
                    "unable to open database",
                )
            )
    return False


class BatchWriter:
    """Writes records to the database at ``url``; one instance per writing thread."""

    def __init__(
        self,
        url: str,
        *,
        retries: int = 8,
        backoff: float = 0.5,
        backoff_max: float = 30.0,
        lock_timeout: float = 10.0,
        link_stories: bool = True,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.url = url
        self.link_stories = link_stories  # see save_article's ``link``
        self.retries = retries
        self.backoff = backoff
        self.backoff_max = backoff_max
        self.lock_timeout = lock_timeout
        self.sleep = sleep
        self.retried = 0  # transient failures waited out, for stats
        self._sessions = session_factory(url)

    def write(self, records: Sequence[ArticleRecord]) -> list[WriteResult]:
        """Store every record: as one transaction, else one transaction per record."""
        if not records:
            return []
        try:
            outcomes = self.run(lambda s: [self._save(s, r) for r in records])
        except Exception as exc:
            if is_transient(exc):  # retries exhausted: the database is down, not the data
                return [WriteResult(r, error=self._describe(exc)) for r in records]
            logger.info(
                "batch of %d rolled back (%s); writing one by one",
                len(records),
                self._describe(exc),
            )
            return [self._write_one(record) for record in records]
        return [WriteResult(r, o) for r, o in zip(records, outcomes, strict=True)]

    def run(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in one transaction, retrying it while the database is busy or away."""
        attempt = 0
        while True:
            try:
                return self._transaction(work)
            except Exception as exc:
                if not is_transient(exc) or attempt >= self.retries:
                    raise
                attempt += 1
                self.retried += 1
                delay = min(self.backoff_max, self.backoff * 2 ** (attempt - 1))
                logger.warning(
                    "database %s busy or unreachable (%s); retry %d/%d in %.1fs",
                    safe_url(self.url),
                    self._describe(exc),
                    attempt,
                    self.retries,
                    delay,
                )
                self.sleep(delay)

    def _write_one(self, record: ArticleRecord) -> WriteResult:
        conflicts = 0
        while True:
            try:
                return WriteResult(record, self.run(lambda s: self._save(s, record)))
            except IntegrityError as exc:
                # Another writer stored the same URL meanwhile: the next attempt sees it.
                conflicts += 1
                if conflicts > CONFLICT_RETRIES:
                    return WriteResult(record, error=self._describe(exc))
            except Exception as exc:
                logger.exception("could not save article %s", record.url)
                return WriteResult(record, error=self._describe(exc))

    def _save(self, session: Session, record: ArticleRecord) -> SaveOutcome:
        return save_article(session, record, link=self.link_stories)

    def _transaction(self, work: Callable[[Session], T]) -> T:
        session = self._sessions()
        try:
            if session.get_bind().dialect.name == "sqlite":
                # Wait this long for a lock before backing off (the engine default is 10 s).
                session.connection().exec_driver_sql(
                    f"PRAGMA busy_timeout = {int(self.lock_timeout * 1000)}"
                )
            result = work(session)
            session.commit()
            return result
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @staticmethod
    def _describe(exc: BaseException) -> str:
        orig = getattr(exc, "orig", None)
        text = str(orig if orig is not None else exc) or type(exc).__name__
        return " ".join(text.split())[:300]
