"""Alerts (the ``alerts`` table): things an operator or an editor should look at, one channel
for every kind.

A kind (``extraction_quality``; ``correction``, an approved or published article that changed;
``watch_hit``, one per watch and article, see storage/watches.py) raises an
alert with a *dedupe key* naming the situation, not the run that noticed it: the same ongoing
drop refreshes its one alert (message, details, ``updated_at``, ``occurrences``) instead of
adding one per run. Marking an alert seen keeps it seen while it is refreshed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, Text, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.base import MAX_ID, Base, utcnow

# correction: an approved or published article got a revision or was withdrawn (details:
# kind edit|correction|withdrawn, article_id, url, revision, changed, diff).
KINDS = ("extraction_quality", "correction", "watch_hit")
MAX_KEY = 255
MAX_MESSAGE = 2000


class Alert(Base):
    """One situation worth a look: what kind, which source, which field, since when."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    source_name: Mapped[str | None] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(64))  # the field, term or article concerned
    message: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    dedupe_key: Mapped[str] = mapped_column(String(MAX_KEY), unique=True)
    occurrences: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    seen_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_alerts_seen_created", "seen_at", "created_at"),)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON types, ISO dates."""
        return {
            "id": self.id,
            "kind": self.kind,
            "source": self.source_name,
            "subject": self.subject,
            "message": self.message,
            "details": self.details,
            "occurrences": self.occurrences,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "seen_at": self.seen_at.isoformat() if self.seen_at else None,
        }


def raise_alert(
    session: Session,
    *,
    kind: str,
    source_name: str | None,
    subject: str,
    message: str,
    details: dict[str, Any],
    dedupe_key: str,
    now: datetime | None = None,
) -> tuple[Alert, bool]:
    """Raise an alert, or refresh the one with the same ``dedupe_key``; True when new."""
    if kind not in KINDS:
        raise ValueError(f"unknown alert kind {kind!r} (expected one of {', '.join(KINDS)})")
    now = now or utcnow()
    key = dedupe_key[:MAX_KEY]
    existing = session.scalar(select(Alert).where(Alert.dedupe_key == key))
    if existing is None:
        alert = Alert(
            kind=kind,
            source_name=source_name,
            subject=subject[:64],
            message=message[:MAX_MESSAGE],
            details=details,
            dedupe_key=key,
            occurrences=1,
            created_at=now,
            updated_at=now,
        )
        try:
            with session.begin_nested():  # another process may raise the same one now
                session.add(alert)
            return alert, True
        except IntegrityError:
            existing = session.scalar(select(Alert).where(Alert.dedupe_key == key))
            if existing is None:
                raise
    existing.message = message[:MAX_MESSAGE]
    existing.details = details
    existing.occurrences += 1
    existing.updated_at = now
    session.flush()
    return existing, False


def list_alerts(
    session: Session,
    *,
    include_seen: bool = False,
    kind: str | None = None,
    source_name: str | None = None,
    limit: int = 100,
) -> list[Alert]:
    """Alerts, newest first; unseen only unless ``include_seen``."""
    query = select(Alert)
    if not include_seen:
        query = query.where(Alert.seen_at.is_(None))
    if kind is not None:
        query = query.where(Alert.kind == kind)
    if source_name is not None:
        query = query.where(Alert.source_name == source_name)
    query = query.order_by(Alert.updated_at.desc(), Alert.id.desc()).limit(limit)
    return list(session.scalars(query))


def count_unseen(session: Session, *, source_name: str | None = None) -> int:
    """How many alerts nobody has marked seen yet."""
    query = select(func.count(Alert.id)).where(Alert.seen_at.is_(None))
    if source_name is not None:
        query = query.where(Alert.source_name == source_name)
    return int(session.scalar(query) or 0)


def mark_seen(session: Session, alert_id: int, now: datetime | None = None) -> Alert:
    """Mark one alert seen (again: the first time is kept); LookupError when it is unknown."""
    alert = session.get(Alert, alert_id) if 0 < alert_id <= MAX_ID else None
    if alert is None:
        raise LookupError(f"alert {alert_id} does not exist")
    if alert.seen_at is None:
        alert.seen_at = now or utcnow()
        session.flush()
    return alert
