"""The ``sources`` table: one row per outlet, kept in step with the sources file."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, Text, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.base import Base, utcnow


class SourceRow(Base):
    """An outlet as last seen in the sources file; articles and runs point at it."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(200))
    homepage: Mapped[str] = mapped_column(Text)
    languages: Mapped[list[str]]
    timezone: Mapped[str] = mapped_column(String(64))
    enabled: Mapped[bool] = mapped_column(default=True)
    schedule: Mapped[str | None] = mapped_column(String(100))
    config: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def sync_source(
    session: Session,
    name: str,
    *,
    label: str | None,
    homepage: str,
    languages: list[str],
    timezone: str,
    enabled: bool,
    schedule: str | None,
    config: dict[str, Any],
) -> SourceRow:
    """Insert or update the row for ``name`` from its sources-file entry; return it."""
    row = session.scalar(select(SourceRow).where(SourceRow.name == name))
    if row is None:
        row = SourceRow(name=name)
        session.add(row)
    row.label = label
    row.homepage = homepage
    row.languages = languages
    row.timezone = timezone
    row.enabled = enabled
    row.schedule = schedule
    row.config = config
    session.flush()
    return row


def source_ids(session: Session) -> dict[str, int]:
    """Map of source name to row id."""
    return {name: id_ for id_, name in session.execute(select(SourceRow.id, SourceRow.name))}


def source_id(session: Session, name: str) -> int | None:
    """The row id of the named source (None when it has no row)."""
    return session.scalar(select(SourceRow.id).where(SourceRow.name == name))


def all_sources(session: Session) -> list[SourceRow]:
    """Every source row, by name."""
    return list(session.scalars(select(SourceRow).order_by(SourceRow.name)))


def source_labels(session: Session) -> list[tuple[str, str]]:
    """Every source as (name, label), for the filter menu."""
    stmt = select(SourceRow.name, func.coalesce(SourceRow.label, SourceRow.name)).order_by(
        SourceRow.name
    )
    return [(name, str(label)) for name, label in session.execute(stmt)]
