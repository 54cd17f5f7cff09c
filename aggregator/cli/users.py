"""``aggregator users``: editors' accounts for the review page."""

from __future__ import annotations

import sys

import click

from aggregator.cli.context import App, pass_app

password_stdin = click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from standard input (for scripts) instead of prompting.",
)


ROLE_CHOICE = click.Choice(["viewer", "editor", "admin"])


@click.group()
def command() -> None:
    """Add, list and remove the accounts who can log in to the review page; give them a
    role (admin: users, sources, tokens; editor: act on articles; viewer: read only);
    change a password; end an account's sessions.

    \b
    Example: aggregator users add amira
    Example: aggregator users add karim --role viewer --password-stdin < karim.txt
    Example: aggregator users set-role karim editor
    Example: aggregator users revoke-sessions amira
    """


@command.command("add")
@click.argument("username")
@click.option(
    "--role",
    type=ROLE_CHOICE,
    default=None,
    help="What the account may do (default: admin for the first account, else editor).",
)
@password_stdin
@pass_app
def users_add(app: App, username: str, role: str | None, password_stdin: bool) -> None:
    """Create an account; the password is asked twice (or read from stdin).

    \b
    Example: aggregator users add amira
    Example: aggregator users add karim --role viewer
    """
    from storage.db import session_scope
    from storage.users import add_user

    password = _read_password(password_stdin)
    with session_scope(app.database()) as session:
        account = add_user(session, username, password, role=role)
    click.echo(f"added user {account.username!r} ({account.role})")


@command.command("set-role")
@click.argument("username")
@click.argument("role", type=ROLE_CHOICE)
@pass_app
def users_set_role(app: App, username: str, role: str) -> None:
    """Give an account another role (the last admin cannot be demoted); it takes effect on
    the account's next request, no new login needed.

    Example: aggregator users set-role karim editor
    """
    from storage.db import session_scope
    from storage.users import set_role

    with session_scope(app.database()) as session:
        account = set_role(session, username, role)
    click.echo(f"{account.username!r} is now {account.role}")


@command.command("set-password")
@click.argument("username")
@password_stdin
@pass_app
def users_set_password(app: App, username: str, password_stdin: bool) -> None:
    """Change an editor's password; every session of the editor ends.

    Example: aggregator users set-password amira
    """
    from storage.db import session_scope
    from storage.users import set_password

    password = _read_password(password_stdin)
    with session_scope(app.database()) as session:
        set_password(session, username, password)
    click.echo(f"changed the password of {username!r}; their sessions ended")


@command.command("revoke-sessions")
@click.argument("username")
@pass_app
def users_revoke_sessions(app: App, username: str) -> None:
    """End every session of an editor: each browser logged in as them must log in again.

    Example: aggregator users revoke-sessions amira
    """
    from storage.db import session_scope
    from storage.users import revoke_sessions

    with session_scope(app.database()) as session:
        count = revoke_sessions(session, username)
    click.echo(f"ended {count} session(s) of {username!r}")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@command.command("list")
@pass_app
def users_list(app: App) -> None:
    """List accounts with their role and last login.

    Example: aggregator users list
    """
    from storage.db import session_scope
    from storage.users import list_users

    with session_scope(app.database()) as session:
        accounts = list_users(session)
    if not accounts:
        click.echo("no users yet: aggregator users add NAME")
    for account in accounts:
        seen = (
            account.last_login_at.strftime("%Y-%m-%d %H:%M UTC")
            if account.last_login_at
            else "never"
        )
        click.echo(f"{account.username}\t{account.role}\tlast login: {seen}")


@command.command("remove")
@click.argument("username")
@pass_app
def users_remove(app: App, username: str) -> None:
    """Delete an account (its sessions end; its past actions keep its name).

    Example: aggregator users remove karim
    """
    from storage.db import session_scope
    from storage.users import remove_user

    with session_scope(app.database()) as session:
        remove_user(session, username)
    click.echo(f"removed user {username!r}")
