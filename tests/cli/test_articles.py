"""``aggregator articles``: a source name that is not in the database is an error."""

from __future__ import annotations

from click.testing import CliRunner

from aggregator.cli import cli
from storage.db import upgrade
from tests.web.review_seed import seed


def test_an_unknown_source_errors_and_exits_non_zero(sqlite_url: str) -> None:
    upgrade(sqlite_url)
    seed(sqlite_url)
    base = ["--database-url", sqlite_url, "articles", "--source"]
    result = CliRunner().invoke(cli, [*base, "nope"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: no source named 'nope' in the database (known: ")
    assert "guardian" in result.output
    known = CliRunner().invoke(cli, [*base, "lemonde"])
    assert known.exit_code == 0, known.output
    assert "En Tunisie" in known.output and "Gaza" not in known.output
