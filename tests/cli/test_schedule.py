"""``aggregator schedule`` at the command line (the service itself: tests/scheduler/)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from aggregator.cli import cli
from scheduler.lock import SchedulerLease
from storage.db import upgrade


def test_a_second_scheduler_says_why_it_refuses(tmp_path: Path, sqlite_url: str) -> None:
    upgrade(sqlite_url)
    SchedulerLease(sqlite_url, holder="newsroom-box:4242:abcd1234").acquire()
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources: []\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["--database-url", sqlite_url, "--sources", str(sources), "schedule"]
    )
    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    assert line.startswith("Error: another scheduler pid 4242 on newsroom-box")
    assert "--standby" in line


def test_an_invalid_default_schedule_is_one_clear_line(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGGREGATOR_DEFAULT_SCHEDULE", "sometimes")
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources: []\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["--database-url", sqlite_url, "--sources", str(sources), "schedule"]
    )
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: AGGREGATOR_DEFAULT_SCHEDULE='sometimes': expected a duration such as 30m, "
        "6h or 7d, got 'sometimes'"
    )
