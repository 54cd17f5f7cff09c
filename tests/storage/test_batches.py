"""BatchWriter: transactions per batch, isolation of a bad record, waiting out an outage."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from storage.articles import Article
from storage.batches import BatchWriter, is_transient
from storage.db import get_engine, session_scope, upgrade
from storage.sources import sync_source
from tests.storage.conftest import SEEDS, record


def _source(url: str) -> int:
    with session_scope(url) as session:
        return sync_source(
            session,
            "daily",
            label=None,
            homepage="https://daily.example/",
            languages=["fr"],
            timezone="UTC",
            enabled=True,
            schedule=None,
            config={},
        ).id


def test_batch_is_written_in_one_go(database_url: str) -> None:
    source = _source(database_url)
    writer = BatchWriter(database_url)
    results = writer.write(
        [
            record(source, f"https://daily.example/{key}", seed["body"])
            for key, seed in SEEDS.items()
        ]
    )
    assert [r.outcome.kind for r in results if r.outcome] == ["stored"] * len(SEEDS)
    assert writer.retried == 0


def test_bad_record_is_isolated(database_url: str) -> None:
    source = _source(database_url)
    results = BatchWriter(database_url).write(
        [
            record(source, "https://daily.example/a", SEEDS["ar-weather"]["body"]),
            record(source + 999, "https://daily.example/b", SEEDS["ar-uae-trade"]["body"]),
            record(source, "https://daily.example/c", SEEDS["fr-enquete-greve"]["body"]),
        ]
    )
    assert results[0].outcome and results[2].outcome and results[1].error
    assert results[1].outcome is None
    with session_scope(database_url) as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 2


class _LateForwarder:
    """A TCP port that refuses connections at first, then forwards to PostgreSQL."""

    def __init__(self, delay: float) -> None:
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()  # nothing listens yet: connections are refused
        self.server: socket.socket | None = None
        self.timer = threading.Timer(delay, self._listen)
        self.timer.start()

    def _listen(self) -> None:
        self.server = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        assert self.server is not None
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", 5432))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            target.close()

    def close(self) -> None:
        self.timer.cancel()
        if self.server is not None:
            self.server.close()


@pytest.fixture
def late_pg(pg_url: str) -> Iterator[tuple[str, int]]:
    """A PostgreSQL URL that becomes reachable one second from now, and a source id."""
    upgrade(pg_url)
    source = _source(pg_url)
    forwarder = _LateForwarder(delay=1.0)
    url = make_url(pg_url).set(port=forwarder.port).render_as_string(hide_password=False)
    yield url, source
    get_engine(url).dispose()
    forwarder.close()


@pytest.mark.postgres
def test_briefly_unreachable_postgres_is_waited_out(late_pg: tuple[str, int]) -> None:
    url, source = late_pg
    writer = BatchWriter(url, backoff=0.2, backoff_max=0.5, retries=20)
    results = writer.write(
        [record(source, "https://daily.example/pg", SEEDS["ar-weather"]["body"])]
    )
    assert results[0].outcome is not None and results[0].outcome.kind == "stored"
    assert writer.retried >= 1


@pytest.mark.postgres
def test_unreachable_postgres_gives_up_with_the_reason(pg_url: str) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    url = make_url(pg_url).set(port=port).render_as_string(hide_password=False)
    writer = BatchWriter(url, backoff=0.01, retries=2)
    results = writer.write([record(1, "https://daily.example/x", SEEDS["ar-weather"]["body"])])
    assert results[0].outcome is None and results[0].error
    assert "connect" in results[0].error.lower() or "refused" in results[0].error.lower()
    assert writer.retried == 2
    get_engine(url).dispose()


def test_is_transient_knows_locks_but_not_bugs() -> None:
    from sqlalchemy.exc import IntegrityError, OperationalError

    locked = OperationalError("INSERT", {}, Exception("database is locked"))
    assert is_transient(locked)
    assert not is_transient(IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed")))
    assert not is_transient(ValueError("bad data"))
