"""Helpers for scheduler tests: sources files with short schedules and the fake crawl child."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from storage.db import session_scope
from storage.runs import CrawlRun

FAKE_CRAWL = Path(__file__).with_name("fake_crawl.py")


def fake_command(database_url: str, sources_path: str, name: str) -> list[str]:
    """Argv of the test double child, shaped like the real ``aggregator crawl`` call."""
    return [
        sys.executable,
        str(FAKE_CRAWL),
        "--database-url",
        database_url,
        "--sources",
        sources_path,
        "crawl",
        name,
        "--trigger",
        "scheduled",
    ]


def sources_yaml(entries: dict[str, str | None], base: str = "http://127.0.0.1:9") -> str:
    """A sources file: name -> interval (e.g. ``2s``; None for no schedule), jitter 0."""
    lines = ["sources:"]
    for name, interval in entries.items():
        lines += [
            f"  - name: {name}",
            f"    homepage: {base}/",
            f"    feeds: [{base}/feed.xml]",
            "    languages: en",
        ]
        if interval:
            lines += ["    schedule:", f"      interval: {interval}", "      jitter: 0s"]
    return "\n".join(lines) + "\n"


@pytest.fixture
def write_sources(tmp_path: Path) -> Callable[..., Path]:
    """Write ``sources.yaml`` (and the fake child's behaviours) in tmp_path; return its path."""

    def write(
        entries: dict[str, str | None],
        behaviours: dict[str, Any] | None = None,
        base: str = "http://127.0.0.1:9",
    ) -> Path:
        path = tmp_path / "sources.yaml"
        path.write_text(sources_yaml(entries, base), encoding="utf-8")
        if behaviours is not None:
            (tmp_path / "fake_crawl.json").write_text(json.dumps(behaviours), encoding="utf-8")
        return path

    return write


def runs_of(database_url: str, name: str | None = None) -> list[CrawlRun]:
    """Every crawl_runs row (of one source), oldest first."""
    query = select(CrawlRun).order_by(CrawlRun.started_at, CrawlRun.id)
    if name:
        query = query.where(CrawlRun.source_name == name)
    with session_scope(database_url) as session:
        return list(session.scalars(query))
