"""Slowing password guessing: too many failed logins for one name lock it for a while.

Kept in the serving process's memory: enough for one `aggregator serve`; a restart forgets.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

MAX_FAILURES = 5
WINDOW = 15 * 60.0
MAX_TRACKED = 10_000


class LoginThrottle:
    """Counts recent failures per username; ``blocked`` says when to refuse outright."""

    def __init__(self, max_failures: int = MAX_FAILURES, window: float = WINDOW) -> None:
        self.max_failures = max_failures
        self.window = window
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures[key]
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def blocked(self, username: str, now: float | None = None) -> bool:
        """Whether this name has failed too often lately."""
        now = time.monotonic() if now is None else now
        with self._lock:
            if username.lower() not in self._failures:
                return False
            return len(self._recent(username.lower(), now)) >= self.max_failures

    def failed(self, username: str, now: float | None = None) -> None:
        """Record a failed attempt."""
        now = time.monotonic() if now is None else now
        with self._lock:
            if len(self._failures) >= MAX_TRACKED:
                self._failures.clear()  # a flood of names: start over rather than grow
            self._recent(username.lower(), now).append(now)

    def succeeded(self, username: str) -> None:
        """Forget the failures of a name that just logged in."""
        with self._lock:
            self._failures.pop(username.lower(), None)
