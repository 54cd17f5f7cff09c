"""Webhook deliveries of alerts (the ``alert_deliveries`` table): one row per alert and target.

Delivery state lives in the database so that a crawl process that dies mid-delivery neither
loses an alert nor sends it twice on purpose: a row is *claimed* (attempt counted, next try
pushed back) and committed before the POST, and marked ``delivered`` after it. A process that
dies between the POST and the mark leaves the row claimed; it is tried again once its back-off
has passed, with the same delivery id, so a receiver that keeps ids sees one alert.

Kind-agnostic: any alert of the channel (:mod:`storage.alerts`) is queued for a target whose
``kinds`` include it (all kinds when empty).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.alerts import Alert
from storage.base import Base, utcnow

DELIVERY_STATUSES = ("pending", "delivered", "failed")
MAX_ERROR = 500
# Alerts older than this when a target first sees them are not sent (a webhook configured
# today does not receive last year's alerts).
DEFAULT_HORIZON = timedelta(days=2)


class AlertDelivery(Base):
    """The delivery of one alert to one webhook target: pending, delivered, or given up."""

    __tablename__ = "alert_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(64))  # a name for the URL, never the secret
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("alert_id", "target"),
        Index("ix_alert_deliveries_due", "target", "status", "next_attempt_at"),
    )


@dataclass(frozen=True)
class Claimed:
    """A delivery taken for one attempt, with the alert it carries."""

    delivery_id: int
    attempt: int
    alert: Alert


def queue_new_alerts(
    session: Session,
    target: str,
    *,
    kinds: tuple[str, ...] = (),
    now: datetime | None = None,
    horizon: timedelta = DEFAULT_HORIZON,
) -> int:
    """Queue for ``target`` every alert (of ``kinds``) created within ``horizon`` that has no
    delivery row for it yet; returns how many were queued."""
    now = now or utcnow()
    known = select(AlertDelivery.alert_id).where(AlertDelivery.target == target)
    query = select(Alert.id).where(Alert.created_at >= now - horizon, Alert.id.not_in(known))
    if kinds:
        query = query.where(Alert.kind.in_(kinds))
    queued = 0
    for alert_id in session.scalars(query.order_by(Alert.id)).all():
        try:
            with session.begin_nested():  # another crawl process may queue it at the same time
                session.add(AlertDelivery(alert_id=alert_id, target=target, next_attempt_at=now))
        except IntegrityError:
            continue
        queued += 1
    return queued


def claim_due(
    session: Session,
    target: str,
    *,
    backoff: timedelta,
    now: datetime | None = None,
    limit: int = 100,
) -> list[Claimed]:
    """Take the due pending deliveries of ``target``: count the attempt and push the next try
    back by ``backoff`` doubled per attempt, before anything is sent (commit after this)."""
    now = now or utcnow()
    query = (
        select(AlertDelivery, Alert)
        .join(Alert, Alert.id == AlertDelivery.alert_id)
        .where(
            AlertDelivery.target == target,
            AlertDelivery.status == "pending",
            AlertDelivery.next_attempt_at <= now,
        )
        .order_by(AlertDelivery.next_attempt_at, AlertDelivery.id)
        .limit(limit)
    )
    claimed = []
    for delivery, alert in session.execute(query).all():
        attempt = delivery.attempts + 1
        # Conditional on the attempts we read: of two processes claiming at once, one wins.
        taken = session.execute(
            update(AlertDelivery)
            .where(AlertDelivery.id == delivery.id, AlertDelivery.attempts == delivery.attempts)
            .values(attempts=attempt, next_attempt_at=now + backoff * (2 ** (attempt - 1)))
            .execution_options(synchronize_session=False)
        )
        if getattr(taken, "rowcount", 0) == 1:
            claimed.append(Claimed(delivery.id, attempt, alert))
    session.expire_all()
    return claimed


def mark_delivered(session: Session, delivery_id: int, now: datetime | None = None) -> None:
    """The receiver took it (2xx)."""
    delivery = session.get(AlertDelivery, delivery_id)
    if delivery is not None:
        delivery.status = "delivered"
        delivery.delivered_at = now or utcnow()
        delivery.last_error = None
        session.flush()


def mark_failed(session: Session, delivery_id: int, error: str, *, give_up: bool) -> None:
    """An attempt failed: keep why; ``give_up`` after the last retry."""
    delivery = session.get(AlertDelivery, delivery_id)
    if delivery is not None:
        delivery.last_error = error[:MAX_ERROR]
        if give_up:
            delivery.status = "failed"
        session.flush()


def delivery_counts(session: Session, target: str) -> dict[str, int]:
    """How many deliveries of ``target`` are in each status (for status and tests)."""
    counts = dict.fromkeys(DELIVERY_STATUSES, 0)
    for status in session.scalars(
        select(AlertDelivery.status).where(AlertDelivery.target == target)
    ):
        counts[status] = counts.get(status, 0) + 1
    return counts
