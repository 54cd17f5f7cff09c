"""Roles of accounts: the first is admin, the rest editors; the last admin stays; 0009
migrates accounts made before roles (the oldest becomes admin, the others editors)."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect, text

from aggregator.errors import StorageError
from storage.db import alembic_config, get_engine, session_scope
from storage.db import upgrade as upgrade_db
from storage.users import add_user, list_users, set_role, set_timezone


def _downgrade(url: str, revision: str) -> None:
    with get_engine(url).begin() as connection:
        config = alembic_config(url)
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def test_first_account_is_admin_later_ones_editors_unless_told(database_url: str) -> None:
    with session_scope(database_url) as session:
        assert add_user(session, "amira", "correct horse battery").role == "admin"
        assert add_user(session, "karim", "correct horse battery").role == "editor"
        assert add_user(session, "vera", "correct horse battery", role="viewer").role == "viewer"
        with pytest.raises(StorageError, match="unknown role 'boss': expected one of viewer"):
            add_user(session, "x", "correct horse battery", role="boss")
    with session_scope(database_url) as session:
        roles = {a.username: a.role for a in list_users(session)}
    assert roles == {"amira": "admin", "karim": "editor", "vera": "viewer"}


def test_the_last_admin_cannot_be_demoted(database_url: str) -> None:
    with session_scope(database_url) as session:
        add_user(session, "amira", "correct horse battery")
        add_user(session, "karim", "correct horse battery")
    with session_scope(database_url) as session, pytest.raises(StorageError, match="only admin"):
        set_role(session, "amira", "editor")
    with session_scope(database_url) as session:
        set_role(session, "karim", "admin")
        assert set_role(session, "amira", "viewer").role == "viewer"
        assert not set_role(session, "amira", "viewer").may("editor")
        assert set_role(session, "karim", "admin").may("editor")


def test_time_zone_must_be_an_iana_name(database_url: str) -> None:
    with session_scope(database_url) as session:
        account = add_user(session, "amira", "correct horse battery")
        set_timezone(session, account.id, "Asia/Dubai")
        for bad in ("Mars/Olympus", "../../etc/passwd", "x" * 65):
            with pytest.raises(StorageError, match="unknown time zone"):
                set_timezone(session, account.id, bad)
    with session_scope(database_url) as session:
        assert list_users(session)[0].timezone == "Asia/Dubai"


def test_0009_makes_the_oldest_existing_account_admin_and_the_others_editors(
    database_url: str,
) -> None:
    _downgrade(database_url, "0005")
    with session_scope(database_url) as session:
        for name in ("zoe", "amira", "karim"):  # zoe was made first
            session.execute(
                text(
                    "INSERT INTO users (username, password_hash, created_at) "
                    "VALUES (:n, 'x', '2026-01-01 00:00:00')"
                ),
                {"n": name},
            )
    upgrade_db(database_url)
    with session_scope(database_url) as session:
        roles = {a.username: (a.role, a.timezone) for a in list_users(session)}
    assert roles == {"zoe": ("admin", None), "amira": ("editor", None), "karim": ("editor", None)}
    _downgrade(database_url, "0005")  # and back down: the columns go
    with get_engine(database_url).connect() as connection:
        columns = {c["name"] for c in inspect(connection).get_columns("users")}
    assert "role" not in columns and "timezone" not in columns
    upgrade_db(database_url)
