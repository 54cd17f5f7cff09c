"""Hostile probes of the login, end to end against a real ``aggregator serve``.

``probes()`` returns (name, probe) pairs; each probe runs once against one serve process
(started by ``probes()`` on a fresh SQLite database, or AGGREGATOR_BENCH_DATABASE_URL) and
raises AssertionError when the defence it probes gave way. Every probe speaks from its own
made-up client address (through the trusted proxy header), so probes and repetitions do not
lock each other out. The lead's runner measures each probe's time and peak memory.

Usage (a quick run without the runner):
    python bench/hostile_logins.py
"""

from __future__ import annotations

import atexit
import itertools
import os
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The script's folder holds bench/storage.py, which would shadow the storage package.
sys.path[0] = str(ROOT)

import httpx  # noqa: E402

from storage.db import session_scope, upgrade  # noqa: E402
from storage.login_attempts import LoginLimits  # noqa: E402
from storage.secrets import export_token  # noqa: E402
from storage.users import add_user  # noqa: E402
from tests.hostile.serving import (  # noqa: E402
    Served,
    login_client,
    parallel_logins,
    post_login,
    serving,
    try_login,
)
from tests.web.client_helpers import csrf_of  # noqa: E402

PASSWORD = "correct horse battery"
LIMITS = LoginLimits()
_addresses = (f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" for n in itertools.count(1))
_server: list[tuple[Served, str]] = []


def _served() -> tuple[Served, str]:
    """The shared serve process and its database URL, started on first use."""
    if not _server:
        folder = Path(tempfile.mkdtemp(prefix="hostile-logins-"))
        url = os.environ.get("AGGREGATOR_BENCH_DATABASE_URL") or f"sqlite:///{folder / 'a.db'}"
        upgrade(url)
        stack = ExitStack()
        atexit.register(stack.close)
        _server.append((stack.enter_context(serving(url, folder / "serve.log")), url))
    return _server[0]


def _logged_in() -> httpx.Client:
    """A client logged in as a fresh editor (so a probe never meets an earlier one's lock)."""
    server, url = _served()
    name = f"ed{time.time_ns()}"
    with session_scope(url) as session:
        add_user(session, name, PASSWORD)
    client, token = login_client(server.base_url, next(_addresses))
    assert post_login(client, token, name, PASSWORD) == 303
    return client


def parallel_wrong_logins() -> None:
    """40 wrong logins for one name from one address at once: at most 5 password checks."""
    server, _ = _served()
    before = server.password_checks()
    statuses = parallel_logins([server.base_url], 40, next(_addresses), "amira")
    checks = server.password_checks() - before
    assert checks <= LIMITS.per_name_and_address, checks
    assert statuses.count(429) == 40 - checks, statuses


def spraying() -> None:
    """12 names from one address: the address is locked after 10."""
    server, _ = _served()
    address = next(_addresses)
    statuses = [try_login(server.base_url, address, f"spray{n}", "spray spray") for n in range(12)]
    assert statuses[-1] == 429, statuses


def logout_revokes() -> None:
    """Log in, copy the cookie, log out: the copy gets the login page."""
    server, _ = _served()
    client = _logged_in()
    try:
        copied = client.cookies["aggregator_session"]
        client.post("/logout", data={"csrf": csrf_of(client.get("/").text)})
    finally:
        client.close()
    thief, _ = login_client(server.base_url, next(_addresses))
    try:
        thief.cookies.set("aggregator_session", copied)
        response = thief.get("/")
        assert response.status_code == 303 and "/login" in response.headers["location"]
    finally:
        thief.close()


def ids_out_of_range() -> None:
    """A logged-in editor asks for ids no article can have: 404s, never 500."""
    client = _logged_in()
    try:
        for raw in ("99999999999999999999", "-1", "abc"):
            assert client.get(f"/articles/{raw}").status_code == 404, raw
        assert client.get("/api/articles?before=1.99999999999999999999").status_code == 200
    finally:
        client.close()


def token_in_query_string() -> None:
    """An export fetched with ?token= and with a header: the token never reaches the log."""
    server, url = _served()
    with session_scope(url) as session:
        token = export_token(session, "rss")
    client, _ = login_client(server.base_url, next(_addresses))
    try:
        assert client.get(f"/export/rss.xml?token={token}").status_code == 200
        headers = {"Authorization": f"Bearer {token}"}
        assert client.get("/export/rss.xml", headers=headers).status_code == 200
    finally:
        client.close()
    assert token not in server.log_text()


def probes() -> list[tuple[str, Callable[[], None]]]:
    """The probes, by name; the serve process is started here, so no probe pays for it."""
    _served()
    return [
        ("40 parallel wrong logins", parallel_wrong_logins),
        ("spraying 12 names", spraying),
        ("logout, then the old cookie", logout_revokes),
        ("article ids out of range", ids_out_of_range),
        ("export token in the query string", token_in_query_string),
    ]


def main() -> None:
    for name, probe in probes():
        started = time.perf_counter()
        probe()
        print(f"{name}: ok in {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
