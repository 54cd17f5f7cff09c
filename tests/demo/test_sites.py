"""The demo outlet folders: pages that look like news sites and say what outlets.py declares.

The end-to-end crawl tests trust these pages (the NSO report, the dates, the duplicates); these
tests make sure an edit to a page cannot silently break that trust.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import dateparser
import feedparser
import pytest
from dateparser.search import search_dates
from lxml import etree

from aggregator.demo.outlets import (
    EMIRATES_LEAKS,
    GULF_COURIER,
    LA_GAZETTE,
    NSO_DATE_TEXT,
    NSO_FIRST_PARAGRAPH,
    NSO_LAST_PARAGRAPH,
    NSO_PUBLISHED,
    NSO_TAGLINE,
    NSO_TITLE,
    NSO_URL_PATH,
    NSO_VIEWS,
    OUTLETS,
    DemoArticle,
    DemoOutlet,
    serving,
)
from aggregator.urls import canonicalize_url
from tests.demo.demo_pages import BODY_XPATH, body_paragraphs, entry_links, fetch, page

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "nso-report.txt"
ARTICLES = [(o, a) for o in OUTLETS for a in o.articles]
NEWS_NS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@pytest.fixture(scope="module")
def bases() -> Iterator[dict[str, str]]:
    """One server per outlet for the whole module: the pages are read-only."""
    with serving() as servers:
        yield {name: server.base_url for name, server in servers.items()}


def _id(item: tuple[DemoOutlet, DemoArticle]) -> str:
    return item[0].name + item[1].path


@pytest.mark.parametrize("item", ARTICLES, ids=_id)
def test_article_pages_have_a_headline_a_long_body_and_the_declared_language(
    item: tuple[DemoOutlet, DemoArticle], bases: dict[str, str]
) -> None:
    demo, article = item
    doc = page(bases[demo.name] + article.path)
    paragraphs = body_paragraphs(demo, doc)

    assert [" ".join(h.text_content().split()) for h in doc.xpath("//h1")] == [article.title]
    assert len(paragraphs) >= 5
    assert sum(len(p.split()) for p in paragraphs) >= 150
    first = doc.xpath(f"({BODY_XPATH[demo.name]})[1]")[0]
    assert first.xpath("ancestor-or-self::*[@lang][1]/@lang")[0].startswith(article.language)


@pytest.mark.parametrize("item", ARTICLES, ids=_id)
def test_article_pages_wear_full_site_chrome(
    item: tuple[DemoOutlet, DemoArticle], bases: dict[str, str]
) -> None:
    demo, article = item
    doc = page(bases[demo.name] + article.path)
    text = doc.text_content()

    assert doc.xpath("//nav//a[@href='/']"), "menu with a link home"
    assert doc.xpath("//*[contains(@id, 'cookie') or contains(@id, 'consent')]"), "cookie banner"
    assert doc.xpath("//a[contains(@href, 'facebook.com/sharer')]") or "amp" in article.path
    assert "©" in text, "footer copyright"
    if "/amp/" not in article.path:
        assert doc.xpath("//*[contains(@class, 'views')]"), "view counter"
        assert len(doc.xpath("//aside//a | //*[contains(@class, 'related')]//a")) >= 2


@pytest.mark.parametrize("item", ARTICLES, ids=_id)
def test_each_page_gives_the_declared_publication_date(
    item: tuple[DemoOutlet, DemoArticle], bases: dict[str, str]
) -> None:
    demo, article = item
    doc = page(bases[demo.name] + article.path)
    assert _page_date(demo, doc) == article.published


def _page_date(demo: DemoOutlet, doc: etree._Element) -> datetime | date:
    """The publication date as a careful reader of each outlet's template finds it."""
    settings = {"TIMEZONE": demo.timezone, "RETURN_AS_TIMEZONE_AWARE": True}
    if demo is EMIRATES_LEAKS:
        text = doc.xpath("string(//time[contains(@class, 'published')])")
        day_only = ":" not in text
        if not day_only:
            settings["TO_TIMEZONE"] = "UTC"
        parsed = dateparser.parse(text, languages=["ar"], settings=settings)
        assert parsed is not None, text
        return parsed.date() if day_only else parsed
    if demo is LA_GAZETTE:
        text = doc.xpath("string(//span[@class='meta__date'] | //div[@class='amp-article__meta'])")
        found = search_dates(text, languages=["fr"], settings={**settings, "TO_TIMEZONE": "UTC"})
        assert found, text
        return found[0][1]
    (ld,) = [
        json.loads(s)
        for s in doc.xpath("//script[@type='application/ld+json']/text()")
        if json.loads(s)["@type"] == "NewsArticle"
    ]
    return datetime.fromisoformat(ld["datePublished"]).astimezone(UTC)


@pytest.mark.parametrize("demo", OUTLETS, ids=lambda o: o.name)
def test_feed_dates_agree_with_the_pages(demo: DemoOutlet, bases: dict[str, str]) -> None:
    base = bases[demo.name]
    for path in demo.feeds:
        for entry in feedparser.parse(fetch(base + path)[2]).entries:
            article = demo.article(urlsplit(canonicalize_url(entry.link)).path)
            published = datetime(*entry.published_parsed[:6], tzinfo=UTC)
            assert published == article.published, entry.link


@pytest.mark.parametrize("demo", OUTLETS, ids=lambda o: o.name)
def test_no_internal_link_is_broken(demo: DemoOutlet, bases: dict[str, str]) -> None:
    """Menus, breadcrumbs, "most read" lists, images and styles all resolve on the outlet."""
    base = bases[demo.name]
    seen: set[str] = set()
    pending = [base + "/"] + [base + a.path for a in demo.articles]
    while pending and len(seen) < 300:
        url = pending.pop()
        if url in seen:
            continue
        seen.add(url)
        status, content_type, body = fetch(url)
        assert status == 200, f"{url} answered {status}"
        if not content_type.startswith("text/html"):
            continue
        doc = etree.HTML(body)
        for ref in doc.xpath("//a/@href | //link/@href | //img/@src | //script/@src"):
            target = urljoin(url, ref).split("#")[0]
            if target.startswith(base + "/") and "?" not in target:
                pending.append(target)
    assert len(seen) >= 2 * len(demo.articles)


def test_nso_page_is_a_french_report_in_arabic_chrome(bases: dict[str, str]) -> None:
    base = bases[EMIRATES_LEAKS.name]
    doc = page(base + NSO_URL_PATH)
    root = doc.getroottree().getroot()
    (container,) = doc.xpath("//div[contains(@class, 'entry-content')]")
    paragraphs = body_paragraphs(EMIRATES_LEAKS, doc)

    assert (root.get("lang"), root.get("dir")) == ("ar", "rtl")
    assert (container.get("lang"), container.get("dir")) == ("fr", "ltr")
    assert doc.xpath("string(//h1)") == NSO_TITLE
    assert (paragraphs[0], paragraphs[-1]) == (NSO_FIRST_PARAGRAPH, NSO_LAST_PARAGRAPH)
    assert doc.xpath("string(//header//p[@class='site-description'])") == NSO_TAGLINE
    (views,) = doc.xpath("//header[@class='entry-header']//span[@class='views']")
    assert views.text_content().strip() == NSO_VIEWS and views.xpath(".//svg")
    assert NSO_VIEWS not in container.text_content()
    # Only the visible Arabic date (and the feed's pubDate) tell when it was published.
    assert doc.xpath("string(//time)") == NSO_DATE_TEXT
    assert not doc.xpath("//time/@datetime | //meta[contains(@property, 'time')]")
    assert not doc.xpath("//script[@type='application/ld+json']")
    (entry,) = [
        e
        for e in feedparser.parse(fetch(base + "/feed.xml")[2]).entries
        if e.link == base + NSO_URL_PATH
    ]
    assert datetime(*entry.published_parsed[:6], tzinfo=UTC) == NSO_PUBLISHED


def test_every_emirates_leaks_page_carries_the_tagline(bases: dict[str, str]) -> None:
    folder = EMIRATES_LEAKS.folder
    pages = sorted(folder.rglob("*.html"))
    assert len(pages) >= 8
    for file in pages:
        doc = page(bases[EMIRATES_LEAKS.name] + "/" + file.relative_to(folder).as_posix())
        assert doc.xpath("string(//header//p[@class='site-description'])") == NSO_TAGLINE, file


def test_nso_page_carries_the_whole_seed_report(bases: dict[str, str]) -> None:
    if not SEED.is_file():
        pytest.skip(f"seed report not found at {SEED} (it lives beside the repository)")
    lines = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines()]
    tagline, title, views, *body = [line for line in lines if line]
    doc = page(bases[EMIRATES_LEAKS.name] + NSO_URL_PATH)
    assert (tagline, title, views) == (NSO_TAGLINE, NSO_TITLE, NSO_VIEWS)
    assert body_paragraphs(EMIRATES_LEAKS, doc) == body


@pytest.mark.parametrize("item", [(o, a) for o, a in ARTICLES if a.duplicate_of], ids=_id)
def test_exact_duplicates_repeat_their_original_word_for_word(
    item: tuple[DemoOutlet, DemoArticle], bases: dict[str, str]
) -> None:
    demo, copy = item
    base = bases[demo.name]
    original = demo.article(copy.duplicate_of or "")
    copy_doc, original_doc = page(base + copy.path), page(base + original.path)
    assert body_paragraphs(demo, copy_doc) == body_paragraphs(demo, original_doc)
    if copy.path.startswith("/amp/"):
        assert copy_doc.xpath("string(//link[@rel='canonical']/@href)") == base + original.path
        assert original_doc.xpath("string(//link[@rel='amphtml']/@href)") == base + copy.path


def test_near_duplicate_rewrites_the_wire_story(bases: dict[str, str]) -> None:
    base = bases[GULF_COURIER.name]
    (rewrite,) = [a for a in GULF_COURIER.articles if a.near_duplicate_of]
    original = GULF_COURIER.article(rewrite.near_duplicate_of or "")
    ours = body_paragraphs(GULF_COURIER, page(base + rewrite.path))
    theirs = body_paragraphs(GULF_COURIER, page(base + original.path))

    assert rewrite.title != original.title and ours != theirs
    assert _shingle_similarity(" ".join(ours), " ".join(theirs)) >= 0.85


def _shingle_similarity(a: str, b: str, size: int = 5) -> float:
    def shingles(text: str) -> set[tuple[str, ...]]:
        words = text.lower().split()
        return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}

    left, right = shingles(a), shingles(b)
    return len(left & right) / len(left | right)


def test_la_gazette_feed_link_carries_tracking_parameters(bases: dict[str, str]) -> None:
    base = bases[LA_GAZETTE.name]
    links = [e.link for e in feedparser.parse(fetch(base + "/flux/une.xml")[2]).entries]
    tracked = [link for link in links if "utm_source=rss&utm_medium=feed" in link]
    assert len(tracked) == 1
    assert canonicalize_url(tracked[0]) == canonicalize_url(
        base + "/culture/2021/02/04/manuscrit-arabe-lyon.html"
    )


def test_la_gazette_shows_an_update_date_that_is_not_the_publication(bases: dict[str, str]) -> None:
    doc = page(bases[LA_GAZETTE.name] + LA_GAZETTE.articles[0].path)
    assert doc.xpath("string(//span[@class='meta__date'])") == "Publié le 2 février 2021 à 18h30"
    assert doc.xpath("string(//span[@class='meta__update'])") == (
        "Mis à jour le 3 février 2021 à 09h00"
    )
    assert not doc.xpath("//meta[@property='article:published_time']")


def test_gulf_courier_news_sitemap_has_google_news_fields(bases: dict[str, str]) -> None:
    base = bases[GULF_COURIER.name]
    root = etree.fromstring(fetch(base + "/news-sitemap.xml")[2])
    news = root.findall(f".//{NEWS_NS}news")
    assert news
    for item in news:
        assert item.findtext(f"{NEWS_NS}publication/{NEWS_NS}language") == "en"
        assert item.findtext(f"{NEWS_NS}title")
        assert datetime.fromisoformat(item.findtext(f"{NEWS_NS}publication_date") or "").tzinfo
    assert set(entry_links(GULF_COURIER, base)) >= {
        loc.text for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    }
