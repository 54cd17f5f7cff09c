"""``aggregator alerts``: list the alert channel, as JSON or a table, and mark one seen."""

from __future__ import annotations

import json

from click.testing import CliRunner

from aggregator.cli import cli
from storage.db import upgrade
from tests.quality_history import seed_drop


def test_list_as_json_then_mark_seen(sqlite_url: str) -> None:
    upgrade(sqlite_url)
    seed_drop(sqlite_url, "wire", "authors")
    base = ["--database-url", sqlite_url, "alerts"]
    result = CliRunner().invoke(cli, [*base, "--json"])
    assert result.exit_code == 0, result.output
    (alert,) = json.loads(result.output)["alerts"]
    assert (alert["kind"], alert["source"], alert["subject"]) == (
        "extraction_quality",
        "wire",
        "authors",
    )
    assert alert["message"].startswith("wire: authors fell from 100% to 0% of pages since ")
    assert alert["details"]["samples"] == ["http://wire.test/a5"]
    assert alert["seen_at"] is None

    table = CliRunner().invoke(cli, base)
    assert table.exit_code == 0 and "authors fell from 100% to 0%" in table.output

    seen = CliRunner().invoke(cli, [*base, "--seen", str(alert["id"])])
    assert seen.exit_code == 0 and f"alert {alert['id']} marked seen" in seen.output
    assert json.loads(CliRunner().invoke(cli, [*base, "--json"]).output)["alerts"] == []
    every = json.loads(CliRunner().invoke(cli, [*base, "--json", "--all"]).output)["alerts"]
    assert every[0]["seen_at"] is not None


def test_unknown_alert_is_one_line(sqlite_url: str) -> None:
    result = CliRunner().invoke(cli, ["--database-url", sqlite_url, "alerts", "--seen", "42"])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: alert 42 does not exist; see `aggregator alerts --all`"
    )
