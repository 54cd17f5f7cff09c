"""The shared Redis frontier: a crawl whose queue lives in Redis stores the same articles."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, select

from aggregator.config.sources import parse_sources
from aggregator.crawl.runner import redis_frontier
from aggregator.demo.outlets import OUTLETS, sources_yaml
from storage.articles import Article
from storage.db import session_scope
from storage.runs import CrawlRun

pytestmark = [pytest.mark.redis, pytest.mark.slow]


def test_queue_key_depends_on_the_set_of_sources() -> None:
    sources = parse_sources("""
sources:
  - {name: a, homepage: "http://127.0.0.1:1/", feeds: ["http://127.0.0.1:1/f"], languages: en}
  - {name: b, homepage: "http://127.0.0.1:2/", feeds: ["http://127.0.0.1:2/f"], languages: en}
""").sources
    both = redis_frontier("redis://127.0.0.1:6379/0", sources)
    reversed_ = redis_frontier("redis://127.0.0.1:6379/0", list(reversed(sources)))
    one = redis_frontier("redis://127.0.0.1:6379/0", sources[:1])
    assert both["SCHEDULER_QUEUE_KEY"] == reversed_["SCHEDULER_QUEUE_KEY"]
    assert both["SCHEDULER_QUEUE_KEY"] != one["SCHEDULER_QUEUE_KEY"]
    assert both["SCHEDULER_PERSIST"] is True


def test_crawl_through_redis_queue(
    redis_url: str, sqlite_url: str, tmp_path: Path, serve_outlet
) -> None:  # type: ignore[no-untyped-def]
    servers = {o.name: serve_outlet(o.folder) for o in OUTLETS}
    sources = tmp_path / "sources.yaml"
    sources.write_text(sources_yaml({n: s.base_url for n, s in servers.items()}), encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "aggregator",
            "--database-url",
            sqlite_url,
            "--sources",
            str(sources),
            "crawl",
            "--progress",
            "log",
        ],
        capture_output=True,
        text=True,
        timeout=240,
        env={
            "PATH": "/usr/bin:/bin",
            "AGGREGATOR_REDIS_URL": redis_url,
            "AGGREGATOR_DOWNLOAD_DELAY": "0.05",
            "AGGREGATOR_EXTRACT_WORKERS": "1",
        },
    )
    assert result.returncode == 0, result.stderr[-3000:]
    # Scrapy's closing stats show the requests went through the Redis queue.
    assert "'scheduler/enqueued/redis'" in result.stderr
    assert "'scheduler/dequeued/redis'" in result.stderr
    with session_scope(sqlite_url) as session:
        stored = session.scalar(select(func.count()).select_from(Article))
    assert stored == sum(len(o.originals()) for o in OUTLETS)
    # The queue drained; nothing is left waiting in Redis.
    client = redis.Redis.from_url(redis_url)
    assert [k for k in client.keys("aggregator:*") if k.endswith(b":requests")] == []
    client.close()


def test_unreachable_frontier_fails_the_crawl_clearly(sqlite_url: str, tmp_path: Path) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(sources_yaml({o.name: "http://127.0.0.1:9" for o in OUTLETS}))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "aggregator",
            "--database-url",
            sqlite_url,
            "--sources",
            str(sources),
            "crawl",
            "--progress",
            "off",
        ],
        capture_output=True,
        text=True,
        timeout=240,
        env={"PATH": "/usr/bin:/bin", "AGGREGATOR_REDIS_URL": "redis://127.0.0.1:9/0"},
    )
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    [error] = [line for line in lines if line.startswith("Error: the crawl did not start")]
    # The cause, named in the one line, not Scrapy's failing clean-up after it.
    assert error.endswith(
        "ConnectionError: Error 111 connecting to 127.0.0.1:9. Connection refused."
    )
    assert "Unhandled error in Deferred" not in result.stderr
    # The runs opened before Scrapy started are closed with that reason.
    with session_scope(sqlite_url) as session:
        runs = session.scalars(select(CrawlRun)).all()
    assert runs and all(r.status == "failed" for r in runs)
    assert all((r.message or "").startswith("the crawl did not start: ") for r in runs)
