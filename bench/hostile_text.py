"""Hostile text probes: each runs one hostile case the way a crawl meets it, end to end.

A page probe decodes the bytes an outlet sends under its (lying) Content-Type header and
extracts the article, as the spider and the extract stage do: a windows-1256 page labelled
utf-8, a utf-8 page labelled windows-1256, 10,000 nested ``<div>``, two impossible dates,
and the good page of the same source as the baseline. The database probe runs ``aggregator
status`` on a file that is not SQLite. Pages are the demo outlets' own, made
hostile by ``tests/hostile/pages.py`` (the same corpus the hostile tests crawl).

    from bench.hostile_text import probes
    for name, run in probes():
        run()          # the runner times each call and records its peak memory

``python bench/hostile_text.py`` runs each probe once and prints its wall time.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aggregator.extraction import extract_article  # noqa: E402
from aggregator.extraction.charset import decode_page  # noqa: E402
from tests.hostile.pages import HostilePage, hostile_pages  # noqa: E402

BASE = "http://127.0.0.1:8080"
FETCHED_AT = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def _page_probe(page: HostilePage) -> Callable[[], None]:
    body = page.body.replace(b"{{BASE}}", BASE.encode())

    def run() -> None:
        decoded = decode_page(body, page.content_type)
        article = extract_article(decoded.text, BASE + page.path, fetched_at=FETCHED_AT)
        warnings = [decoded.warning, *article.warnings] if decoded.warning else article.warnings
        if page.warning is not None and page.warning not in warnings:
            raise AssertionError(f"{page.slug}: expected warning {page.warning!r}, got {warnings}")
        if page.phrase not in article.body:
            raise AssertionError(f"{page.slug}: the body lost {page.phrase!r}")

    return run


def _corrupted_database() -> None:
    from click.testing import CliRunner

    from aggregator.cli import cli

    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "aggregator.db"
        database.write_bytes(b"not a database " * 1000)
        result = CliRunner().invoke(cli, ["--database-url", f"sqlite:///{database}", "status"])
        if result.exit_code != 1 or "is not a valid SQLite file" not in result.output:
            raise AssertionError(f"unexpected answer: {result.output!r}")


def probes() -> list[tuple[str, Callable[[], None]]]:
    """(name, run) for every hostile text case; each ``run()`` raises if the case regressed."""
    found = [(f"page:{page.slug}", _page_probe(page)) for page in hostile_pages()]
    found.append(("database:not-sqlite", _corrupted_database))
    found.append(("crawl killed with -9", _killed_crawl))
    return found


def _killed_crawl() -> None:
    """The crash test's own scenario: SIGKILL a crawl mid-page; no child survives, the next
    command closes its run as interrupted (asserts inside)."""
    from tests.hostile.test_crash import (
        test_a_killed_crawl_leaves_no_process_and_the_next_command_closes_its_run as scenario,
    )

    with tempfile.TemporaryDirectory() as folder:
        scenario(Path(folder))


if __name__ == "__main__":
    for name, run in probes():
        start = time.perf_counter()
        run()
        print(f"{name:40} {time.perf_counter() - start:8.3f} s")
