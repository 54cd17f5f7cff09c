"""The story desk in a real browser (Playwright driving Debian's Chromium).

A store with one story across en/fr/ar (made through the storage API): the feed shows it as
one row with language badges; its story view lists the members and draws the chain; the
editor merges another story into it and splits the Arabic article out, and the story's
editorial history records both. Nothing scraped runs. Skips when /usr/bin/chromium is absent,
unless AGGREGATOR_REQUIRE_SERVICES=1.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from storage.db import upgrade

from .review_seed import seed
from .story_seed import seed_stories, story_of
from .test_browser import _direction, _log_in, browser_page, serving

pytestmark = pytest.mark.browser
__all__ = ["browser_page"]  # the fixture, shared with the other browser tests


@pytest.fixture
def story_site(sqlite_url: str) -> Iterator[tuple[str, dict[str, int]]]:
    """The sample newsroom plus the NSO and port-strike stories, served."""
    upgrade(sqlite_url)
    seed(sqlite_url)
    ids = seed_stories(sqlite_url)
    with serving(sqlite_url) as base:
        yield base, ids


def _badges(page: Any, selector: str) -> list[str]:
    return [t.strip() for t in page.locator(f"{selector} .lang-badge").all_text_contents()]


def test_fold_explain_merge_and_split_a_story(
    browser_page: Any, story_site: tuple[str, dict[str, int]], sqlite_url: str
) -> None:
    page, (base, ids) = browser_page, story_site
    nso, port = ids["nso_story"], ids["port_story"]
    _log_in(page, base)
    # The feed: one row for the story (its English origin), with its three languages.
    row = f'article.item[data-id="{ids["en"]}"]'
    assert page.locator(row).count() == 1
    for other in (ids["fr"], ids["ar"]):
        assert page.locator(f'article.item[data-id="{other}"]').count() == 0
    assert _badges(page, row) == ["en", "ar", "fr"]
    assert page.text_content(f"{row} .also-langs") == "also in ar, fr"
    page.click(f"{row} a.story-link")
    page.wait_for_url(f"**/stories/{nso}**")
    # The story view: members by language, the Arabic one right to left, the chain drawn.
    groups = page.locator(".language-group")
    assert [groups.nth(i).get_attribute("data-language") for i in range(groups.count())] == [
        "en",
        "fr",
        "ar",
    ]
    assert _direction(page, f'li.member[data-id="{ids["ar"]}"] .member-title') == "rtl"
    assert page.text_content(f'li.member[data-id="{ids["fr"]}"] .confidence') == "87%"
    assert "rapporte The Guardian" in (page.text_content(f'li.member[data-id="{ids["fr"]}"]') or "")
    assert page.locator("#story-graph g.node").count() == 3
    assert page.locator("#story-graph g.edge").count() == 2
    box = page.locator("#story-graph").bounding_box()
    assert box is not None and box["width"] > 400 and box["height"] > 40
    origin = page.locator("#story-graph g.node.origin")
    assert origin.get_attribute("data-article") == str(ids["en"])
    # Merge the port-strike story into this one.
    page.select_option("#merge-other", str(port))
    page.click("#merge")
    page.wait_for_selector(f'li.member[data-id="{ids["port_fr"]}"]')
    assert page.locator("li.member").count() == 5
    assert page.locator("#story-graph g.node").count() == 5
    # Split the Arabic republication out.
    page.click(f'li.member[data-id="{ids["ar"]}"] button.btn-split')
    page.wait_for_selector(f'.split-out li[data-id="{ids["ar"]}"]')
    assert page.locator(f'li.member[data-id="{ids["ar"]}"]').count() == 0
    assert story_of(sqlite_url, ids["ar"]) is None
    history = page.locator("#story-history li")
    assert [history.nth(i).get_attribute("data-action") for i in range(history.count())] == [
        "split",
        "merge",
    ]
    assert "amira" in (history.nth(0).text_content() or "")
    assert f"story {port} into story {nso}" in (history.nth(1).text_content() or "")
    # Back in the feed the Arabic article is its own row again; the story lost its ar badge.
    page.goto(base + "/")
    assert page.locator(f'article.item[data-id="{ids["ar"]}"]').count() == 1
    assert _badges(page, row) == ["en", "fr"]
    assert page.dialogs == []
    assert page.locator("img").count() == 0
