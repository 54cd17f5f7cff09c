"""``extract_article`` end to end on recorded-style pages (tests/fixtures/extraction/)."""

from __future__ import annotations

import pickle
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest

from aggregator.config.sources import Selectors, Source
from aggregator.errors import ExtractionError
from aggregator.extraction import ExtractedArticle, extract_article
from aggregator.extraction.page import MAX_HTML_BYTES

PAGES = Path(__file__).parents[1] / "fixtures" / "extraction"
FETCHED = datetime(2021, 6, 1, tzinfo=UTC)


def source(name: str, languages: list[str], timezone: str, **extra: object) -> Source:
    return Source(
        name=name,
        homepage=f"https://{name}.example/",
        feeds=[f"https://{name}.example/rss"],
        languages=languages,
        timezone=timezone,
        **extra,
    )  # type: ignore[arg-type]


def extract(name: str, url: str, src: Source | None = None) -> ExtractedArticle:
    return extract_article((PAGES / name).read_bytes(), url, src, fetched_at=FETCHED)


NSO_SOURCE = source("emirates-leaks", ["ar", "fr"], "Asia/Dubai")
NSO_URL = "https://emirates-leaks.example/nso-group-enquete-americaine/"


def test_nso_report_on_an_arabic_site() -> None:
    """A French article on an Arabic (RTL) site: body clean, language fr, date in UTC."""
    article = extract("nso-arabic.html", NSO_URL, NSO_SOURCE)
    assert article.body.startswith("NSO Group semble faire l’objet d’un nouvel examen minutieux")
    assert article.body.rstrip().endswith("une coopération avec le département d’État américain.")
    assert "Amnesty International et d’autres organisations" in article.body
    assert "185" not in article.body
    for chrome in ("الرئيسية", "اتصل بنا", "ملفات تعريف الارتباط", "أخبار ذات صلة", "موقع إخباري"):
        assert chrome not in article.body
    assert article.body.count("\n\n") >= 10  # paragraphs kept
    assert article.title == (
        "La société israélienne de logiciels espions NSO Group fait l’objet d’une nouvelle "
        "enquête américaine"
    )
    assert (article.language, article.language_declared, article.language_detected) == (
        "fr",
        "ar",
        "fr",
    )
    assert article.published is not None
    # "الأربعاء، 3 فبراير 2021 02:05 م" in Dubai (UTC+4) is 10:05 UTC.
    assert article.published.iso() == "2021-02-03T10:05:00Z"
    assert (article.published.offset, article.published.origin) == ("+04:00", "text")
    assert article.published.precision == "minute"
    assert article.site_name == "الإمارات ليكس"
    assert article.canonical_url == "https://emiratesleaks.example/nso-group-enquete-americaine/"
    assert (
        article.top_image
        == "https://emirates-leaks.example/wp-content/uploads/2021/02/nso-group.jpg"
    )
    assert not (article.paywalled or article.challenge)


def test_french_page_with_published_and_updated_dates() -> None:
    src = source("courrier", ["fr"], "Europe/Paris")
    article = extract("french.html", "https://courrier.example/economie/agriculteurs-a7", src)
    assert article.title == "Les agriculteurs bloquent l’autoroute A7 près de Valence"
    assert article.authors == ["Jean Dupont", "Marie Lefèvre"]
    assert article.published is not None and article.modified is not None
    assert article.published.iso() == "2021-02-03T13:05:00Z"
    assert article.modified.iso() == "2021-02-04T08:30:00Z"
    assert article.language == "fr"
    assert (article.section, article.tags) == ("Économie", ["Agriculture", "Manifestation"])
    assert article.body.startswith("Plusieurs centaines d’agriculteurs")
    assert "À lire aussi" not in article.body


def test_arabic_rtl_page_with_levantine_date() -> None:
    src = source("nahar", ["ar"], "Asia/Beirut")
    article = extract("arabic-levantine.html", "https://nahar.example/economy/fuel", src)
    assert article.language == "ar"
    assert article.title == "ارتفاع أسعار المحروقات في بيروت للمرة الثالثة هذا الشهر"
    assert article.authors == ["سامر الخوري"]
    assert article.body.startswith("ارتفعت أسعار البنزين والمازوت")
    assert article.body.count("\n\n") == 3
    # "الخميس ٤ شباط ٢٠٢١ - ١١:٣٠" in Beirut (UTC+2)
    assert article.published is not None and article.published.iso() == "2021-02-04T09:30:00Z"


def test_source_selectors_win() -> None:
    selectors = Selectors(
        body="div.x-txt", title=".x-hl", author=".x-by", date='//div[@class="x-when"]/@data-ts'
    )
    src = source("gazette", ["en"], "America/New_York", selectors=selectors)
    article = extract("selector.html", "https://gazette.example/local/ferry", src)
    assert article.method == "selector"
    assert article.title == "Ferry service to the islands resumes after storm repairs"
    assert article.authors == ["Tom Becker"]
    assert article.body.startswith("The ferry linking the harbour")
    assert article.body.count("\n\n") == 2
    assert "newsletter" not in article.body
    assert article.published is not None
    assert (article.published.origin, article.published.iso()) == (
        "selector",
        "2021-03-09T12:45:00Z",
    )


def test_a_selector_that_does_not_compile_is_reported_not_fatal() -> None:
    src = source("gazette", ["en"], "UTC", selectors=Selectors(body="div[[broken"))
    article = extract("selector.html", "https://gazette.example/local/ferry", src)
    assert article.method != "selector"
    assert any("selectors.body" in w for w in article.warnings)
    assert "ferry linking the harbour" in article.body


def test_challenge_page_is_flagged_and_has_no_body() -> None:
    article = extract("challenge.html", "https://www.example-news.test/story")
    assert article.challenge
    assert article.body == ""


def test_fallback_when_trafilatura_finds_nothing() -> None:
    article = extract("no-trafilatura.html", "https://valley.example/news/cycle-lanes")
    assert article.method == "fallback"
    assert article.body.startswith("The town council voted on Wednesday evening")
    assert article.body.endswith("throughout the construction period.")
    assert "All rights reserved" not in article.body
    assert article.published is not None and article.published.iso() == "2021-05-12T15:20:00Z"


def test_jsonld_metadata() -> None:
    url = "https://chronicle.example/news/2021/02/07/storm-darcy-snow?utm_source=x"
    article = extract("english-jsonld.html", url)
    assert article.authors == ["Emma Clarke", "Rahul Patel"]
    assert article.title == "Storm Darcy brings heavy snow to eastern England"
    assert article.canonical_url == "https://chronicle.example/news/2021/02/07/storm-darcy-snow"
    assert (article.section, article.tags) == ("Weather", ["weather", "snow", "travel"])
    assert article.published is not None and article.published.origin == "jsonld"
    assert article.modified is not None and article.modified.iso() == "2021-02-07T18:10:00Z"
    assert article.word_count > 60


def test_paywall_is_flagged() -> None:
    html = (
        '<html><head><script type=\'application/ld+json\'>{"@type": "NewsArticle", '
        '"isAccessibleForFree": "False"}</script></head><body><article><h1>Budget talks</h1>'
        "<p>The first lines of a story that continues behind the wall for paying readers.</p>"
        "<p>Subscribe to continue reading.</p></article></body></html>"
    )
    assert extract_article(html, "https://paper.example/a", fetched_at=FETCHED).paywalled


def test_str_and_bytes_give_the_same_article() -> None:
    raw = (PAGES / "nso-arabic.html").read_bytes()
    from_bytes = extract_article(raw, NSO_URL, NSO_SOURCE, fetched_at=FETCHED)
    from_text = extract_article(raw.decode("utf-8"), NSO_URL, NSO_SOURCE, fetched_at=FETCHED)
    assert from_bytes == from_text


def test_oversized_html_is_truncated_not_fatal() -> None:
    story = "<p>A short story with a handful of words that is followed by a huge tracker.</p>"
    html = f"<html><body><article><h1>Big</h1>{story}</article><script>{'x' * MAX_HTML_BYTES}"
    article = extract_article(html, "https://big.example/a", fetched_at=FETCHED)
    assert any("truncated" in w for w in article.warnings)
    assert "huge tracker" in article.body


def test_not_html_raises_naming_the_url() -> None:
    with pytest.raises(ExtractionError, match=r"https://empty\.example/a"):
        extract_article(b"", "https://empty.example/a")


def test_runs_in_a_process_pool() -> None:
    """The spider runs extraction in worker processes: arguments and results must pickle."""
    raw = (PAGES / "french.html").read_bytes()
    src = source("courrier", ["fr"], "Europe/Paris")
    with ProcessPoolExecutor(max_workers=1) as pool:
        article = pool.submit(
            extract_article, raw, "https://courrier.example/a", src, fetched_at=FETCHED
        ).result(timeout=120)
    assert article.published is not None and article.published.iso() == "2021-02-03T13:05:00Z"
    assert pickle.loads(pickle.dumps(article)) == article


def test_legacy_arabic_encoding_is_decoded() -> None:
    """Older Arabic sites still serve windows-1256; bytes are decoded by their declared charset."""
    html = (PAGES / "arabic-levantine.html").read_text("utf-8")
    html = html.replace('<meta charset="utf-8">', '<meta charset="windows-1256">')
    html = html.replace("الخميس ٤ شباط ٢٠٢١ - ١١:٣٠", "الخميس 4 شباط 2021 - 11:30")
    src = source("nahar", ["ar"], "Asia/Beirut")
    article = extract_article(
        html.encode("cp1256"), "https://nahar.example/a", src, fetched_at=FETCHED
    )
    assert article.title == "ارتفاع أسعار المحروقات في بيروت للمرة الثالثة هذا الشهر"
    assert article.body.startswith("ارتفعت أسعار البنزين والمازوت")
    assert article.published is not None and article.published.iso() == "2021-02-04T09:30:00Z"


LVZ_URL = "https://www.lvz-zeitung.de/kultur/neue-leipziger-schule-spinnerei-123456.html"


def test_split_article_kicker_byline_and_numeric_date_of_a_german_page() -> None:
    """Chunks between ads, a kicker, "Eingestellt von", related authors, and 03.05.2013."""
    article = extract("german-split-article.html", LVZ_URL)
    assert article.body.startswith("Zwanzig Jahre nach dem ersten Hype")
    assert article.body.endswith("die derzeit noch umgebaut werden.")  # the second chunk too
    assert article.body.count("\n\n") == 5
    assert "Anzeige" not in article.body and "Gewandhaus" not in article.body
    assert article.method == "fallback"
    assert any("kept 87 words" in w for w in article.warnings)
    assert article.title == "Die Maler aus der Spinnerei"  # kicker and " | LVZ ..." dropped
    assert article.authors == ["Anna Schmidt"]  # not Peter Krause from the related box
    assert article.language == "de"
    # Day first in German: 3 May, not 5 March; the header's "today" date does not win.
    assert article.published is not None
    assert article.published.iso() == "2013-05-03"


def test_an_ambiguous_date_is_swapped_when_the_url_says_so() -> None:
    html = (PAGES / "german-split-article.html").read_bytes()
    url = "https://www.lvz-zeitung.com/kultur/2013/03/05/spinnerei"
    article = extract_article(html, url, fetched_at=FETCHED)
    assert article.published is not None
    assert article.published.iso() == "2013-03-05"
    # No country domain: the German page is read in Berlin's zone, and the warning says why.
    assert any("read in Europe/Berlin (from the page's language, de" in w for w in article.warnings)


GDS_URL = "https://www.gazzettadelsud.it/articoli/economia/2020/12/06/dazi-acciaio-europa/"


def test_a_utc_time_keeps_the_outlets_local_day() -> None:
    """23:15Z on 5 December is 00:15 on the 6th in Rome, the day the outlet published."""
    article = extract("italian-utc-day.html", GDS_URL)
    assert article.published is not None
    assert (article.published.iso(), article.published.offset) == ("2020-12-05T23:15:00Z", "+01:00")
    assert article.published.local_date().isoformat() == "2020-12-06"
    assert any("read in Europe/Rome" in w for w in article.warnings)


def test_without_a_source_or_country_utc_is_assumed_and_said() -> None:
    """An English page on a .com: no country to go by (English spans many zones)."""
    article = extract("english-jsonld.html", "https://gazette.example.com/story")
    assert article.published is not None
    assert article.published.offset == "+00:00"
    assert "no source: times without a zone were read as UTC (pass --source)" in article.warnings


def test_a_one_zone_language_gives_the_zone_without_a_country_domain() -> None:
    article = extract("italian-utc-day.html", "https://gazzetta.example.com/dazi")
    assert article.published is not None
    assert article.published.local_date().isoformat() == "2020-12-06"
    assert any("Europe/Rome (from the page's language, it" in w for w in article.warnings)


def test_entities_are_unescaped_in_metadata_even_twice_escaped() -> None:
    article = extract("italian-utc-day.html", GDS_URL)
    assert article.title == 'Il "no" dell’Europa ai dazi sull’acciaio'
    assert (
        article.description
        == "Bruxelles respinge la proposta americana: «Serve un accordo globale»."
    )
    assert article.authors == ["Marco Rossi"]  # "Redazione" and the outlet are not authors


def test_a_japanese_article_is_long_enough() -> None:
    """Words are counted per character in Japanese: the article is not `too_short`."""
    article = extract("japanese-article.html", "https://www.maiasa-news.jp/articles/sakura")
    assert article.language == "ja"
    assert article.word_count >= 100
    assert article.authors == ["山田太郎"]
    assert article.published is not None
    assert (article.published.iso(), article.published.offset) == ("2021-02-03T05:05:00Z", "+09:00")
