"""The scheduler's lease row (``scheduler_lock``) and the atomic statements that move it.

When to take, renew or give up the lease is the scheduler's policy (:mod:`scheduler.lock`);
here every change is one conditional statement checked by its row count, which is atomic on
SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.base import Base, utcnow


class SchedulerLock(Base):
    """A lease that lets only one ``aggregator schedule`` drive a database at a time."""

    __tablename__ = "scheduler_lock"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    holder: Mapped[str] = mapped_column(String(255))
    acquired_at: Mapped[datetime] = mapped_column(default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(default=utcnow)


def get_lock(session: Session, name: str) -> SchedulerLock | None:
    """The named lease row (None when nobody holds it)."""
    return session.get(SchedulerLock, name)


def lock_holder(session: Session, name: str) -> str | None:
    """Who holds the named lease (None when nobody does)."""
    return session.scalar(select(SchedulerLock.holder).where(SchedulerLock.name == name))


def create_lock(session: Session, name: str, holder: str, now: datetime) -> bool:
    """Take a lease nobody holds; False when another process created it first."""
    session.add(SchedulerLock(name=name, holder=holder, acquired_at=now, heartbeat_at=now))
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return False
    return True


def take_over_lock(
    session: Session,
    name: str,
    holder: str,
    *,
    from_holder: str,
    from_heartbeat: datetime,
    now: datetime,
) -> bool:
    """Take the lease from ``from_holder``, only if nobody else did since it was read
    (same holder, same heartbeat); True when taken."""
    stmt = (
        update(SchedulerLock)
        .where(
            SchedulerLock.name == name,
            SchedulerLock.holder == from_holder,
            SchedulerLock.heartbeat_at == from_heartbeat,
        )
        .values(holder=holder, acquired_at=now, heartbeat_at=now)
    )
    return session.connection().execute(stmt).rowcount == 1


def renew_lock(session: Session, name: str, holder: str, now: datetime) -> bool:
    """Move the heartbeat of a lease ``holder`` holds; False when it holds it no more."""
    stmt = (
        update(SchedulerLock)
        .where(SchedulerLock.name == name, SchedulerLock.holder == holder)
        .values(heartbeat_at=now)
    )
    return session.connection().execute(stmt).rowcount == 1


def release_lock(session: Session, name: str, holder: str) -> None:
    """Give up a lease ``holder`` holds (nothing happens when it holds it no more)."""
    session.execute(
        delete(SchedulerLock).where(SchedulerLock.name == name, SchedulerLock.holder == holder)
    )
