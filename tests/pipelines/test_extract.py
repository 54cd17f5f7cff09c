"""The extract stage, built as a crawl builds it and called directly (no reactor, no network)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from aggregator.config.sources import parse_sources
from aggregator.fingerprints.fingerprint import fingerprint
from aggregator.items import ArticleItem
from aggregator.pipelines.extract import ExtractPipeline
from aggregator.pipelines.extract_task import extract_page
from aggregator.pipelines.fingerprint import FingerprintPipeline
from aggregator.source_stats import source_figures
from aggregator.spiders.news import NewsSpider
from aggregator.stories.inputs import story_inputs

SOURCES = parse_sources("""
sources:
  - {name: gazette, homepage: "http://127.0.0.1:9/", feeds: ["http://127.0.0.1:9/f"],
     languages: fr, timezone: Europe/Paris}
""").sources

PARAGRAPH = (
    "Le conseil municipal a adopté mardi soir un budget qui prévoit la rénovation de trois "
    "écoles du centre-ville, la création d’une nouvelle ligne de bus et un plan pour les "
    "pistes cyclables, après un débat de plus de quatre heures entre la majorité et l’opposition."
)
ARTICLE = f"""<!doctype html><html lang="fr"><head><title>Budget voté | La Gazette</title>
<meta property="article:published_time" content="2021-02-02T18:30:00+01:00"></head>
<body><nav><a href="/">Accueil</a><a href="/politique">Politique</a></nav>
<article><h1>Budget voté</h1><p>{PARAGRAPH}</p><p>{PARAGRAPH} Deuxième paragraphe.</p>
<p>{PARAGRAPH} Troisième paragraphe.</p></article><footer>© La Gazette</footer></body></html>"""
CHALLENGE = """<html><head><title>Just a moment...</title></head><body>
<h1>Checking your browser before accessing the site.</h1>
<p>Please enable JavaScript and cookies to continue.</p><div class="cf-browser-verification">
</div></body></html>"""


def _item(html: str) -> ArticleItem:
    url = "http://127.0.0.1:9/2021/02/budget.html"
    return ArticleItem(
        source="gazette",
        url=url,
        response_url=url,
        html=html,
        fetched_at=datetime(2021, 2, 3, 12, 0, tzinfo=UTC),
    )


@pytest.fixture
def pipeline() -> ExtractPipeline:
    crawler = get_crawler(NewsSpider, {"AGGREGATOR_EXTRACT_WORKERS": 1})
    crawler.spider = NewsSpider(sources=SOURCES)
    crawler.stats.open_spider()
    stage = build_from_crawler(ExtractPipeline, crawler)
    stage.open_spider()
    yield stage
    stage.close_spider()


def test_article_is_extracted_in_the_pool(pipeline: ExtractPipeline) -> None:
    item = asyncio.run(pipeline.process_item(_item(ARTICLE)))
    assert item.article is not None
    assert item.article.title == "Budget voté"
    assert "Troisième paragraphe" in item.article.body
    assert "Accueil" not in item.article.body
    assert item.article.published is not None
    assert item.article.published.value == datetime(2021, 2, 2, 17, 30, tzinfo=UTC)
    assert item.html == ""  # released once extracted


def test_challenge_page_is_dropped_with_a_reason(pipeline: ExtractPipeline) -> None:
    with pytest.raises(DropItem, match="challenge"):
        asyncio.run(pipeline.process_item(_item(CHALLENGE)))
    figures = source_figures(pipeline.crawler.stats, "gazette")
    assert figures["failed"] == 1
    assert figures["reasons"] == {"challenge": 1}
    assert figures["errors"][0]["url"].endswith("/budget.html")


def test_empty_page_is_dropped(pipeline: ExtractPipeline) -> None:
    with pytest.raises(DropItem, match=r"empty_extraction|too_short"):
        asyncio.run(pipeline.process_item(_item("<html><body><nav>Menu</nav></body></html>")))
    assert source_figures(pipeline.crawler.stats, "gazette")["failed"] == 1


def test_quality_figures_count_every_extracted_page(pipeline: ExtractPipeline) -> None:
    asyncio.run(pipeline.process_item(_item(ARTICLE)))
    with pytest.raises(DropItem):
        asyncio.run(pipeline.process_item(_item(CHALLENGE)))
    quality = source_figures(pipeline.crawler.stats, "gazette")["quality"]
    assert quality["pages"] == 2
    assert quality["found"] == {"body": 1, "title": 2, "date": 1, "page_date": 1, "authors": 0}
    assert quality["date_origins"] == {"meta": 1}
    assert quality["missing"]["authors"] == [_item("").url] * 2
    assert quality["median_words"] > 0


def test_what_the_fetch_found_joins_the_article_warnings(pipeline: ExtractPipeline) -> None:
    item = _item(ARTICLE)
    item.fetch_warnings = ["charset: declared utf-8, read as windows-1256"]
    extracted = asyncio.run(pipeline.process_item(item))
    assert extracted.article is not None
    assert extracted.article.warnings[0] == "charset: declared utf-8, read as windows-1256"


def test_a_dropped_page_names_its_charset_problem(pipeline: ExtractPipeline) -> None:
    item = _item("<html><body><p>Trop court.</p></body></html>")
    item.fetch_warnings = ["charset: declared utf-8, read as windows-1256"]
    with pytest.raises(DropItem, match=r"too_short|empty_extraction"):
        asyncio.run(pipeline.process_item(item))
    detail = source_figures(pipeline.crawler.stats, "gazette")["errors"][0]["detail"]
    assert "charset: declared utf-8, read as windows-1256" in detail


def test_the_page_travels_as_bytes_and_comes_back_fingerprinted(pipeline: ExtractPipeline) -> None:
    # A windows-1252 page served as utf-8: the extraction process decodes it and says so.
    item = _item("")
    item.html = ARTICLE.replace("’", "'").encode("cp1252")
    item.content_type = "text/html; charset=utf-8"
    extracted = asyncio.run(pipeline.process_item(item))
    assert extracted.article is not None
    assert "Troisième paragraphe" in extracted.article.body
    assert extracted.article.warnings[0] == "charset: declared utf-8, read as windows-1252"
    made_here = fingerprint(extracted.article.body)
    assert extracted.fingerprint is not None and made_here.comparable
    assert extracted.fingerprint.body_hash == made_here.body_hash
    assert extracted.fingerprint.signature_bytes() == made_here.signature_bytes()
    assert extracted.fingerprint.bands == made_here.bands
    assert extracted.html == ""
    # The fingerprint stage keeps what the extraction process computed.
    assert FingerprintPipeline().process_item(extracted).fingerprint is extracted.fingerprint
    # So are the story inputs, from the same title and body storage will store.
    assert extracted.story == story_inputs(extracted.article.title, extracted.article.body)
    assert extracted.story is not None and extracted.story.features


def test_a_rejected_page_is_not_fingerprinted() -> None:
    result = extract_page(CHALLENGE.encode(), "text/html", "http://127.0.0.1:9/a", SOURCES[0])
    assert result.article.challenge
    assert result.fingerprint is None and result.story is None


def test_with_story_linking_off_no_story_inputs_are_computed() -> None:
    # AGGREGATOR_STORY_LINKING=false: the extraction process spares their CPU too.
    page = ARTICLE.encode()
    on = extract_page(page, "text/html; charset=utf-8", "http://127.0.0.1:9/a", SOURCES[0])
    off = extract_page(
        page, "text/html; charset=utf-8", "http://127.0.0.1:9/a", SOURCES[0], stories=False
    )
    assert on.story is not None and off.story is None
    assert off.fingerprint is not None and off.article.body == on.article.body
