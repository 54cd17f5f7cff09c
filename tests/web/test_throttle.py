"""The login throttle: per name and address, forgets old failures and a successful login."""

from __future__ import annotations

import pytest

from aggregator.web import throttle as throttle_module
from aggregator.web.throttle import LoginThrottle

HOME, ELSEWHERE = "192.0.2.10", "198.51.100.7"


def test_failures_expire_and_success_resets() -> None:
    throttle = LoginThrottle(max_failures=3, window=60)
    for t in (0, 1, 2):
        throttle.failed("Amira", HOME, now=t)
    assert throttle.blocked("amira", HOME, now=3)
    assert not throttle.blocked("karim", HOME, now=3)
    assert not throttle.blocked("amira", HOME, now=60.5)  # the first failure left the window
    throttle.failed("amira", HOME, now=60.5)
    assert throttle.blocked("amira", HOME, now=60.5)
    throttle.succeeded("AMIRA", HOME)
    assert not throttle.blocked("amira", HOME, now=60.5)


def test_a_guesser_elsewhere_does_not_lock_the_editor_out() -> None:
    throttle = LoginThrottle(max_failures=3, window=60)
    for t in range(10):
        throttle.failed("amira", ELSEWHERE, now=t)
    assert throttle.blocked("amira", ELSEWHERE, now=10)
    assert not throttle.blocked("amira", HOME, now=10)


def test_a_flood_of_names_evicts_the_stalest_pairs_not_the_guessed_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(throttle_module, "MAX_TRACKED", 50)
    throttle = LoginThrottle(max_failures=3, window=1000)
    for t in range(3):
        throttle.failed("karim", ELSEWHERE, now=t)
        throttle.failed("amira", ELSEWHERE, now=t)
    assert throttle.blocked("karim", ELSEWHERE, now=3)
    for n in range(200):
        throttle.failed(f"name{n}", ELSEWHERE, now=4)
        if n % 40 == 0:  # the guesser keeps trying the name it is after
            throttle.failed("amira", ELSEWHERE, now=4)
    assert throttle.blocked("amira", ELSEWHERE, now=5)
    assert not throttle.blocked("karim", ELSEWHERE, now=5)  # the stalest pair, pushed out
