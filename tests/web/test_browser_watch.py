"""The watch flow in a real browser (Playwright driving Debian's Chromium): add a watch in
Latin script, accept the Arabic alias the aggregator proposes, see the Arabic article hit in
the filtered article list. Skips when /usr/bin/chromium is absent, unless
AGGREGATOR_REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from storage.article_record import ArticleRecord
from storage.db import session_scope, upgrade
from storage.ingest import save_article
from storage.sources import source_id
from tests.watch.texts import ARABIC_PEGASUS

from .review_seed import seed
from .test_browser import _log_in, browser_page, serving  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


@pytest.fixture
def watch_site(sqlite_url: str) -> Iterator[tuple[str, dict[str, int]]]:
    """The seeded newsroom plus an Arabic article naming Pegasus with a clitic, served."""
    upgrade(sqlite_url)
    ids = seed(sqlite_url)
    with session_scope(sqlite_url) as session:
        outlet = source_id(session, "aljazeera")
        assert outlet is not None
        record = ArticleRecord(
            source_id=outlet,
            url="https://www.aljazeera.net/news/2026/11/20/pegasus",
            body=ARABIC_PEGASUS.replace(" بيغاسوس", " وبيغاسوس"),
            title="منظمة العفو الدولية توثق استخدام برنامج التجسس",
            language="ar",
            fetched_at=datetime(2026, 11, 20, 11, 0, tzinfo=UTC),
        )
        ids["ar_pegasus"] = save_article(session, record).article_id
    with serving(sqlite_url) as base:
        yield base, ids


def _until(page: Any, check: Callable[[], bool], what: str, seconds: float = 30) -> None:
    """Reload until ``check`` holds: the backfill and proposals run after the response."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {seconds} s")
        time.sleep(0.2)
        page.reload()


def test_add_a_latin_watch_accept_its_arabic_alias_and_see_the_arabic_hit(
    browser_page: Any,  # noqa: F811
    watch_site: tuple[str, dict[str, int]],
) -> None:
    page, (base, ids) = browser_page, watch_site
    _log_in(page, base)
    page.click("#watches-link")
    page.wait_for_url(base + "/watches")
    page.fill("#watch-term", "Pegasus")
    page.click("#watch-add")
    page.wait_for_url("**/watches#watch-*")
    proposal = 'tr.alias-proposed[data-alias="بيغاسوس"]'
    _until(page, lambda: page.locator(proposal).count() == 1, "the Arabic proposal")
    assert "transliteration" in (page.text_content(proposal) or "")
    # Before accepting: the French NSO report hits, the Arabic article does not.
    page.click("a.watch-feed")
    page.wait_for_url("**/?watch=*")
    listed = page.locator("article.item")
    assert [listed.nth(i).get_attribute("data-id") for i in range(listed.count())] == [
        str(ids["nso"])
    ]
    assert page.text_content("#watch-hits") == "1"
    page.go_back()
    page.click(f"{proposal} button.alias-accept")
    page.wait_for_selector('tr.alias-accepted[data-alias="بيغاسوس"]')
    page.click("a.watch-feed")
    page.wait_for_url("**/?watch=*")
    arabic = f'article.item[data-id="{ids["ar_pegasus"]}"]'
    _until(page, lambda: page.locator(arabic).count() == 1, "the Arabic hit")
    assert page.locator("article.item").count() == 2
    title = page.locator(f"{arabic} h2.title")
    assert title.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert page.text_content("#watch-hits") == "2"
    assert page.dialogs == []
