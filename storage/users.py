"""Editors' accounts: the ``users`` table and the queries that add, check and remove them.

Passwords are hashed with Argon2id (argon2-cffi).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import String, Text, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from aggregator.errors import StorageError
from storage.base import Base, utcnow
from storage.sessions import end_user_sessions

USERNAME_MAX = 64
USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024

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


@dataclass(frozen=True)
class Account:
    """What the web app and the CLI need to know about an editor."""

    id: int
    username: str
    created_at: datetime
    last_login_at: datetime | None


def _account(user: User) -> Account:
    return Account(user.id, user.username, user.created_at, user.last_login_at)


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


def add_user(session: Session, username: str, password: str) -> Account:
    """Create an editor account; raise StorageError when the name is taken or invalid."""
    check_new_credentials(username, password)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise StorageError(f"user {username!r} already exists")
    user = User(username=username, password_hash=_hasher.hash(password))
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
