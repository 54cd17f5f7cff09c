"""Every command is documented: in its --help (with an example) and in the README."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from aggregator.cli import COMMANDS, cli

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _leaves(group: click.Group, ctx: click.Context, prefix: str) -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, f"{prefix} {name} cannot be loaded"
        found.append((f"{prefix} {name}", command))
        if isinstance(command, click.Group):
            found.extend(_leaves(command, ctx, f"{prefix} {name}"))
    return found


@pytest.mark.parametrize("verb", sorted(COMMANDS))
def test_verb_is_in_the_readme(verb: str) -> None:
    assert f"aggregator {verb}" in README


def test_every_command_has_help_with_an_example() -> None:
    """Every verb and every sub-command (sources add, users set-role, db upgrade...): the
    README promises an example in each --help."""
    ctx = click.Context(cli)
    for path, command in _leaves(cli, ctx, "aggregator"):
        assert command.help, f"{path} has no docstring"
        assert "Example:" in command.help, f"{path} --help has no example"


@pytest.mark.parametrize("verb", ["demo", "sources add", "users"])
def test_examples_are_not_wrapped_inside_a_url_or_an_option(verb: str) -> None:
    """At 80 columns each example line keeps its URLs whole (issue 16: demo's wrapped)."""
    result = CliRunner().invoke(cli, [*verb.split(), "--help"], terminal_width=80)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    examples = [i for i, line in enumerate(lines) if line.strip().startswith("Example:")]
    assert examples, result.output
    for index in examples:
        line = lines[index]
        assert len(line) <= 80, line
        follower = lines[index + 1].strip() if index + 1 < len(lines) else ""
        # A continued example says so with a trailing backslash; nothing else runs on.
        if follower and not follower.startswith(("Example:", "Options:")):
            assert line.endswith("\\"), (line, follower)


def test_help_runs_for_every_verb() -> None:
    runner = CliRunner()
    for verb in COMMANDS:
        result = runner.invoke(cli, [verb, "--help"])
        assert result.exit_code == 0, result.output


def test_user_error_is_one_line_without_traceback(tmp_path: Path) -> None:
    broken = tmp_path / "sources.yaml"
    broken.write_text("sources:\n  - name: x\n    homepage: ftp://nope\n    feeds: []\n")
    result = CliRunner().invoke(
        cli, ["--sources", str(broken), "--database-url", f"sqlite:///{tmp_path}/a.db", "crawl"]
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert lines == [
        f"Error: {broken}:3, source 'x', field 'homepage': "
        "expected an http(s) URL, got 'ftp://nope'"
    ]
