"""A crawl that starts right after a broken edit of the sources file (before the
scheduler's next reload) reads the last good file, not the broken one (issue 16)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from aggregator.config.sources import load_sources
from scheduler.jobs import crawl_command
from scheduler.reload import ConfigWatcher
from scheduler.runner import CrawlRunner
from storage.db import upgrade
from tests.scheduler.conftest import runs_of


def test_a_child_spawned_after_a_broken_edit_reads_the_last_good_file(
    sqlite_url: str, write_sources: Callable[..., Path], tmp_path: Path
) -> None:
    upgrade(sqlite_url)
    path = write_sources({"alpha": "1h"})
    good = path.read_text()
    watcher = ConfigWatcher(path, load_sources(path), tmp_path / "work")
    given: list[str] = []

    def command(database_url: str, sources_path: str, name: str) -> list[str]:
        given.append(sources_path)
        return crawl_command(database_url, sources_path, name)  # the real `aggregator crawl`

    runner = CrawlRunner(
        sqlite_url,
        str(path),
        command,
        time_limit=timedelta(seconds=120),
        sources_for_child=watcher.path_for_child,
    )
    assert watcher.path_for_child() == str(path)  # unchanged: the file itself
    path.write_text(good.replace("languages: en", "languages: 42"))  # no reload since
    outcome = runner.run("alpha")
    assert given[-1] != str(path) and Path(given[-1]).read_text() == good
    assert outcome is not None and outcome.recorded_by_child  # it crawled, it did not exit 1
    [run] = runs_of(sqlite_url, "alpha")
    assert "sources.yaml" not in (run.message or "")  # not the config error of the broken file
    # A valid edit goes to the file itself (the next reload takes it up for the jobs).
    write_sources({"alpha": "1h", "beta": "2h"})
    assert watcher.path_for_child() == str(path)
