"""Workers starting together on a fresh database never race on creating rows."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from aggregator.config.sources import parse_sources
from storage.db import current_revision, ensure_schema, head_revision, session_scope
from storage.sources import SourceRow, sync_sources

SOURCES = parse_sources(
    "sources:\n"
    "  - {name: wire, homepage: 'http://127.0.0.1:9/', feeds: ['http://127.0.0.1:9/f'], "
    "languages: [en]}\n"
).sources


def together(count: int, work: Callable[[], None]) -> list[BaseException]:
    """Run ``work`` in ``count`` threads released at the same instant; their errors."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run() -> None:
        barrier.wait()
        try:
            work()
        except BaseException as exc:  # collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: no schema yet."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'fresh.db'}"
    url: str = request.getfixturevalue("pg_url")
    return url


def test_schema_creation_is_safe_when_workers_start_together(fresh_url: str) -> None:
    assert together(4, lambda: ensure_schema(fresh_url)) == []
    assert current_revision(fresh_url) == head_revision()


@pytest.mark.postgres
def test_two_workers_adding_the_same_new_source_share_one_row(pg_url: str) -> None:
    ensure_schema(pg_url)

    def sync() -> None:
        with session_scope(pg_url) as session:
            sync_sources(session, SOURCES)

    assert together(6, sync) == []
    with session_scope(pg_url) as session:
        assert session.scalar(select(func.count()).select_from(SourceRow)) == 1
        row = session.scalar(select(SourceRow))
        assert row is not None and row.homepage == "http://127.0.0.1:9/"
