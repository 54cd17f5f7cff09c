"""Hostile probes of the login, against real ``aggregator serve`` processes on SQLite and
PostgreSQL: parallel guessing, spraying, restarts, two processes, tokens in logs, ids out of
range.

The evidence of a password check is the line each one writes to the serving log
(``password checked for ...``): no part of ours is mocked.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from storage.db import session_scope, upgrade
from storage.login_attempts import LoginLimits
from storage.secrets import export_token
from storage.users import add_user
from tests.hostile.serving import (
    Served,
    login_client,
    parallel_logins,
    post_login,
    serving,
    try_login,
)

PASSWORD = "correct horse battery"
GUESSER, EDITOR = "198.51.100.7", "192.0.2.10"
LIMITS = LoginLimits()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def newsroom(request: pytest.FixtureRequest) -> str:
    """A migrated database with the editor amira."""
    url: str = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    upgrade(url)
    with session_scope(url) as session:
        add_user(session, "amira", PASSWORD)
    return url


@pytest.fixture
def two_servers(newsroom: str, tmp_path: Path) -> Iterator[list[Served]]:
    """Two serve processes sharing the database."""
    with ExitStack() as stack:
        yield [stack.enter_context(serving(newsroom, tmp_path / f"serve{n}.log")) for n in (1, 2)]


def test_forty_parallel_wrong_logins_check_at_most_the_limit(two_servers: list[Served]) -> None:
    statuses = parallel_logins([s.base_url for s in two_servers], 40, GUESSER, "amira")
    checks = sum(server.password_checks() for server in two_servers)
    assert checks == LIMITS.per_name_and_address, [s.log_text() for s in two_servers]
    assert sorted(statuses) == [401] * checks + [429] * (40 - checks)
    # The lock holds on both processes, for the right password too.
    for server in two_servers:
        assert try_login(server.base_url, GUESSER, "amira", PASSWORD) == 429
        assert try_login(server.base_url, EDITOR, "amira", PASSWORD) == 303


def test_spraying_locks_the_address_and_a_restart_keeps_the_lock(
    newsroom: str, tmp_path: Path
) -> None:
    log = tmp_path / "serve.log"
    with serving(newsroom, log) as server:
        statuses = [try_login(server.base_url, GUESSER, f"name{n}", "spray") for n in range(12)]
        limit = LIMITS.per_address
        assert statuses == [401] * limit + [429] * (12 - limit)
        assert server.password_checks() == limit
    with serving(newsroom, log) as restarted:
        assert try_login(restarted.base_url, GUESSER, "amira", PASSWORD) == 429
        assert try_login(restarted.base_url, EDITOR, "amira", PASSWORD) == 303
        assert restarted.password_checks() == limit + 1  # only the editor's, since the restart
        assert "login refused for 'amira' from 198.51.100.7: address limit" in log.read_text()


def test_a_lock_made_on_one_process_holds_on_the_other(two_servers: list[Served]) -> None:
    first, second = two_servers
    for _ in range(LIMITS.per_name_and_address):
        assert try_login(first.base_url, GUESSER, "amira", "wrong guess") == 401
    assert try_login(second.base_url, GUESSER, "amira", PASSWORD) == 429
    assert second.password_checks() == 0


def test_tokens_stay_out_of_the_access_log_and_ids_out_of_range_are_404(
    newsroom: str, tmp_path: Path
) -> None:
    with session_scope(newsroom) as session:
        token = export_token(session, "atom")
    log = tmp_path / "serve.log"
    with serving(newsroom, log) as server:
        client, csrf = login_client(server.base_url, EDITOR)
        try:
            _probe_exports_and_ids(client, csrf, token)
        finally:
            client.close()
    text = log.read_text()
    assert token not in text
    assert "wrong-guess" not in text
    assert "/export/atom.xml?token=[redacted]&language=ar" in text
    assert 'GET /articles/99999999999999999999 HTTP/1.1" 404' in text
    assert "Traceback" not in text


def _probe_exports_and_ids(client: httpx.Client, csrf: str, token: str) -> None:
    assert client.get(f"/export/atom.xml?token={token}&language=ar").status_code == 200
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/export/atom.xml", headers=headers).status_code == 200
    assert client.get("/export/atom.xml?token=wrong-guess").status_code == 403
    assert post_login(client, csrf, "amira", PASSWORD) == 303
    for raw in ("99999999999999999999", "-1", "abc"):
        assert client.get(f"/articles/{raw}").status_code == 404
    assert client.get("/api/articles?before=1.99999999999999999999").status_code == 200
