"""Slowing password guessing: too many failed logins for one name from one address lock that
pair for a while.

Keyed by name *and* client address, so that someone who knows an editor's username cannot
lock the editor out from elsewhere: the guesser is locked, the editor's own address is not.
Behind a reverse proxy every client has the proxy's address unless ``aggregator serve
--forwarded-allow-ips`` names the proxy; the lock then falls back to the name alone, as if
one address made every attempt.

Kept in the serving process's memory: enough for one ``aggregator serve``; a restart forgets.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque

MAX_FAILURES = 5
WINDOW = 15 * 60.0
MAX_TRACKED = 10_000


class LoginThrottle:
    """Counts recent failures per (username, address); ``blocked`` says when to refuse."""

    def __init__(self, max_failures: int = MAX_FAILURES, window: float = WINDOW) -> None:
        self.max_failures = max_failures
        self.window = window
        # Oldest activity first: a flood of new names pushes out the stalest pairs, not the
        # pair being guessed at (its every failure moves it to the end).
        self._failures: OrderedDict[tuple[str, str], deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def blocked(self, username: str, address: str, now: float | None = None) -> bool:
        """Whether this name has failed too often lately from this address."""
        now = time.monotonic() if now is None else now
        with self._lock:
            times = self._failures.get(_key(username, address))
            return times is not None and len(self._recent(times, now)) >= self.max_failures

    def failed(self, username: str, address: str, now: float | None = None) -> None:
        """Record a failed attempt."""
        now = time.monotonic() if now is None else now
        key = _key(username, address)
        with self._lock:
            times = self._failures.pop(key, None) or deque()
            while len(self._failures) >= MAX_TRACKED:
                self._failures.popitem(last=False)
            self._failures[key] = times
            self._recent(times, now).append(now)

    def succeeded(self, username: str, address: str) -> None:
        """Forget the failures of a name that just logged in from this address."""
        with self._lock:
            self._failures.pop(_key(username, address), None)

    def _recent(self, times: deque[float], now: float) -> deque[float]:
        while times and times[0] <= now - self.window:
            times.popleft()
        return times


def _key(username: str, address: str) -> tuple[str, str]:
    return username.lower(), address
