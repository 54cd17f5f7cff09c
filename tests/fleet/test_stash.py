"""The page stash on a real Redis: a page comes back as it went in, and the bounds hold."""

from __future__ import annotations

import time

import pytest

from aggregator.fleet.stash import PageStash, StashedPage

pytestmark = pytest.mark.redis


def page(url: str, size: int) -> StashedPage:
    headers = [("Content-Type", ["text/html"]), ("Set-Cookie", ["a=1", "b=2"])]
    return StashedPage(url, 200, headers, b"\x00\xff" + b"x" * (size - 2))


def test_a_page_comes_back_whole_and_is_forgotten_once_deleted(redis_url: str) -> None:
    stash = PageStash(redis_url, prefix="t:", ttl_ms=60_000)
    sent = page("http://127.0.0.1/news/1", 5000)
    assert stash.put("one", sent)
    assert stash.get("one", sent.url) == sent
    assert stash.get("two", sent.url) is None  # per source
    assert stash.stashed_keys("one") == {stash.key("one", sent.url)}
    stash.delete([stash.key("one", sent.url)])
    assert stash.get("one", sent.url) is None
    assert stash.total() == 0


def test_the_stash_stays_within_its_bounds_and_expired_pages_free_their_room(
    redis_url: str,
) -> None:
    stash = PageStash(redis_url, prefix="t:", ttl_ms=300, page_bytes=4000, total_bytes=10_000)
    assert not stash.put("s", page("http://h/too-large", 5000))
    assert stash.put("s", page("http://h/a", 3000))
    assert stash.put("s", page("http://h/b", 3000))
    assert stash.put("s", page("http://h/a", 3000))  # the same page again takes no more room
    assert stash.put("s", page("http://h/c", 3000))
    assert not stash.put("s", page("http://h/d", 3000))  # full
    assert stash.get("s", "http://h/d") is None
    time.sleep(0.4)  # past the TTL: the pages expired, and the next put counts them out
    assert stash.put("s", page("http://h/d", 3000))
    assert 3000 < stash.total() < 4000
    assert stash.stashed_keys("s") == {stash.key("s", "http://h/d")}
