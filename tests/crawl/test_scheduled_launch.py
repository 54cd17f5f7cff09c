"""A scheduled run that finds nothing new starts no extraction processes (issue 13: cheap
scheduled runs); one that finds an article starts them when it needs them.

``aggregator crawl`` run by hand starts the extraction forkserver at launch, so its warm-up
(imports, the language model, the concept table: over a second of CPU) overlaps Scrapy's own
start. A scheduled child (``schedule --child-per-run``) or ``--due`` from cron usually has
nothing new, so it leaves the pool to its first article request. Each crawl below is a real
``aggregator crawl`` child; its process tree is watched while it runs.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import psutil

from aggregator.demo.server import OutletServer
from storage.db import session_scope
from storage.runs import CrawlRun
from tests.spiders.crawling import REPO, cli_command, loopback_allowance
from tests.test_quality_alerts import port_daily, publish


def _crawl_watching_the_tree(database_url: str, sources: Path, *args: str) -> tuple[bool, str]:
    """Run ``aggregator crawl ARGS``; (whether an extraction forkserver ever ran under it,
    its output). The tree is polled every 20 ms; the forkserver lives as long as the crawl."""
    command, env = cli_command(
        database_url, sources, "crawl", "--progress", "off", *args, env=loopback_allowance()
    )
    child = psutil.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    seen = False
    deadline = time.monotonic() + 240
    while child.poll() is None and time.monotonic() < deadline:
        try:
            tree = child.children(recursive=True)
            seen = seen or any("multiprocessing.forkserver" in " ".join(p.cmdline()) for p in tree)
        except psutil.Error:
            pass  # a process ended between listing and reading it
        time.sleep(0.02)
    output, _ = child.communicate(timeout=10)
    assert child.returncode == 0, output
    return seen, output


def _stored(database_url: str) -> list[int]:
    with session_scope(database_url) as session:
        return [r.stored for r in session.query(CrawlRun).order_by(CrawlRun.id)]


def test_only_a_run_with_an_article_to_extract_starts_extraction(
    tmp_path: Path, serve_outlet: Callable[[Path], OutletServer]
) -> None:
    root, base = port_daily(tmp_path, serve_outlet, ["a1", "a2"])
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        f"sources:\n  - {{name: port, homepage: '{base}/', languages: [en], "
        f"feeds: ['{base}/feed.xml']}}\n",
        encoding="utf-8",
    )
    database_url = f"sqlite:///{tmp_path / 'aggregator.db'}"

    # By hand: the forkserver starts at launch (and the watch sees one: it can see them).
    seen, output = _crawl_watching_the_tree(database_url, sources, "port")
    assert seen, output
    # Scheduled, nothing new: no extraction process at all.
    seen, output = _crawl_watching_the_tree(database_url, sources, "port", "--trigger", "scheduled")
    assert not seen, output
    # Scheduled, one new article: the pool starts for it, and the article is stored.
    publish(root, ["a1", "a2", "a3"], undated=set())
    seen, output = _crawl_watching_the_tree(database_url, sources, "port", "--trigger", "scheduled")
    assert seen, output
    assert _stored(database_url) == [2, 0, 1]
