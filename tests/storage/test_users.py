"""Accounts (argon2 hashes)."""

from __future__ import annotations

import pytest

from aggregator.errors import StorageError
from storage.db import session_scope
from storage.users import User, add_user, authenticate, list_users, remove_user, set_password


def test_passwords_are_argon2_hashes_and_checked(database_url: str) -> None:
    with session_scope(database_url) as session:
        add_user(session, "amira", "correct horse battery")
    with session_scope(database_url) as session:
        stored = session.query(User).one()
        assert stored.password_hash.startswith("$argon2id$")
        assert "correct horse" not in stored.password_hash
        assert authenticate(session, "amira", "wrong password") is None
        assert authenticate(session, "nobody", "correct horse battery") is None
        account = authenticate(session, "amira", "correct horse battery")
        assert account is not None and account.username == "amira"
    with session_scope(database_url) as session:
        assert list_users(session)[0].last_login_at is not None
        set_password(session, "amira", "another long one")
        assert authenticate(session, "amira", "another long one") is not None


def test_account_rules(database_url: str) -> None:
    with session_scope(database_url) as session:
        add_user(session, "amira", "correct horse battery")
        with pytest.raises(StorageError, match="user 'amira' already exists"):
            add_user(session, "amira", "correct horse battery")
        with pytest.raises(StorageError, match="invalid username"):
            add_user(session, "a b", "correct horse battery")
        with pytest.raises(StorageError, match="must be 8 to 1024 characters"):
            add_user(session, "short", "1234")
        with pytest.raises(StorageError, match="no user named 'ghost'"):
            remove_user(session, "ghost")
        remove_user(session, "amira")
        assert list_users(session) == []
