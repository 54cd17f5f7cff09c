"""Shared fixtures: real databases (SQLite files, PostgreSQL on loopback) and loopback outlets.

Tests that need PostgreSQL or Redis skip when the service is absent, unless
AGGREGATOR_REQUIRE_SERVICES=1 (as in CI), where absence fails the run.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from aggregator.demo.server import OutletServer

PG_ADMIN_URL = os.environ.get(
    "AGGREGATOR_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
REQUIRE_SERVICES = os.environ.get("AGGREGATOR_REQUIRE_SERVICES") == "1"
FIXTURES = Path(__file__).parent / "fixtures"
# Every test outlet serves on 127.0.0.1; the network policy refuses loopback unless allowed.
# Tests allow it the way an operator would (AGGREGATOR_ALLOW_NETWORKS); 127.0.0.2 and the rest
# of 127.0.0.0/8 stay refused, which tests/hostile/ relies on.
TEST_ALLOW_NETWORKS = "127.0.0.1/32"


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the developer's own database or sources file by accident; loopback outlets
    at 127.0.0.1 are allowed."""
    for name in list(os.environ):
        if name.startswith("AGGREGATOR_") and name not in {
            "AGGREGATOR_REQUIRE_SERVICES",
            "AGGREGATOR_TEST_PG",
        }:
            monkeypatch.delenv(name)
    monkeypatch.setenv("AGGREGATOR_ALLOW_NETWORKS", TEST_ALLOW_NETWORKS)


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    """Skip (or fail, in CI) when a service is not listening."""
    if _reachable(host, port):
        return
    message = f"{name} is not running on {host}:{port}"
    if REQUIRE_SERVICES:
        pytest.fail(f"{message} and AGGREGATOR_REQUIRE_SERVICES=1")
    pytest.skip(message)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite file."""
    return f"sqlite:///{tmp_path / 'aggregator.db'}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database, dropped after the test."""
    require_service("PostgreSQL", "127.0.0.1", 5432)
    from sqlalchemy import create_engine, text

    name = f"aggregator_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        from storage.db import get_engine

        get_engine(url).dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Run the test once on SQLite and once on PostgreSQL; the schema is migrated."""
    from storage.db import upgrade

    url: str = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    upgrade(url)
    return url


# Test runs of several worktrees share one Redis: each test claims a database of these for its
# duration (a key in database 0), so one run's flush never empties another run's queue.
REDIS_TEST_DATABASES = range(8, 16)
REDIS_CLAIM = "aggregator:tests:redis-db:"


@pytest.fixture
def redis_url() -> Iterator[str]:
    """Redis on loopback: a database of its own (8-15), flushed before the test."""
    require_service("Redis", REDIS_HOST, REDIS_PORT)
    import redis

    claims = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=0)
    token = uuid.uuid4().hex
    database = _claim_database(claims, token)
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=database)
    client.flushdb()
    client.close()
    try:
        yield f"redis://{REDIS_HOST}:{REDIS_PORT}/{database}"
    finally:
        if claims.get(REDIS_CLAIM + str(database)) == token.encode():
            claims.delete(REDIS_CLAIM + str(database))
        claims.close()


def _claim_database(claims: Any, token: str, wait: float = 300) -> int:
    """The first free test database, claimed for 30 minutes at most (a killed run's claim
    lapses); waits while every one is taken."""
    deadline = time.monotonic() + wait
    while True:
        for database in REDIS_TEST_DATABASES:
            if claims.set(REDIS_CLAIM + str(database), token, nx=True, ex=1800):
                return database
        if time.monotonic() > deadline:
            pytest.fail(f"every Redis test database ({REDIS_TEST_DATABASES}) stayed claimed")
        time.sleep(0.2)


@pytest.fixture
def serve_outlet() -> Iterator[Callable[[str | Path], OutletServer]]:
    """Start loopback servers for outlet folders; all are stopped after the test."""
    servers: list[OutletServer] = []

    def start(root: str | Path) -> OutletServer:
        server = OutletServer(root).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
