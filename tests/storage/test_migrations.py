"""Migrations upgrade and downgrade on both databases, and index existing articles."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect, select, text

from storage.articles import Article
from storage.db import alembic_config, current_revision, get_engine, head_revision, session_scope
from storage.db import upgrade as upgrade_db
from storage.runs import CrawlRun
from storage.search import matching_ids
from tests.storage.conftest import SEEDS


def _downgrade(url: str, revision: str) -> None:
    with get_engine(url).begin() as connection:
        config = alembic_config(url)
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def test_head_creates_the_search_index(database_url: str) -> None:
    assert current_revision(database_url) == head_revision()
    tables = inspect(get_engine(database_url)).get_table_names()
    assert "article_search" in tables
    indexes = {i["name"] for i in inspect(get_engine(database_url)).get_indexes("articles")}
    assert "ix_articles_status_language_sort" in indexes


def test_sessions_and_login_attempts_go_down_and_up(database_url: str) -> None:
    """0003 adds the server-side sessions and the login counters, and removes them again."""
    tables = set(inspect(get_engine(database_url)).get_table_names())
    assert {"sessions", "login_attempts"} <= tables
    _downgrade(database_url, "0002")
    tables = set(inspect(get_engine(database_url)).get_table_names())
    assert not {"sessions", "login_attempts"} & tables
    upgrade_db(database_url)
    assert current_revision(database_url) == head_revision()
    indexes = {i["name"] for i in inspect(get_engine(database_url)).get_indexes("sessions")}
    assert "ix_sessions_user_id" in indexes


def test_down_and_up_again_reindexes_existing_articles(
    database_url: str, outlets: dict[str, int]
) -> None:
    _downgrade(database_url, "0001")
    assert "article_search" not in inspect(get_engine(database_url)).get_table_names()
    with session_scope(database_url) as session:  # an article stored before search existed
        session.execute(
            text(
                "INSERT INTO articles (source_id, url, title, body, body_hash, authors, tags, "
                "word_count, paywalled, extraction, fetched_at, first_seen_at, updated_at, "
                "sort_at, revision, status, starred) VALUES (:s, 'https://daily.example/old', "
                "'Vieux', :b, 'x', '[]', '[]', 0, false, '{}', :t, :t, :t, :t, 1, 'new', false)"
            ),
            {
                "s": outlets["daily"],
                "b": SEEDS["fr-enquete-hopital"]["body"],
                "t": "2026-01-01 00:00:00",
            },
        )
    upgrade_db(database_url)
    with session_scope(database_url) as session:
        found = session.scalars(
            select(Article.url).where(Article.id.in_(matching_ids("enquete")))
        ).all()
    assert found == ["https://daily.example/old"]


def test_run_quality_and_alerts_go_down_and_up(database_url: str) -> None:
    """0005 adds crawl_runs.quality and the alerts table, and removes them again."""
    inspector = inspect(get_engine(database_url))
    assert "quality" in {c["name"] for c in inspector.get_columns("crawl_runs")}
    assert "alerts" in inspector.get_table_names()
    _downgrade(database_url, "0004")
    inspector = inspect(get_engine(database_url))
    assert "quality" not in {c["name"] for c in inspector.get_columns("crawl_runs")}
    assert "alerts" not in inspector.get_table_names()
    upgrade_db(database_url)
    indexes = {i["name"] for i in inspect(get_engine(database_url)).get_indexes("alerts")}
    assert "ix_alerts_seen_created" in indexes


def test_run_warnings_column_comes_and_goes_with_0004(database_url: str) -> None:
    _downgrade(database_url, "0003")
    columns = {c["name"] for c in inspect(get_engine(database_url)).get_columns("crawl_runs")}
    assert "warnings" not in columns
    with session_scope(database_url) as session:  # a run recorded before warnings existed
        session.execute(
            text(
                "INSERT INTO crawl_runs (source_name, trigger, status, started_at, found, "
                "fetched, stored, updated, duplicates, skipped, failed, not_modified, errors, "
                "failure_reasons) VALUES ('old', 'manual', 'finished', :t, 0, 0, 0, 0, 0, 0, "
                "0, 0, '[]', '{}')"
            ),
            {"t": "2026-01-01 00:00:00"},
        )
    upgrade_db(database_url)
    with session_scope(database_url) as session:
        run = session.scalars(select(CrawlRun)).one()
        assert run.warnings == []


def test_stories_tables_come_and_go_with_0006_and_old_stories_get_members(
    database_url: str,
) -> None:
    """0006 adds memberships, citations, constraints and the candidate index; a story made
    before (near duplicates) gets its members: origin ``original``, the other ``duplicate``."""
    new = {"story_members", "citations", "story_constraints", "story_features", "story_profiles"}
    assert new <= set(inspect(get_engine(database_url)).get_table_names())
    _downgrade(database_url, "0005")
    assert not new & set(inspect(get_engine(database_url)).get_table_names())
    with session_scope(database_url) as session:
        session.execute(
            text(
                "INSERT INTO sources (id, name, homepage, languages, timezone, enabled, config, "
                "created_at, updated_at) VALUES (1, 'wire', 'https://w/', '[]', 'UTC', true, "
                "'{}', :t, :t)"
            ),
            {"t": "2026-01-01 00:00:00"},
        )
        session.execute(
            text(
                "INSERT INTO stories (id, origin_article_id, title, article_count, created_at, "
                "updated_at) VALUES (7, NULL, 't', 2, :t, :t)"
            ),
            {"t": "2026-01-01 00:00:00"},
        )
        for i in (1, 2):
            session.execute(
                text(
                    "INSERT INTO articles (id, source_id, url, body, body_hash, authors, tags, "
                    "word_count, paywalled, extraction, fetched_at, first_seen_at, updated_at, "
                    "sort_at, revision, status, starred, story_id) VALUES (:i, 1, :u, 'b', 'h', "
                    "'[]', '[]', 1, false, '{}', :t, :t, :t, :t, 1, 'new', false, 7)"
                ),
                {"i": i, "u": f"https://w/{i}", "t": "2026-01-01 00:00:00"},
            )
        session.execute(text("UPDATE stories SET origin_article_id = 1"))
    upgrade_db(database_url)
    with session_scope(database_url) as session:
        rows = session.execute(
            text("SELECT article_id, story_id, relation FROM story_members ORDER BY article_id")
        ).all()
    assert [tuple(r) for r in rows] == [(1, 7, "original"), (2, 7, "duplicate")]


@pytest.mark.postgres
def test_the_story_index_is_vacuumed_after_10000_inserts_on_postgresql(pg_url: str) -> None:
    # The lookup's index-only scans need recent pages marked all-visible (migration 0010).
    def options() -> dict[str, list[str]]:
        with get_engine(pg_url).connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT relname, reloptions FROM pg_class"
                    " WHERE relname IN ('story_features', 'story_profiles')"
                )
            )
            return {name: sorted(opts or []) for name, opts in rows}

    upgrade_db(pg_url)
    assert options() == {
        table: [
            "autovacuum_analyze_scale_factor=0",
            "autovacuum_analyze_threshold=10000",
            "autovacuum_vacuum_insert_scale_factor=0",
            "autovacuum_vacuum_insert_threshold=10000",
        ]
        for table in ("story_features", "story_profiles")
    }
    _downgrade(pg_url, "0009_roles")
    assert options() == {"story_features": [], "story_profiles": []}
