"""Crawl runs: the history of every crawl of every source, and every query on it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, func, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.base import Base, utcnow
from storage.sources import source_id

RUN_STATUSES = ("running", "finished", "failed", "interrupted")
MAX_RECORDED_ERRORS = 200
MAX_RECORDED_WARNINGS = 50
MESSAGE_LIMIT = 2000
# The figures a crawl counts per source; each is a column of CrawlRun.
RUN_COUNTERS = (
    "found",
    "fetched",
    "stored",
    "updated",
    "duplicates",
    "skipped",
    "failed",
    "not_modified",
)


class CrawlRun(Base):
    """One crawl of one source: when, how it ended, what it found, what went wrong."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"))
    source_name: Mapped[str] = mapped_column(String(64))
    trigger: Mapped[str] = mapped_column(String(16), default="manual")
    status: Mapped[str] = mapped_column(String(16), default="running")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    found: Mapped[int] = mapped_column(default=0)
    fetched: Mapped[int] = mapped_column(default=0)
    stored: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    duplicates: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    not_modified: Mapped[int] = mapped_column(default=0)
    # Bounded list of {"url", "reason", "detail"}; reasons are counted in failure_reasons.
    errors: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    failure_reasons: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # What a run left out on purpose, named: {"kind", "listing", "kept", "total", "message"}
    # for a listing cut by a limit or the article budget spent (see storage/health.py).
    warnings: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    # What extraction found on the run's pages (see storage/quality.py); None before 0005.
    quality: Mapped[dict[str, Any] | None]
    message: Mapped[str | None] = mapped_column(Text)
    pid: Mapped[int | None]
    host: Mapped[str | None] = mapped_column(String(255))

    __table_args__ = (
        Index("ix_crawl_runs_source_started", "source_name", "started_at"),
        Index("ix_crawl_runs_status", "status"),
    )


def start_run(
    session: Session,
    *,
    source_name: str,
    source_id: int | None,
    trigger: str,
    pid: int | None = None,
    host: str | None = None,
) -> CrawlRun:
    """Open a run record in state ``running`` (committed by the caller)."""
    run = CrawlRun(
        source_name=source_name,
        source_id=source_id,
        trigger=trigger,
        status="running",
        pid=pid,
        host=host,
    )
    session.add(run)
    session.flush()
    return run


def finish_run(
    session: Session,
    run_id: int,
    *,
    status: str,
    figures: dict[str, Any],
    message: str | None = None,
) -> CrawlRun:
    """Close a run with its final status and the figures the crawl counted."""
    if status not in RUN_STATUSES:
        raise ValueError(f"unknown run status {status!r}")
    run = session.get(CrawlRun, run_id)
    if run is None:
        raise LookupError(f"crawl run {run_id} does not exist")
    for counter in RUN_COUNTERS:
        setattr(run, counter, int(figures.get(counter, 0)))
    run.errors = list(figures.get("errors", []))[:MAX_RECORDED_ERRORS]
    run.failure_reasons = dict(figures.get("reasons", {}))
    run.warnings = list(figures.get("warnings", []))[:MAX_RECORDED_WARNINGS]
    run.quality = dict(figures["quality"]) if figures.get("quality") else None
    run.status = status
    run.message = message
    run.finished_at = utcnow()
    session.flush()
    return run


def record_closed_run(
    session: Session,
    *,
    source_name: str,
    trigger: str,
    status: str,
    started_at: datetime,
    message: str,
    pid: int | None,
    host: str | None,
) -> CrawlRun:
    """Write a run that is already over: one whose crawl exited before recording it."""
    run = CrawlRun(
        source_id=source_id(session, source_name),
        source_name=source_name,
        trigger=trigger,
        status=status,
        started_at=started_at,
        finished_at=utcnow(),
        message=message[-MESSAGE_LIMIT:],
        pid=pid,
        host=host,
        errors=[],
        failure_reasons={},
    )
    session.add(run)
    return run


def end_run(run: CrawlRun, status: str, message: str) -> None:
    """Close a run someone else left open (its crawl died), adding why to its message."""
    run.status = status
    run.finished_at = utcnow()
    run.message = join_message(run.message, message)


def join_message(first: str | None, second: str) -> str:
    """``second`` after ``first``, kept within MESSAGE_LIMIT (the newest part is kept)."""
    text = f"{first}; {second}" if first else second
    return text[-MESSAGE_LIMIT:]


def runs_by_ids(session: Session, run_ids: Sequence[int]) -> list[CrawlRun]:
    """The runs with these ids, ordered by source name (as a crawl's summary shows them)."""
    query = select(CrawlRun).where(CrawlRun.id.in_(run_ids)).order_by(CrawlRun.source_name)
    return list(session.scalars(query))


def runs_since(
    session: Session, source_name: str, since: datetime, *, pid: int | None = None
) -> list[CrawlRun]:
    """Runs of a source started at or after ``since``; with ``pid``, only that process's
    runs and those that recorded no pid."""
    query = select(CrawlRun).where(
        CrawlRun.source_name == source_name, CrawlRun.started_at >= since
    )
    if pid is not None:
        query = query.where(or_(CrawlRun.pid == pid, CrawlRun.pid.is_(None)))
    return list(session.scalars(query))


def running_runs(
    session: Session,
    *,
    host: str | None = None,
    source_name: str | None = None,
    since: datetime | None = None,
) -> list[CrawlRun]:
    """Runs still marked ``running``, optionally of one host, one source, started since."""
    query = select(CrawlRun).where(CrawlRun.status == "running")
    if host is not None:
        query = query.where(CrawlRun.host == host)
    if source_name is not None:
        query = query.where(CrawlRun.source_name == source_name)
    if since is not None:
        query = query.where(CrawlRun.started_at >= since)
    return list(session.scalars(query))


def running_source_names(session: Session, names: Sequence[str], since: datetime) -> set[str]:
    """Those of ``names`` with a run still marked running that started after ``since``."""
    if not names:
        return set()
    query = select(CrawlRun.source_name).where(
        CrawlRun.source_name.in_(names),
        CrawlRun.status == "running",
        CrawlRun.started_at >= since,
    )
    return set(session.scalars(query))


def last_starts(session: Session, names: Sequence[str]) -> dict[str, datetime]:
    """When the newest run of each named source started (sources never crawled are absent)."""
    if not names:
        return {}
    query = (
        select(CrawlRun.source_name, func.max(CrawlRun.started_at))
        .where(CrawlRun.source_name.in_(names))
        .group_by(CrawlRun.source_name)
    )
    rows = session.execute(query).all()
    # func.max bypasses the UTCDateTime type on SQLite; re-read through it.
    return {name: _aware(started) for name, started in rows if started is not None}


def recent_runs(session: Session, source_name: str, limit: int) -> list[CrawlRun]:
    """The newest ``limit`` runs of a source, newest first."""
    return list(
        session.scalars(
            select(CrawlRun)
            .where(CrawlRun.source_name == source_name)
            .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())
            .limit(limit)
        )
    )


def last_success_at(session: Session, source_name: str) -> datetime | None:
    """When the newest finished run of a source ended (None when none finished)."""
    return session.scalar(
        select(CrawlRun.finished_at)
        .where(CrawlRun.source_name == source_name, CrawlRun.status == "finished")
        .order_by(CrawlRun.finished_at.desc())
        .limit(1)
    )


def _aware(value: datetime | str) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
