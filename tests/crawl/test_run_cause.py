"""A failing source's run records its real cause, not "crawl closed: finished" (issue 16):
a real ``aggregator crawl`` of two loopback sources, one of whose feed is missing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from aggregator.demo.server import OutletServer
from aggregator.extensions.recorder import run_message
from storage.db import session_scope
from storage.runs import CrawlRun
from tests.spiders.crawling import loopback_allowance, run_cli
from tests.test_quality_alerts import port_daily


def test_the_failed_source_says_which_url_failed_and_why(
    tmp_path: Path, serve_outlet: Callable[[Path], OutletServer]
) -> None:
    _, base = port_daily(tmp_path, serve_outlet, ["a1", "a2"])
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n"
        f"  - {{name: good, homepage: '{base}/', languages: [en], feeds: ['{base}/feed.xml']}}\n"
        f"  - {{name: broken, homepage: '{base}/', languages: [en], "
        f"feeds: ['{base}/gone.xml']}}\n",
        encoding="utf-8",
    )
    database_url = f"sqlite:///{tmp_path / 'aggregator.db'}"
    done = run_cli(database_url, sources, "crawl", "--progress", "off", env=loopback_allowance())
    assert done.returncode == 0, done.stdout + done.stderr
    with session_scope(database_url) as session:
        runs = {r.source_name: r for r in session.query(CrawlRun)}
    assert runs["good"].status == "finished" and runs["good"].message is None
    broken = runs["broken"]
    assert broken.status == "failed"
    assert broken.message is not None and "crawl closed" not in broken.message
    assert broken.message.startswith(f"http_4xx at {base}/gone.xml"), broken.message


def test_a_crawl_cut_short_keeps_its_close_reason() -> None:
    assert run_message("interrupted", "shutdown", {}) == "crawl closed: shutdown"
    assert run_message("finished", "finished", {"failed": 1}) is None
    assert run_message("failed", "finished", {"failed": 2, "reasons": {"dns": 2}}) == (
        "nothing found and 2 page(s) failed (2 dns)"
    )
