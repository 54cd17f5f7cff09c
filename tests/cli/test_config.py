"""``aggregator config show``: every option with its effective value and origin."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from aggregator.cli import cli


def test_show_lists_the_network_allowance(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGGREGATOR_ALLOW_NETWORKS", "10.0.0.0/8,intranet.example")
    result = CliRunner().invoke(cli, ["config", "show"])
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if line.startswith("allow_networks"))
    assert row.split("\t")[1:4] == [
        "10.0.0.0/8,intranet.example",
        "env",
        "AGGREGATOR_ALLOW_NETWORKS",
    ]


def test_a_bad_allowance_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGGREGATOR_ALLOW_NETWORKS", "10.0.0.1/8")
    result = CliRunner().invoke(cli, ["config", "show"])
    assert result.exit_code != 0
    assert "AGGREGATOR_ALLOW_NETWORKS='10.0.0.1/8'" in result.output
    assert "Traceback" not in result.output


def test_values_from_environment_variables_say_env_and_options_say_cli(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 16: AGGREGATOR_DATABASE_URL / AGGREGATOR_SOURCES were reported as "cli"."""
    monkeypatch.setenv("AGGREGATOR_DATABASE_URL", "sqlite:///from-env.db")
    monkeypatch.setenv("AGGREGATOR_SOURCES", "env-sources.yaml")

    def rows(*options: str) -> dict[str, list[str]]:
        result = CliRunner().invoke(cli, [*options, "config", "show"])
        assert result.exit_code == 0, result.output
        return {line.split("\t")[0]: line.split("\t")[1:3] for line in result.output.splitlines()}

    shown = rows()
    assert shown["database_url"] == ["sqlite:///from-env.db", "env"]
    assert shown["sources"] == ["env-sources.yaml", "env"]
    shown = rows("--sources", "cli-sources.yaml", "--database-url", "sqlite:///cli.db")
    assert shown["database_url"] == ["sqlite:///cli.db", "cli"]
    assert shown["sources"] == ["cli-sources.yaml", "cli"]
