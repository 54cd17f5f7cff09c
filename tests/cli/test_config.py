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
