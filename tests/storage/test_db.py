"""Engines refuse an unusable SQLite file with one StorageError naming it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import text

from aggregator.errors import StorageError
from storage.db import get_engine, session_scope, upgrade


def test_a_file_that_is_not_sqlite_names_itself(tmp_path: Path) -> None:
    path = tmp_path / "garbage.db"
    path.write_bytes(b"\x00garbage" * 1000)
    engine = get_engine(f"sqlite:///{path}")
    with pytest.raises(StorageError) as caught, engine.connect() as connection:
        connection.execute(text("select 1"))
    assert str(caught.value).startswith(f"database {path} is not a valid SQLite file")
    assert "restore it from a backup" in str(caught.value)


def test_a_corrupted_page_is_refused_in_a_query_too(tmp_path: Path) -> None:
    path = tmp_path / "aggregator.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    get_engine(url).dispose()
    data = path.read_bytes()
    # The SQLite header survives, the pages after it do not (a disk fault, a bad copy).
    path.write_bytes(data[:100] + b"\xff" * (len(data) - 100))
    for journal in tmp_path.glob("aggregator.db-*"):
        journal.unlink()
    with (
        pytest.raises(StorageError, match=re.escape(f"database {path} is")),
        session_scope(url) as session,
    ):
        session.execute(text("select count(*) from crawl_runs")).all()


def test_ordinary_errors_stay_database_errors(sqlite_url: str) -> None:
    with pytest.raises(Exception) as caught, get_engine(sqlite_url).connect() as connection:
        connection.execute(text("select * from no_such_table"))
    assert not isinstance(caught.value, StorageError)
