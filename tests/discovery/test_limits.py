"""The listing limits: newest entries kept in listing order, and the words of a cut."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aggregator.discovery.feeds import Entry
from aggregator.discovery.limits import MAX_LISTING_BYTES, cut_message, keep_newest

DAY = datetime(2026, 12, 1, tzinfo=UTC)


def entry(name: str, days_ago: int | None) -> Entry:
    when = None if days_ago is None else DAY - timedelta(days=days_ago)
    return Entry(f"http://x.test/{name}", published_at=when)


def test_keep_newest_keeps_the_newest_in_listing_order_undated_last() -> None:
    entries = [entry("old", 9), entry("undated", None), entry("new", 0), entry("mid", 3)]
    kept, total = keep_newest(iter(entries), 2)
    assert [e.url.rsplit("/", 1)[1] for e in kept] == ["new", "mid"] and total == 4
    kept, _ = keep_newest(entries, 3)
    assert [e.url.rsplit("/", 1)[1] for e in kept] == ["old", "new", "mid"]
    kept, _ = keep_newest(entries, 10)
    assert kept == entries  # nothing cut: the listing as it was


def test_on_equal_dates_the_earlier_entries_stay() -> None:
    entries = [entry(str(n), 0) for n in range(10)]
    kept, total = keep_newest(entries, 3)
    assert [e.url for e in kept] == [e.url for e in entries[:3]] and total == 10


def test_cut_message_names_listing_counts_and_bytes() -> None:
    assert cut_message("http://x.test/f.xml", 10, 10, 500, truncated=False) is None
    message = cut_message("http://x.test/f.xml", 5000, 6000, 500, truncated=False)
    assert message == "listing http://x.test/f.xml cut: kept 5,000 of 6,000 entries (newest first)"
    message = cut_message("http://x.test/f.xml", 30, 30, MAX_LISTING_BYTES, truncated=True)
    assert message is not None
    assert "kept 30 of 30+ entries" in message
    assert f"read only the first {MAX_LISTING_BYTES:,} bytes" in message
