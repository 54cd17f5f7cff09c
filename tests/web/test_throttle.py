"""The login throttle forgets old failures and a successful login."""

from __future__ import annotations

from aggregator.web.throttle import LoginThrottle


def test_failures_expire_and_success_resets() -> None:
    throttle = LoginThrottle(max_failures=3, window=60)
    for t in (0, 1, 2):
        throttle.failed("Amira", now=t)
    assert throttle.blocked("amira", now=3)
    assert not throttle.blocked("karim", now=3)
    assert not throttle.blocked("amira", now=60.5)  # the first failure left the window
    throttle.failed("amira", now=60.5)
    assert throttle.blocked("amira", now=60.5)
    throttle.succeeded("AMIRA")
    assert not throttle.blocked("amira", now=60.5)
