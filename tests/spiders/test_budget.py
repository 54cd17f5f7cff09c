"""The article budget: newest first, listings in turn, nothing requested before all answered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aggregator.discovery.feeds import Entry
from aggregator.spiders.budget import ArticleBudget, Candidate

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def candidates(via: str, count: int, hours_ago: int = 0) -> list[Candidate]:
    when = NOW - timedelta(hours=hours_ago)
    return [Candidate(Entry(f"{via}/{n}", published_at=when), "feed", via) for n in range(count)]


def urls(released: list[Candidate]) -> list[str]:
    return [c.entry.url for c in released]


def test_nothing_is_released_while_a_listing_is_still_to_answer() -> None:
    budget = ArticleBudget(10)
    budget.listing_requested()
    budget.listing_requested()
    budget.add("junk", candidates("junk", 100))
    budget.listing_done()
    assert budget.release() == []  # the normal feed has not answered yet
    budget.add("news", candidates("news", 3, hours_ago=1))
    budget.listing_done()
    released = urls(budget.release())
    assert len(released) == 10
    assert {"news/0", "news/1", "news/2"} <= set(released[:6])  # each listing in turn


def test_fresh_junk_does_not_crowd_out_older_real_articles() -> None:
    budget = ArticleBudget(4)
    budget.add("junk", candidates("junk", 100_000))  # all dated now
    budget.add("news", candidates("news", 3, hours_ago=1))
    assert urls(budget.release()) == ["junk/0", "news/0", "junk/1", "news/1"]
    assert budget.waiting == 100_000 - 2 + 1
    warning = budget.warning()
    assert warning is not None and (warning["kept"], warning["total"]) == (4, 100_003)
    assert "max_articles: 4" in warning["message"]


def test_newest_first_within_a_listing_undated_last() -> None:
    budget = ArticleBudget(10)
    entries = [
        Candidate(Entry("u"), "sitemap", "s"),
        Candidate(Entry("old", published_at=NOW - timedelta(days=2)), "sitemap", "s"),
        Candidate(Entry("new", published_at=NOW), "sitemap", "s"),
    ]
    budget.add("s", entries)
    assert urls(budget.release()) == ["new", "old", "u"]
    assert budget.warning() is None  # nothing left behind


def test_leftovers_keep_their_listing_from_a_304_next_run() -> None:
    budget = ArticleBudget(2)
    junk_meta: dict[str, Any] = {"conditional": True}
    news_meta: dict[str, Any] = {"conditional": True}
    budget.add("junk", candidates("junk", 5), junk_meta)
    budget.add("news", candidates("news", 1), news_meta)
    budget.release()
    assert junk_meta["conditional"] is False  # read again next run: 4 still to fetch
    assert news_meta["conditional"] is True  # all of it was requested


def test_force_releases_when_a_listing_never_answered() -> None:
    budget = ArticleBudget(5)
    budget.listing_requested()
    budget.add("news", candidates("news", 2))
    assert budget.release() == []
    assert len(budget.release(force=True)) == 2
