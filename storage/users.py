"""Editors' accounts: the ``users`` table and the queries that add, check and remove them.

Passwords are hashed with Argon2id (argon2-cffi). Each account has a role (``ROLES``, least
to most): ``viewer`` reads, ``editor`` also acts on articles, ``admin`` also manages users,
sources and export tokens. An account may carry the time zone its editor reads times in.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import String, Text, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from aggregator.errors import StorageError
from storage.base import Base, utcnow
from storage.sessions import end_user_sessions

USERNAME_MAX = 64
USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
# Least to most: each role may do what the ones before it may.
ROLES = ("viewer", "editor", "admin")
MAX_ZONE = 64

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """A throwaway hash to verify against when the user does not exist, so the answer takes
    as long and a login form does not tell which usernames exist. Made on first use: every
    command imports this module (through the models), and one hash costs ~0.15 s."""
    return _hasher.hash(secrets.token_hex(16))


class User(Base):
    """An editor who can log in to the review page."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    role: Mapped[str] = mapped_column(String(16), default="editor", server_default="editor")
    timezone: Mapped[str | None] = mapped_column(String(MAX_ZONE))


@dataclass(frozen=True)
class Account:
    """What the web app and the CLI need to know about an editor."""

    id: int
    username: str
    created_at: datetime
    last_login_at: datetime | None
    role: str = "editor"
    timezone: str | None = None

    def may(self, role: str) -> bool:
        """Whether this account has ``role`` or a stronger one."""
        return role_rank(self.role) >= role_rank(role)


def role_rank(role: str) -> int:
    """Where ``role`` stands in ``ROLES`` (an unknown stored role ranks below viewer)."""
    return ROLES.index(role) if role in ROLES else -1


def check_role(role: str) -> str:
    """``role`` when it is one of ``ROLES``; else a StorageError naming the choices."""
    if role not in ROLES:
        raise StorageError(f"unknown role {role!r}: expected one of {', '.join(ROLES)}")
    return role


def check_zone(zone: str) -> str:
    """``zone`` when it is an IANA time zone name (``Europe/Paris``); else a StorageError."""
    try:
        if zone and len(zone) <= MAX_ZONE and "." not in zone:
            ZoneInfo(zone)
            return zone
    except (ZoneInfoNotFoundError, ValueError):
        pass
    raise StorageError(
        f"unknown time zone {zone[:MAX_ZONE]!r}: expected an IANA name like Europe/Paris"
    )


def _account(user: User) -> Account:
    return Account(
        user.id, user.username, user.created_at, user.last_login_at, user.role, user.timezone
    )


def check_new_credentials(username: str, password: str) -> None:
    """Refuse usernames and passwords we would not want to store, saying why."""
    if not USERNAME.match(username):
        raise StorageError(
            f"invalid username {username!r}: use 1-64 letters, digits, '_', '.', '@' or '-'"
        )
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise StorageError(
            f"password for {username!r} must be {MIN_PASSWORD} to {MAX_PASSWORD} characters"
        )


def add_user(session: Session, username: str, password: str, role: str | None = None) -> Account:
    """Create an account; raise StorageError when the name is taken or invalid.

    Without ``role`` the first account of an install is its admin (someone must be able to
    manage the rest) and every later one an editor.
    """
    check_new_credentials(username, password)
    if role is not None:
        check_role(role)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise StorageError(f"user {username!r} already exists")
    if role is None:
        role = "editor" if session.scalar(select(User.id).limit(1)) is not None else "admin"
    user = User(username=username, password_hash=_hasher.hash(password), role=role)
    session.add(user)
    try:
        session.flush()
    except IntegrityError:
        raise StorageError(f"user {username!r} already exists") from None
    return _account(user)


def set_password(session: Session, username: str, password: str) -> None:
    """Replace an editor's password and end every session opened with the old one."""
    check_new_credentials(username, password)
    user = _get(session, username)
    user.password_hash = _hasher.hash(password)
    end_user_sessions(session, user.id)


def set_role(session: Session, username: str, role: str) -> Account:
    """Give an account another role; refuse to demote the last admin (nobody could manage)."""
    check_role(role)
    user = _get(session, username)
    if user.role == "admin" and role != "admin":
        admins = session.scalar(select(func.count()).select_from(User).where(User.role == "admin"))
        if (admins or 0) <= 1:
            raise StorageError(f"{username!r} is the only admin: make another account admin first")
    user.role = role
    session.flush()
    return _account(user)


def set_timezone(session: Session, user_id: int, zone: str | None) -> None:
    """Remember the zone an editor reads times in (None: the browser's own)."""
    user = session.get(User, user_id)
    if user is None:
        raise StorageError(f"no user with id {user_id}")
    user.timezone = check_zone(zone) if zone else None


def revoke_sessions(session: Session, username: str) -> int:
    """End every session of an editor (they log in again); return how many there were."""
    return end_user_sessions(session, _get(session, username).id)


def list_users(session: Session) -> list[Account]:
    """Every account, by name."""
    return [_account(u) for u in session.scalars(select(User).order_by(User.username))]


def remove_user(session: Session, username: str) -> None:
    """Delete an account and its sessions; its past editorial actions keep its username."""
    user = _get(session, username)
    end_user_sessions(session, user.id)
    session.delete(user)
    session.flush()


def get_account(session: Session, user_id: int) -> Account | None:
    """The account with this id, or None when it was removed."""
    user = session.get(User, user_id)
    return _account(user) if user is not None else None


def authenticate(session: Session, username: str, password: str) -> Account | None:
    """The account when the password is right, else None; rehashes outdated hashes."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or len(password) > MAX_PASSWORD:
        _verify(_dummy_hash(), password[:MAX_PASSWORD])
        return None
    if not _verify(user.password_hash, password):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_login_at = utcnow()
    return _account(user)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _get(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise StorageError(f"no user named {username!r}")
    return user
