"""Editors' login sessions (the ``sessions`` table): started at login, checked on every
request, revoked on logout, password change, account removal or by an administrator.

The browser holds only a random session id; the table keeps its SHA-256, so a copy of the
database opens no session. A session ends when it has been idle too long or, however busy,
when it reaches its absolute age.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, delete, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.base import Base, utcnow

IDLE = timedelta(hours=12)
MAX_AGE = timedelta(days=7)
# Writing last_seen_at on every request would make each page a write; once a minute is
# precise enough for an idle limit counted in hours.
TOUCH_EVERY = timedelta(minutes=1)
MAX_ADDRESS = 64
MAX_USER_AGENT = 200


class LoginSession(Base):
    """One logged-in browser of one editor."""

    __tablename__ = "sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    client_address: Mapped[str] = mapped_column(String(MAX_ADDRESS))
    user_agent: Mapped[str] = mapped_column(String(MAX_USER_AGENT))


@dataclass(frozen=True)
class SessionPolicy:
    """How long a session lasts: ``idle`` without a request, ``max_age`` at most."""

    idle: timedelta = IDLE
    max_age: timedelta = MAX_AGE


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def start_session(
    session: Session,
    user_id: int,
    *,
    client_address: str,
    user_agent: str,
    policy: SessionPolicy = SessionPolicy(),
    now: datetime | None = None,
) -> str:
    """Open a session for ``user_id``; return its id (the only copy: it goes in the cookie).

    Sessions past their time are deleted on the way, so the table holds live ones only.
    """
    now = now or utcnow()
    _delete_expired(session, policy, now)
    session_id = secrets.token_urlsafe(32)
    session.add(
        LoginSession(
            id_hash=_hash(session_id),
            user_id=user_id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + policy.max_age,
            client_address=client_address[:MAX_ADDRESS],
            user_agent=user_agent[:MAX_USER_AGENT],
        )
    )
    session.flush()
    return session_id


def session_user(
    session: Session,
    session_id: str,
    *,
    policy: SessionPolicy = SessionPolicy(),
    now: datetime | None = None,
) -> int | None:
    """The user id of a live session (noting that it was just used), else None."""
    now = now or utcnow()
    row = session.get(LoginSession, _hash(session_id))
    if row is None:
        return None
    if row.expires_at <= now or row.last_seen_at <= now - policy.idle:
        session.delete(row)
        session.flush()
        return None
    if row.last_seen_at <= now - TOUCH_EVERY:
        row.last_seen_at = now
    return row.user_id


def end_session(session: Session, session_id: str) -> None:
    """Revoke one session (logout)."""
    session.execute(delete(LoginSession).where(LoginSession.id_hash == _hash(session_id)))


def end_user_sessions(session: Session, user_id: int) -> int:
    """Revoke every session of an editor; return how many there were."""
    result = session.execute(delete(LoginSession).where(LoginSession.user_id == user_id))
    return int(getattr(result, "rowcount", 0) or 0)


def live_sessions(session: Session, user_id: int) -> list[LoginSession]:
    """An editor's sessions, newest first."""
    query = (
        select(LoginSession)
        .where(LoginSession.user_id == user_id)
        .order_by(LoginSession.created_at.desc())
    )
    return list(session.scalars(query))


def _delete_expired(session: Session, policy: SessionPolicy, now: datetime) -> None:
    session.execute(
        delete(LoginSession).where(
            or_(LoginSession.expires_at <= now, LoginSession.last_seen_at <= now - policy.idle)
        )
    )
