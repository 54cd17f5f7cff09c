"""Which date wins when a page (and its feed) state several, and which are refused."""

from __future__ import annotations

from datetime import UTC, datetime

from aggregator.config.sources import Selectors, Source
from aggregator.extraction import Hints, extract_article

FETCHED = datetime(2021, 2, 4, 10, 0, tzinfo=UTC)
URL = "https://news.example/world/story-123"
PARAGRAPHS = "".join(
    f"<p>Paragraph {i} of a story long enough to be an article body for the extractor here.</p>"
    for i in range(6)
)


def page(head: str = "", body: str = "") -> str:
    return (
        f"<html lang='en'><head><title>Story</title>{head}</head><body><article>"
        f"<h1>A story about dates and times</h1>{body}{PARAGRAPHS}</article></body></html>"
    )


def jsonld(**fields: str) -> str:
    pairs = ", ".join(f'"{k}": "{v}"' for k, v in fields.items())
    return f'<script type="application/ld+json">{{"@type": "NewsArticle", {pairs}}}</script>'


def meta(name: str, value: str) -> str:
    return f'<meta property="{name}" content="{value}">'


def source(**extra: object) -> Source:
    fields: dict[str, object] = {"languages": ["en"], "timezone": "Asia/Dubai", **extra}
    return Source(
        name="example",
        homepage="https://news.example/",
        feeds=["https://news.example/rss"],
        **fields,
    )  # type: ignore[arg-type]


def test_jsonld_beats_meta_beats_time() -> None:
    html = page(
        jsonld(datePublished="2021-02-03T08:00:00+04:00")
        + meta("article:published_time", "2021-02-02T08:00:00+04:00"),
        '<time datetime="2021-02-01T08:00:00+04:00">1 Feb</time>',
    )
    published = extract_article(html, URL, fetched_at=FETCHED).published
    assert published is not None
    assert (published.iso(), published.origin, published.offset) == (
        "2021-02-03T04:00:00Z",
        "jsonld",
        "+04:00",
    )


def test_meta_then_time_when_no_jsonld() -> None:
    html = page(meta("article:published_time", "2021-02-02T08:00:00+01:00"))
    assert extract_article(html, URL, fetched_at=FETCHED).published.origin == "meta"  # type: ignore[union-attr]
    html = page(body='<time datetime="2021-02-01T08:00:00Z">1 Feb</time>')
    published = extract_article(html, URL, fetched_at=FETCHED).published
    assert published is not None and (published.origin, published.iso()) == (
        "time",
        "2021-02-01T08:00:00Z",
    )


def test_modified_is_never_taken_for_published() -> None:
    html = page(meta("article:modified_time", "2021-02-03T09:00:00+00:00"))
    article = extract_article(html, URL, fetched_at=FETCHED)
    assert article.published is None
    assert article.modified is not None and article.modified.origin == "meta"


def test_future_and_pre_1995_dates_are_rejected() -> None:
    html = page(
        jsonld(datePublished="2021-02-05T10:00:00Z") + meta("article:published_time", "1994-12-31"),
        '<time datetime="2021-02-03T12:00:00Z">3 Feb</time>',
    )
    published = extract_article(html, URL, fetched_at=FETCHED).published
    assert published is not None and published.iso() == "2021-02-03T12:00:00Z"


def test_a_page_without_dates_uses_the_feed_then_the_url() -> None:
    hints = Hints(published="Wed, 03 Feb 2021 14:05:00 +0100", origin="feed")
    published = extract_article(page(), URL, fetched_at=FETCHED, hints=hints).published
    assert published is not None and (published.origin, published.iso()) == (
        "feed",
        "2021-02-03T13:05:00Z",
    )
    sitemap = Hints(published="2021-02-02", origin="sitemap")
    published = extract_article(page(), URL, fetched_at=FETCHED, hints=sitemap).published
    assert published is not None and (published.origin, published.precision) == ("sitemap", "day")
    published = extract_article(
        page(), "https://news.example/2021/01/30/story", fetched_at=FETCHED
    ).published
    assert published is not None and (published.origin, published.iso()) == ("url", "2021-01-30")


def test_visible_text_is_read_in_the_source_zone() -> None:
    html = page(body='<p class="date">Published February 3, 2021 at 2:05 PM</p>')
    published = extract_article(html, URL, source(), fetched_at=FETCHED).published
    assert published is not None
    assert (published.origin, published.iso(), published.offset) == (
        "text",
        "2021-02-03T10:05:00Z",
        "+04:00",
    )


def test_a_day_gains_its_time_from_a_later_candidate_on_the_same_day() -> None:
    html = page(
        jsonld(datePublished="2021-02-03"), '<time datetime="2021-02-03T14:05:00+04:00">x</time>'
    )
    published = extract_article(html, URL, fetched_at=FETCHED).published
    assert published is not None and (published.precision, published.iso()) == (
        "minute",
        "2021-02-03T10:05:00Z",
    )


def test_source_date_selector_wins() -> None:
    html = page(
        jsonld(datePublished="2021-02-03T08:00:00Z"), '<span class="when">1 février 2021</span>'
    )
    src = source(selectors=Selectors(date="span.when"), languages=["fr"])
    published = extract_article(html, URL, src, fetched_at=FETCHED).published
    assert published is not None and (published.origin, published.iso()) == (
        "selector",
        "2021-02-01",
    )


def test_an_update_before_the_publication_is_dropped() -> None:
    html = page(jsonld(datePublished="2021-02-03T08:00:00Z", dateModified="2021-02-01T08:00:00Z"))
    assert extract_article(html, URL, fetched_at=FETCHED).modified is None


def test_a_utc_time_takes_the_publishers_offset_for_the_same_instant() -> None:
    html = page(
        jsonld(datePublished="2021-02-03T20:30:00Z")
        + meta("article:published_time", "2021-02-04T06:30:00+10:00")
    )
    published = extract_article(html, URL, fetched_at=FETCHED).published
    assert published is not None
    assert (published.iso(), published.offset) == ("2021-02-03T20:30:00Z", "+10:00")
    assert published.local_date().isoformat() == "2021-02-04"


def test_a_page_giving_only_a_hijri_date() -> None:
    html = page(body='<div class="news-date">الثلاثاء ٢٠ جمادى الآخرة ١٤٤٢ هـ</div>')
    src = source(languages=["ar"], timezone="Asia/Riyadh")
    published = extract_article(html, URL, src, fetched_at=FETCHED).published
    assert published is not None
    assert (published.origin, published.iso(), published.precision) == ("text", "2021-02-02", "day")
