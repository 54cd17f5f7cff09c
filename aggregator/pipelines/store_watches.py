"""Watch matching at store time, for the store stage (:mod:`aggregator.pipelines.store`).

The active watches are compiled once per crawl into a
:class:`~aggregator.watch.matcher.WatchSet` and recompiled only when
:func:`storage.watches.watch_state` changes, checked at most every ``refresh`` seconds
(AGGREGATOR_WATCH_REFRESH [30]); each committed batch then costs one read of its articles'
text and one look-up per token. Matching runs after the batch committed, in its own
transaction: a failure here is logged and counted (``aggregator/watch/errors``) and never
costs a stored article.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence

from aggregator.watch.matcher import WatchSet
from storage.batches import BatchWriter
from storage.db import Session
from storage.watches import active_watch_set, match_stored, watch_state

logger = logging.getLogger(__name__)
MATCHED = ("stored", "near_duplicate", "updated")


class StoreTimeWatches:
    """The crawl's compiled watches, refreshed when an editor changes them."""

    def __init__(
        self,
        writer: BatchWriter,
        *,
        refresh: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.writer = writer
        self.refresh = refresh
        self.clock = clock
        self.watch_set: WatchSet | None = None
        self.state: tuple[object, ...] | None = None
        self.checked_at = 0.0
        self.hits = 0
        self.errors = 0

    def match(self, article_ids: Sequence[int]) -> int:
        """Match these just-committed articles; the number of new hits (0 on failure)."""
        if not article_ids:
            return 0
        try:
            added = self.writer.run(lambda s: self._match(s, article_ids))
        except Exception:
            self.errors += 1
            logger.exception("watch matching failed for %d stored articles", len(article_ids))
            return 0
        self.hits += added
        return added

    def _match(self, session: Session, article_ids: Sequence[int]) -> int:
        now = self.clock()
        if self.watch_set is None or now - self.checked_at >= self.refresh:
            state = watch_state(session)
            if self.watch_set is None or state != self.state:
                self.watch_set = active_watch_set(session)
                self.state = state
            self.checked_at = now
        return match_stored(session, self.watch_set, article_ids)
