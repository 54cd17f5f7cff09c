"""Accounts (argon2 hashes) and application secrets."""

from __future__ import annotations

import pytest

from aggregator.errors import StorageError
from storage.accounts import (
    add_user,
    authenticate,
    check_export_token,
    export_token,
    list_users,
    remove_user,
    rotate_export_token,
    session_key,
    set_password,
)
from storage.db import session_scope
from storage.users import User


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


def test_secrets_are_generated_once_and_tokens_rotate(database_url: str) -> None:
    with session_scope(database_url) as session:
        key = session_key(session)
        token = export_token(session, "atom")
    with session_scope(database_url) as session:
        assert session_key(session) == key and len(key) >= 40
        assert export_token(session, "atom") == token
        assert export_token(session, "rss") != token
        assert check_export_token(session, "atom", token)
        assert not check_export_token(session, "rss", token)
        assert not check_export_token(session, "atom", None)
        new = rotate_export_token(session, "atom")
        assert not check_export_token(session, "atom", token)
        assert check_export_token(session, "atom", new)
        with pytest.raises(StorageError, match="unknown export feed 'pdf'"):
            export_token(session, "pdf")
