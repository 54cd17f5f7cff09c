"""`aggregator users add/list/remove` on a real SQLite database."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from aggregator.cli import cli
from storage.db import session_scope
from storage.users import authenticate


def _run(db: str, *args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--database-url", db, "users", *args], input=stdin)
    return result.exit_code, result.output


def test_add_list_remove(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    assert _run(db, "list") == (0, "no users yet: aggregator users add NAME\n")
    code, output = _run(db, "add", "amira", stdin="correct horse battery\ncorrect horse battery\n")
    assert code == 0, output
    assert output.endswith("added user 'amira' (admin)\n")  # the first account administers
    assert "correct horse" not in output  # the prompt hides the password
    code, output = _run(db, "add", "karim", "--password-stdin", stdin="another long secret\n")
    assert (code, output) == (0, "added user 'karim' (editor)\n")
    with session_scope(db) as session:
        assert authenticate(session, "karim", "another long secret") is not None
    code, output = _run(db, "list")
    lines = output.splitlines()
    assert lines[0] == "amira\tadmin\tlast login: never"
    assert lines[1].startswith("karim\teditor\tlast login: 20") and lines[1].endswith(" UTC")
    assert _run(db, "remove", "amira") == (0, "removed user 'amira'\n")
    assert [line.split("\t")[0] for line in _run(db, "list")[1].splitlines()] == ["karim"]


def test_mistakes_are_one_line_errors(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    assert _run(db, "remove", "ghost") == (1, "Error: no user named 'ghost'\n")
    assert _run(db, "add", "x", "--password-stdin", stdin="short\n") == (
        1,
        "Error: password for 'x' must be 8 to 1024 characters\n",
    )
    _run(db, "add", "x", "--password-stdin", stdin="long enough\n")
    assert _run(db, "add", "x", "--password-stdin", stdin="long enough\n") == (
        1,
        "Error: user 'x' already exists\n",
    )


def test_set_password_and_revoke_sessions_end_sessions(tmp_path: Path) -> None:
    from storage.sessions import live_sessions, start_session

    db = f"sqlite:///{tmp_path / 'a.db'}"
    assert _run(db, "add", "amira", "--password-stdin", stdin="correct horse battery\n")[0] == 0

    def open_sessions(count: int) -> int:
        with session_scope(db) as session:
            account = authenticate(session, "amira", "a brand new password")
            account = account or authenticate(session, "amira", "correct horse battery")
            assert account is not None
            for _ in range(count):
                start_session(session, account.id, client_address="192.0.2.1", user_agent="t")
            return len(live_sessions(session, account.id))

    assert open_sessions(2) == 2
    code, output = _run(db, "revoke-sessions", "amira")
    assert (code, output) == (0, "ended 2 session(s) of 'amira'\n")
    assert open_sessions(0) == 0
    assert open_sessions(1) == 1
    code, output = _run(
        db, "set-password", "amira", "--password-stdin", stdin="a brand new password\n"
    )
    assert (code, output) == (0, "changed the password of 'amira'; their sessions ended\n")
    assert open_sessions(0) == 0
    with session_scope(db) as session:
        assert authenticate(session, "amira", "correct horse battery") is None
    assert _run(db, "revoke-sessions", "ghost") == (1, "Error: no user named 'ghost'\n")


def test_roles_on_add_set_role_and_list(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    secret = "correct horse battery\n"
    assert _run(db, "add", "amira", "--password-stdin", stdin=secret) == (
        0,
        "added user 'amira' (admin)\n",
    )
    assert _run(db, "add", "vera", "--role", "viewer", "--password-stdin", stdin=secret) == (
        0,
        "added user 'vera' (viewer)\n",
    )
    code, output = _run(db, "add", "x", "--role", "boss", "--password-stdin", stdin=secret)
    assert code == 2 and "'boss' is not one of 'viewer', 'editor', 'admin'" in output
    assert _run(db, "set-role", "vera", "editor") == (0, "'vera' is now editor\n")
    assert _run(db, "set-role", "amira", "viewer") == (
        1,
        "Error: 'amira' is the only admin: make another account admin first\n",
    )
    assert _run(db, "set-role", "ghost", "viewer") == (1, "Error: no user named 'ghost'\n")
    listed = [line.split("\t")[:2] for line in _run(db, "list")[1].splitlines()]
    assert listed == [["amira", "admin"], ["vera", "editor"]]
