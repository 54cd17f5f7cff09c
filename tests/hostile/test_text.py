"""Hostile text, crawled end to end: pages that lie about their charset, nest 10,000 levels
deep or state impossible dates are stored right, with a warning naming what was wrong, next
to the good article of the same source. Nothing is lost.
"""

from __future__ import annotations

import subprocess

import pytest
from sqlalchemy import select

from aggregator.demo.server import OutletServer
from storage.articles import Article
from storage.db import session_scope
from storage.runs import CrawlRun
from tests.hostile.cli import command, environment
from tests.hostile.pages import HostilePage, build_outlet, hostile_pages, sources_file

pytestmark = pytest.mark.slow
PAGES = hostile_pages()


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Article]:
    """One real ``aggregator crawl`` of the hostile outlet; its articles by URL path."""
    folder = tmp_path_factory.mktemp("hostile-text")
    database_url = f"sqlite:///{folder / 'aggregator.db'}"
    with OutletServer(build_outlet(folder / "outlet")).start() as server:
        sources = sources_file(folder / "sources.yaml", server.base_url)
        done = subprocess.run(
            command(database_url, sources, "crawl", "--progress", "off"),
            capture_output=True, text=True, timeout=240, env=environment(), cwd=folder,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr[-4000:]
        base = server.base_url
    with session_scope(database_url) as session:
        run = session.scalars(select(CrawlRun)).one()
        assert (run.status, run.failed, run.failure_reasons) == ("finished", 0, {}), run.errors
        assert run.stored == len(PAGES)
        return {a.url.removeprefix(base): a for a in session.scalars(select(Article))}


@pytest.mark.parametrize("page", PAGES, ids=[p.slug for p in PAGES])
def test_every_page_is_stored_with_its_text_and_the_warning_that_names_it(
    crawled: dict[str, Article], page: HostilePage
) -> None:
    article = crawled[page.path]
    assert page.phrase in article.body
    assert "\ufffd" not in article.body + (article.title or "")
    assert article.word_count >= 40
    warnings = article.extraction["warnings"]
    if page.warning is None:
        assert warnings == []
    else:
        assert page.warning in warnings


def test_mislabelled_arabic_pages_keep_their_title(crawled: dict[str, Article]) -> None:
    title = crawled["/articles/windows-1256-labelled-utf-8.html"].title
    assert title == "عمال مهاجرون يشكون تأخر أجورهم لأشهر في مشروع سكني جنوبي دبي"
    assert crawled["/articles/utf-8-labelled-windows-1256.html"].language == "ar"


@pytest.mark.parametrize("slug", ["impossible-date-numeric", "impossible-date-rfc"])
def test_an_impossible_date_is_not_rounded_into_another_day(
    crawled: dict[str, Article], slug: str
) -> None:
    article = crawled[f"/articles/{slug}.html"]
    assert article.published_at is None  # no other date on the page, feed or URL


def test_the_deep_page_keeps_its_date_and_headline(crawled: dict[str, Article]) -> None:
    article = crawled["/articles/deep-nesting.html"]
    assert article.title and article.title.startswith("منظمات حقوقية تطالب بالإفراج")
    assert article.published_at is not None
    assert (article.published_at.year, article.published_at.month) == (2021, 2)
