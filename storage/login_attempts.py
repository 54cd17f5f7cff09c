"""Login limits (the ``login_attempts`` table): how many logins a name, an address and a
name-from-an-address may try in a window, shared by every process serving the database.

A login first *reserves* an attempt in each of its three counters, each with one
conditional upsert (``INSERT ... ON CONFLICT DO UPDATE ... WHERE attempts < limit
RETURNING``, on SQLite and PostgreSQL alike): the password is checked only when all three
reservations went through, so however many requests arrive at once, no more passwords are
checked than the limit allows. A successful login gives its reservations back; a failed
one keeps them until the window ends.

- name and address (5): a guesser is locked out of one account, the editor elsewhere is not;
- address (10): spraying many names from one address locks the address;
- name (50): a guesser spread over many addresses is slowed too, at the price of locking the
  editor out for the rest of the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, case, delete, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.base import Base, utcnow

MAX_NAME = 64
MAX_ADDRESS = 64


class LoginAttempt(Base):
    """Logins tried under one key (a name, an address or both) since ``window_start``."""

    __tablename__ = "login_attempts"

    key: Mapped[str] = mapped_column(String(8 + MAX_NAME + MAX_ADDRESS), primary_key=True)
    attempts: Mapped[int]
    window_start: Mapped[datetime]


@dataclass(frozen=True)
class LoginLimits:
    """Logins allowed per window for each counter."""

    per_name_and_address: int = 5
    per_address: int = 10
    per_name: int = 50
    window: timedelta = timedelta(minutes=15)


class _Refused(Exception):
    def __init__(self, counter: str) -> None:
        self.counter = counter


def reserve_login(
    session: Session,
    username: str,
    address: str,
    *,
    limits: LoginLimits = LoginLimits(),
    now: datetime | None = None,
) -> str | None:
    """Count one login attempt in each counter; None when the password may be checked, else
    the counter that is full ("name and address", "address" or "name"), counting nothing."""
    now = now or utcnow()
    counters = _counters(username, address, limits)
    try:
        # One savepoint: a full counter gives back the reservations made before it.
        with session.begin_nested():
            # Always the same order, so two logins never wait for each other's rows in a cycle.
            for key, (counter, limit) in sorted(counters.items()):
                if not _reserve(session, key, limit, now - limits.window, now):
                    raise _Refused(counter)
    except _Refused as refused:
        return refused.counter
    return None


def release_login(
    session: Session,
    username: str,
    address: str,
    *,
    limits: LoginLimits = LoginLimits(),
    now: datetime | None = None,
) -> None:
    """A login succeeded: forget the name's failures from this address, give the other
    reservations back, and drop counters whose window has ended."""
    now = now or utcnow()
    pair, by_address, by_name = _counters(username, address, limits)
    session.execute(delete(LoginAttempt).where(LoginAttempt.key == pair))
    session.execute(
        update(LoginAttempt)
        .where(LoginAttempt.key.in_([by_address, by_name]), LoginAttempt.attempts > 0)
        .values(attempts=LoginAttempt.attempts - 1)
    )
    session.execute(delete(LoginAttempt).where(LoginAttempt.window_start <= now - limits.window))


def attempts_of(session: Session, username: str, address: str) -> dict[str, int]:
    """The current count of each counter of a name and address (for tests and the CLI)."""
    counters = _counters(username, address, LoginLimits())
    found = {}
    for key, (counter, _) in counters.items():
        row = session.get(LoginAttempt, key)
        found[counter] = row.attempts if row is not None else 0
    return found


def _counters(username: str, address: str, limits: LoginLimits) -> dict[str, tuple[str, int]]:
    # Names are case-insensitive at the door, so "Amira" and "amira" share a counter.
    name = username.lower()[:MAX_NAME]
    address = address[:MAX_ADDRESS]
    return {
        f"pair:{address} {name}": ("name and address", limits.per_name_and_address),
        f"addr:{address}": ("address", limits.per_address),
        f"name:{name}": ("name", limits.per_name),
    }


def _reserve(session: Session, key: str, limit: int, cutoff: datetime, now: datetime) -> bool:
    """One more attempt under ``key`` unless it has ``limit`` in the window: one statement."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    new = insert(LoginAttempt).values(key=key, attempts=1, window_start=now)
    ended = LoginAttempt.window_start <= cutoff
    restart = new.excluded.window_start
    statement = new.on_conflict_do_update(
        index_elements=[LoginAttempt.key],
        set_={
            "attempts": case((ended, 1), else_=LoginAttempt.attempts + 1),
            "window_start": case((ended, restart), else_=LoginAttempt.window_start),
        },
        where=or_(LoginAttempt.attempts < limit, ended),
    ).returning(LoginAttempt.attempts)
    return session.execute(statement).first() is not None
