"""The ``sources`` table: one row per outlet, kept in step with the sources file."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import String, Text, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.base import Base, utcnow

if TYPE_CHECKING:
    from aggregator.config.sources import Source


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
    """Insert or update the row for ``name`` from its sources-file entry; return it.

    Two workers may insert the same new source at once (a fresh database): the loser's
    insert fails on ``uq_sources_name`` inside a savepoint, and it updates the winner's row.
    """
    row = session.scalar(select(SourceRow).where(SourceRow.name == name))
    if row is None:
        row = _insert_or_find(session, name, homepage)
    row.label = label
    row.homepage = homepage
    row.languages = languages
    row.timezone = timezone
    row.enabled = enabled
    row.schedule = schedule
    row.config = config
    session.flush()
    return row


def _insert_or_find(session: Session, name: str, homepage: str) -> SourceRow:
    """Insert a row for ``name``; when a concurrent insert won, the row it wrote."""
    try:
        with session.begin_nested():
            row = SourceRow(name=name, homepage=homepage, languages=[], timezone="UTC", config={})
            session.add(row)
            session.flush()
        return row
    except IntegrityError:
        found = session.scalar(select(SourceRow).where(SourceRow.name == name))
        if found is None:
            raise
        return found


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


def sync_sources(session: Session, sources: Iterable[Source]) -> dict[str, int]:
    """Insert or update the rows of these sources-file entries; return name → row id."""
    ids: dict[str, int] = {}
    for source in sources:
        row = sync_source(
            session,
            source.name,
            label=source.label,
            homepage=str(source.homepage),
            languages=list(source.languages),
            timezone=source.timezone,
            enabled=source.enabled,
            schedule=source.schedule.describe() if source.schedule else None,
            config=source.model_dump(mode="json"),
        )
        ids[source.name] = row.id
    return ids


def source_id_or_create(session: Session, name: str, *, homepage: str, language: str | None) -> int:
    """The row id of ``name``, creating a minimal row for a source the crawl was not given.

    Such a source (e.g. a test crawl's) keeps its articles; the next sync with the sources
    file fills in the rest.
    """
    row_id = source_id(session, name)
    if row_id is not None:
        return row_id
    row = sync_source(
        session,
        name,
        label=None,
        homepage=homepage,
        languages=[language] if language else [],
        timezone="UTC",
        enabled=True,
        schedule=None,
        config={},
    )
    return row.id
