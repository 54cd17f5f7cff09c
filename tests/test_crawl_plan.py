"""The crawl's preparation: schema, source rows and open runs, once, handed on as settings."""

from __future__ import annotations

from scrapy.settings import Settings

from aggregator.config.sources import parse_sources
from aggregator.crawl_plan import (
    RUN_IDS,
    SOURCE_IDS,
    abandon_runs,
    planned_ids,
    prepare_crawl,
    prepare_unless_done,
)
from storage.db import session_scope
from storage.runs import finish_run, runs_by_ids
from storage.sources import source_ids

SOURCES = parse_sources("""
sources:
  - {name: alpha, homepage: "http://127.0.0.1:1/", feeds: ["http://127.0.0.1:1/f"], languages: en}
  - {name: beta, homepage: "http://127.0.0.1:2/", feeds: ["http://127.0.0.1:2/f"], languages: fr}
""").sources


def test_prepare_syncs_sources_and_opens_runs(sqlite_url: str) -> None:
    plan = prepare_crawl(sqlite_url, SOURCES, "scheduled")  # a fresh file: schema created
    with session_scope(sqlite_url) as session:
        assert source_ids(session) == plan.source_ids
        runs = runs_by_ids(session, list(plan.run_ids.values()))
        assert [(r.source_name, r.status, r.trigger) for r in runs] == [
            ("alpha", "running", "scheduled"),
            ("beta", "running", "scheduled"),
        ]
        assert {r.source_name: r.source_id for r in runs} == plan.source_ids


def test_a_crawl_without_the_runner_is_prepared_once(sqlite_url: str) -> None:
    settings = Settings({"AGGREGATOR_DATABASE_URL": sqlite_url, "AGGREGATOR_TRIGGER": "manual"})
    assert planned_ids(settings, RUN_IDS) is None
    prepare_unless_done(settings, SOURCES)
    run_ids = planned_ids(settings, RUN_IDS)
    assert run_ids is not None and set(run_ids) == {"alpha", "beta"}
    prepare_unless_done(settings, SOURCES)
    assert planned_ids(settings, RUN_IDS) == run_ids
    assert set(planned_ids(settings, SOURCE_IDS) or {}) == {"alpha", "beta"}


def test_abandon_closes_only_runs_left_running(sqlite_url: str) -> None:
    plan = prepare_crawl(sqlite_url, SOURCES, "manual")
    ids = list(plan.run_ids.values())
    with session_scope(sqlite_url) as session:
        finish_run(session, plan.run_ids["alpha"], status="finished", figures={})
    abandon_runs(sqlite_url, ids, "the crawl did not start: boom")
    with session_scope(sqlite_url) as session:
        alpha, beta = runs_by_ids(session, ids)
        assert (alpha.status, alpha.message) == ("finished", None)
        assert (beta.status, beta.message) == ("failed", "the crawl did not start: boom")
