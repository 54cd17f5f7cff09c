"""A source's article requests in one run: a budget, shared fairly between its listings.

Listings announce candidates (the entries the frontier found worth fetching). Rather than
request them as each listing answers, the spider queues them here and hands them out once every
listing of the source asked for so far has answered: newest first within a listing, one
listing at a time in turn, until the source's ``max_articles`` are spent. So a hostile listing
of 100,000 fresh junk entries takes one turn in each round like the source's normal feed, and
cannot keep its real articles from being fetched in the run; what the budget leaves waits for the
next run (the listing's validators are not kept, so it is read again) and is a warning.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

from aggregator.discovery.feeds import Entry
from aggregator.discovery.limits import newest_key


@dataclass(frozen=True)
class Candidate:
    """An entry worth a request, and where it was found."""

    entry: Entry
    origin: str  # feed | sitemap | links
    via: str  # the listing's URL
    link_depth: int | None = None


class ArticleBudget:
    """One source's queue of candidates and the requests it may still make in this run."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.spent = 0
        self.pending = 0  # listings requested that have not answered yet
        self._queues: dict[str, deque[Candidate]] = {}
        self._listing_meta: dict[str, dict[str, Any]] = {}

    @property
    def waiting(self) -> int:
        """Candidates queued and not requested (yet, or in this run at all)."""
        return sum(len(queue) for queue in self._queues.values())

    @property
    def exhausted(self) -> bool:
        return self.spent >= self.limit

    def listing_requested(self) -> None:
        self.pending += 1

    def listing_done(self) -> None:
        self.pending = max(0, self.pending - 1)

    def add(
        self, via: str, candidates: list[Candidate], meta: dict[str, Any] | None = None
    ) -> None:
        """Queue a listing's candidates, newest first (undated last, else in listing order).

        ``meta`` is the listing response's meta: if the budget leaves some of its candidates
        behind, its validators must not be kept, or the next run would get a 304 for it.
        """
        if meta is not None:
            self._listing_meta[via] = meta
        if not candidates:
            return
        queue = self._queues.setdefault(via, deque())
        merged = [*queue, *candidates]
        merged.sort(key=lambda c: newest_key(c.entry), reverse=True)  # stable: ties keep order
        queue.clear()
        queue.extend(merged)
        self._forget_validators_of_leftovers()

    def release(self, *, force: bool = False) -> list[Candidate]:
        """The candidates to request now: none while listings are still to answer (unless
        ``force``), then round-robin over the listings until the budget is spent."""
        if self.pending and not force:
            return []
        released: list[Candidate] = []
        while not self.exhausted and self.waiting:
            for queue in self._queues.values():
                if queue and not self.exhausted:
                    released.append(queue.popleft())
                    self.spent += 1
        self._forget_validators_of_leftovers()
        return released

    def _forget_validators_of_leftovers(self) -> None:
        if not self.exhausted:
            return
        for via, queue in self._queues.items():
            meta = self._listing_meta.get(via)
            if queue and meta is not None:
                meta["conditional"] = False

    def warning(self) -> dict[str, Any] | None:
        """The run's warning when the budget left candidates behind, else None."""
        left = self.waiting
        if not left or not self.exhausted:
            return None
        total = self.spent + left
        return {
            "kind": "budget",
            "listing": None,
            "kept": self.spent,
            "total": total,
            "message": (
                f"article budget spent: requested {self.spent:,} of {total:,} candidates "
                f"(max_articles: {self.limit}), newest first, each listing in turn; "
                "the rest wait for the next run"
            ),
        }
