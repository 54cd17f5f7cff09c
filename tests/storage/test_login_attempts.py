"""Login counters in the database: per name and address, per address, per name; atomic,
so that many logins at once reserve no more attempts than the limit."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from storage.db import session_scope
from storage.login_attempts import LoginLimits, attempts_of, release_login, reserve_login

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LIMITS = LoginLimits(
    per_name_and_address=3, per_address=5, per_name=8, window=timedelta(minutes=10)
)
GUESSER, EDITOR = "198.51.100.7", "192.0.2.10"


def _try(url: str, name: str, address: str, at: datetime = T0) -> str | None:
    with session_scope(url) as session:
        return reserve_login(session, name, address, limits=LIMITS, now=at)


def test_a_name_from_one_address_is_locked_after_the_limit(database_url: str) -> None:
    results = [_try(database_url, "amira", GUESSER) for _ in range(4)]
    assert results == [None, None, None, "name and address"]
    assert _try(database_url, "AMIRA", GUESSER) == "name and address"  # case does not help
    assert _try(database_url, "amira", EDITOR) is None  # the editor elsewhere gets in
    with session_scope(database_url) as session:  # the refusals counted nothing
        assert attempts_of(session, "amira", GUESSER) == {
            "name and address": 3,
            "address": 3,
            "name": 4,
        }


def test_spraying_names_from_one_address_locks_the_address(database_url: str) -> None:
    results = [_try(database_url, f"name{n}", GUESSER) for n in range(7)]
    assert results == [None] * 5 + ["address"] * 2
    assert _try(database_url, "amira", EDITOR) is None


def test_a_name_guessed_from_everywhere_is_locked(database_url: str) -> None:
    results = [_try(database_url, "amira", f"203.0.113.{n}") for n in range(9)]
    assert results == [None] * 8 + ["name"]


def test_the_window_ends(database_url: str) -> None:
    for _ in range(3):
        _try(database_url, "amira", GUESSER)
    assert _try(database_url, "amira", GUESSER, T0 + timedelta(minutes=9)) == "name and address"
    assert _try(database_url, "amira", GUESSER, T0 + timedelta(minutes=10)) is None


def test_a_successful_login_gives_its_reservations_back(database_url: str) -> None:
    for _ in range(2):
        _try(database_url, "amira", EDITOR)
    with session_scope(database_url) as session:
        release_login(session, "amira", EDITOR, limits=LIMITS, now=T0)
        assert attempts_of(session, "amira", EDITOR) == {
            "name and address": 0,
            "address": 1,
            "name": 1,
        }


def test_logins_at_once_reserve_no_more_than_the_limit(database_url: str) -> None:
    """40 threads, each in its own transaction, start together: exactly 3 get through."""
    start = threading.Barrier(40)
    results: list[str | None] = []
    lock = threading.Lock()

    def attempt() -> None:
        start.wait()
        outcome = _try(database_url, "amira", GUESSER)
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=attempt) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 40
    assert results.count(None) == 3
    with session_scope(database_url) as session:
        assert attempts_of(session, "amira", GUESSER)["name and address"] == 3
