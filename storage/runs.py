"""Crawl runs: the history of every crawl of every source, and the HTTP validators of feeds."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.base import Base, utcnow

RUN_STATUSES = ("running", "finished", "failed", "interrupted")
MAX_RECORDED_ERRORS = 200
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
    message: Mapped[str | None] = mapped_column(Text)
    pid: Mapped[int | None]
    host: Mapped[str | None] = mapped_column(String(255))

    __table_args__ = (
        Index("ix_crawl_runs_source_started", "source_name", "started_at"),
        Index("ix_crawl_runs_status", "status"),
    )


class FeedState(Base):
    """What the last fetch of a feed or sitemap returned, for conditional requests."""

    __tablename__ = "feed_states"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    source_name: Mapped[str] = mapped_column(String(64), index=True)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    last_status: Mapped[int | None]
    checked_at: Mapped[datetime | None]
    changed_at: Mapped[datetime | None]
    entries: Mapped[int] = mapped_column(default=0)


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
    run.status = status
    run.message = message
    run.finished_at = utcnow()
    session.flush()
    return run


def runs_by_ids(session: Session, ids: list[int]) -> list[CrawlRun]:
    """The runs with these ids, ordered by source name."""
    from sqlalchemy import select

    query = select(CrawlRun).where(CrawlRun.id.in_(ids)).order_by(CrawlRun.source_name)
    return list(session.scalars(query))
