"""Hostile listings end to end: the real articles of the source are stored, the cut is a
warning naming the listing, and nothing is lost silently.

Each crawl runs the real pipelines against the loopback outlet of
``tests/fixtures/hostile/listings/`` with one generated hostile listing (see ``listings.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from aggregator.demo.server import OutletServer
from aggregator.discovery.limits import MAX_FEED_ENTRIES, MAX_LISTING_BYTES, MAX_SITEMAP_URLS
from storage.base import utcnow
from storage.db import session_scope, upgrade
from storage.health import source_health
from tests.hostile.listings import CASES, REAL, Outcome, crawl_case, prepare

pytestmark = pytest.mark.slow

Serve = Callable[[str | Path], OutletServer]


def run(name: str, tmp_path: Path, serve_outlet: Serve, database_url: str) -> Outcome:
    upgrade(database_url)
    case = CASES[name]
    server = prepare(case, tmp_path, serve_outlet)
    outcome = crawl_case(case, server, tmp_path, database_url)
    missing = set(REAL) - outcome.stored
    assert not missing, f"real articles not stored: {missing}, {outcome.figures['reasons']}"
    assert outcome.run.status == "finished"
    return outcome


def cut_of(outcome: Outcome, path: str) -> dict[str, object]:
    [cut] = [w for w in outcome.run.warnings if w["kind"] == "listing_cut"]
    assert str(cut["listing"]).endswith(path)
    assert path in str(cut["message"])
    return cut


def test_fresh_junk_cannot_starve_the_real_articles(
    tmp_path: Path, serve_outlet: Serve, sqlite_url: str
) -> None:
    outcome = run("junk", tmp_path, serve_outlet, sqlite_url)
    cut = cut_of(outcome, "/feeds/junk.xml")
    assert cut["kept"] == MAX_FEED_ENTRIES and cut["truncated"]  # 12 MB: the bytes were cut
    assert int(str(cut["total"])) > MAX_FEED_ENTRIES
    [budget] = [w for w in outcome.run.warnings if w["kind"] == "budget"]
    assert budget["kept"] == 500 and budget["total"] == MAX_FEED_ENTRIES + len(REAL)
    requested = outcome.figures["fetched"] + outcome.figures["failed"]  # junk answers 404
    assert requested == 500  # the budget, not 100,000 requests
    with session_scope(sqlite_url) as session:
        [health] = source_health(session, ["hostile"], utcnow())
    kinds = {w.kind: w.message for w in health.warnings}
    assert "/feeds/junk.xml" in kinds["listing_cut"]
    assert "max_articles: 500" in kinds["budget"]


def test_a_feed_of_14_7_mb_gives_its_entries_up_to_the_limit(
    tmp_path: Path, serve_outlet: Serve, sqlite_url: str
) -> None:
    outcome = run("huge", tmp_path, serve_outlet, sqlite_url)
    cut = cut_of(outcome, "/feeds/huge.xml")
    assert cut["truncated"] and cut["bytes"] == MAX_LISTING_BYTES
    assert "14,7" in str(cut["message"])  # the size it announced
    assert outcome.figures["fetched"] + outcome.figures["failed"] == 60  # its max_articles


def test_a_feed_over_5000_entries_keeps_the_newest(
    tmp_path: Path, serve_outlet: Serve, sqlite_url: str
) -> None:
    outcome = run("many", tmp_path, serve_outlet, sqlite_url)
    cut = cut_of(outcome, "/feeds/many.xml")
    assert (cut["kept"], cut["total"], cut["truncated"]) == (MAX_FEED_ENTRIES, 6000, False)
    assert "kept 5,000 of 6,000 entries" in str(cut["message"])


def test_a_sitemap_over_50000_urls_keeps_the_newest(
    tmp_path: Path, serve_outlet: Serve, sqlite_url: str
) -> None:
    outcome = run("big-sitemap", tmp_path, serve_outlet, sqlite_url)
    cut = cut_of(outcome, "/sitemaps/big.xml")
    assert (cut["kept"], cut["total"]) == (MAX_SITEMAP_URLS, 60_000)
    [budget] = [w for w in outcome.run.warnings if w["kind"] == "budget"]
    assert budget["total"] == MAX_SITEMAP_URLS  # every kept URL is accounted for


def test_sources_check_reads_a_large_listing_as_the_crawl_does(
    tmp_path: Path, serve_outlet: Serve
) -> None:
    from click.testing import CliRunner

    from aggregator.cli import cli
    from tests.spiders.crawling import loopback_source

    server = prepare(CASES["many"], tmp_path, serve_outlet)
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        loopback_source("hostile", server.base_url, feeds=["/feeds/many.xml"], max_age="30d"),
        encoding="utf-8",
    )
    database = f"sqlite:///{tmp_path / 'check.db'}"
    args = ["--sources", str(sources), "--database-url", database, "sources", "check", "hostile"]
    result = CliRunner().invoke(cli, args)
    out = result.output
    assert f"{server.base_url}/feeds/many.xml  5000 article URLs" in out, out
    assert f"listing {server.base_url}/feeds/many.xml cut: kept 5,000 of 6,000 entries" in out
    assert out.count("    title: ") == 3  # the newest: the real articles, last in the feed
    assert result.exit_code == 0, out
