"""Server-side sessions: only the id's hash is stored; idle and absolute expiry; revocation
on logout, password change, account removal and by the administrator."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from storage.db import session_scope
from storage.sessions import (
    LoginSession,
    SessionPolicy,
    end_session,
    live_sessions,
    session_user,
    start_session,
)
from storage.users import add_user, remove_user, revoke_sessions, set_password

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
POLICY = SessionPolicy(idle=timedelta(hours=1), max_age=timedelta(hours=3))


def _start(url: str, user_id: int, at: datetime = T0, agent: str = "Firefox") -> str:
    with session_scope(url) as session:
        return start_session(
            session, user_id, client_address="192.0.2.1", user_agent=agent, policy=POLICY, now=at
        )


def _user_at(url: str, sid: str, at: datetime) -> int | None:
    with session_scope(url) as session:
        return session_user(session, sid, policy=POLICY, now=at)


def _editor(url: str, name: str = "amira") -> int:
    with session_scope(url) as session:
        return add_user(session, name, "correct horse battery").id


def test_only_the_hash_of_the_id_is_stored(database_url: str) -> None:
    user = _editor(database_url)
    sid = _start(database_url, user, agent="x" * 5000)
    with session_scope(database_url) as session:
        row = session.scalars(select(LoginSession)).one()
        assert row.id_hash == hashlib.sha256(sid.encode()).hexdigest()
        assert sid not in row.id_hash
        assert len(row.user_agent) == 200  # bounded
        assert row.expires_at == T0 + POLICY.max_age
    assert _user_at(database_url, sid, T0 + timedelta(minutes=5)) == user
    assert _user_at(database_url, "not a session id", T0) is None


def test_idle_sessions_end(database_url: str) -> None:
    user = _editor(database_url)
    sid = _start(database_url, user)
    assert _user_at(database_url, sid, T0 + timedelta(minutes=50)) == user  # seen: idle resets
    assert _user_at(database_url, sid, T0 + timedelta(minutes=100)) == user
    assert _user_at(database_url, sid, T0 + timedelta(minutes=161)) is None  # 61 minutes idle
    assert _user_at(database_url, sid, T0 + timedelta(minutes=100)) is None  # and it is gone


def test_busy_sessions_end_at_their_absolute_age(database_url: str) -> None:
    user = _editor(database_url)
    sid = _start(database_url, user)
    for minutes in range(30, 180, 30):
        assert _user_at(database_url, sid, T0 + timedelta(minutes=minutes)) == user
    assert _user_at(database_url, sid, T0 + timedelta(minutes=180)) is None


def test_logout_ends_one_session(database_url: str) -> None:
    user = _editor(database_url)
    kept, ended = _start(database_url, user), _start(database_url, user)
    with session_scope(database_url) as session:
        end_session(session, ended)
    assert _user_at(database_url, ended, T0) is None
    assert _user_at(database_url, kept, T0) == user


def test_password_change_and_revocation_end_every_session_of_that_editor(
    database_url: str,
) -> None:
    amira, karim = _editor(database_url), _editor(database_url, "karim")
    first, second = _start(database_url, amira), _start(database_url, amira)
    other = _start(database_url, karim)
    with session_scope(database_url) as session:
        set_password(session, "amira", "a new long password")
    assert _user_at(database_url, first, T0) is None
    assert _user_at(database_url, second, T0) is None
    assert _user_at(database_url, other, T0) == karim
    again = _start(database_url, amira)
    with session_scope(database_url) as session:
        assert len(live_sessions(session, amira)) == 1
        assert revoke_sessions(session, "amira") == 1
        assert live_sessions(session, amira) == []
    assert _user_at(database_url, again, T0) is None


def test_removing_an_account_ends_its_sessions(database_url: str) -> None:
    user = _editor(database_url)
    sid = _start(database_url, user)
    with session_scope(database_url) as session:
        remove_user(session, "amira")
    assert _user_at(database_url, sid, T0) is None
    with session_scope(database_url) as session:
        assert session.scalars(select(LoginSession)).all() == []


def test_starting_a_session_sweeps_expired_ones(database_url: str) -> None:
    user = _editor(database_url)
    _start(database_url, user)
    _start(database_url, user, at=T0 + timedelta(hours=2))  # the first is idle by then
    with session_scope(database_url) as session:
        assert len(live_sessions(session, user)) == 1
