"""Publication days on recorded pages (tests/fixtures/extraction/recorded/, see its README).

Each page shows one cause of a wrong day that recurs across sites: version strings taken for
impossible dates, times written in UTC on pages of other zones, a URL day that is the draft's,
a date line printed in the reader's zone, a headline in an ``<h2>`` with its date line under it.
"""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

from aggregator.config.sources import Source
from aggregator.extraction import ExtractedArticle, extract_article

PAGES = Path(__file__).parents[2] / "fixtures" / "extraction" / "recorded"
FETCHED = datetime(2020, 11, 1, 12, 0, tzinfo=UTC)
URLS = {
    "oann-paris-theater": "https://www.oann.com/protesters-gather-at-paris-theater-to-confront-macron-over-pension-reform/",
    "couriermail-wwii-veteran": "https://www.couriermail.com.au/news/national/98yearold-wwii-veteran-beats-covid19-receives-ovation-from-hospital-staff/video/ca6ce285879e2291307f3fc8148670aa",
    "abc7ny-penn-station": "https://abc7ny.com/traffic/penn-station-to-close-overnight-for-cleaning/6144149/",
    "laprensafl-silvia-pinal": "https://laprensafl.com/2020/02/17/tenemos-silvia-pinal-para-rato-alejandra-guzman-habla-del-estado-de-salud-de-su-mama/",
    "washingtonpost-federal-workers": "https://www.washingtonpost.com/politics/federal-workers-are-returning-to-the-office-some-members-of-congress-say-they-shouldnt-be/2020/07/08/c3d22ec8-c151-11ea-b4f6-cb39cd8940fb_story.html",
    "twitter-reuters-status": "https://twitter.com/Reuters/status/1281836879789404160/photo/1",
    "asiapacificstar-megablaze": "http://www.asiapacificstar.com/news/263700449/australian-megablaze-brought-under-control",
    "aryanews-bourse": "http://www.aryanews.com/News/120200622120908039/ورود-50-هزار-میلیارد-تومان-نقدینگی-به-بورس-در-3-ماه",
    "daddicts-wiki-diff": "https://wiki.d-addicts.com/index.php?title=Park_Ye_Jin&diff=591343&oldid=588001",
    "ttblogs-no-date": "http://auto-door16814.ttblogs.com/2028064/%E0%B8%9C-%E0%B8%9C%E0%B8%A5-%E0%B8%95-%E0%B9%81",
}  # fmt: skip


def extract(name: str, source: Source | None = None) -> ExtractedArticle:
    html = gzip.decompress((PAGES / f"{name}.html.gz").read_bytes())
    return extract_article(html, URLS[name], source, fetched_at=FETCHED)


def published_day(article: ExtractedArticle) -> str:
    assert article.published is not None
    return article.published.local_date().isoformat()


def impossible_warnings(article: ExtractedArticle) -> list[str]:
    return [w for w in article.warnings if "not a real calendar date" in w]


def test_a_version_string_in_a_script_is_no_impossible_date() -> None:
    # "wordpress 3.0.17" in an inline script used to disqualify htmldate's (right) guess.
    article = extract("oann-paris-theater")
    assert impossible_warnings(article) == []
    assert published_day(article) == "2020-01-18"


def test_a_version_in_a_script_comment_raises_no_warning() -> None:
    assert impossible_warnings(extract("couriermail-wwii-veteran")) == []


def test_a_utc_time_takes_the_offset_of_the_pages_own_timestamps() -> None:
    # article:published_time 2020-05-02T02:54:29Z; the station's schedule is written at -0400.
    article = extract("abc7ny-penn-station")
    assert article.published is not None
    assert (article.published.iso(), article.published.offset) == (
        "2020-05-02T02:54:29Z",
        "-04:00",
    )
    assert published_day(article) == "2020-05-01"
    assert any("-04:00, the offset of the page's own timestamps" in w for w in article.warnings)


def test_a_sources_zone_decides_over_what_the_page_suggests() -> None:
    source = Source(
        name="abc7ny",
        homepage="https://abc7ny.com/",
        feeds=["https://abc7ny.com/feed"],
        languages=["en"],
        timezone="Asia/Tokyo",
    )
    published = extract("abc7ny-penn-station", source).published
    assert published is not None and published.offset == "+09:00"


def test_a_utc_time_a_day_after_the_day_the_url_and_the_date_line_give() -> None:
    # JSON-LD 2020-02-18T02:18:11Z; URL /2020/02/17/ and "<time>| 17 de Febrero 2020</time>".
    article = extract("laprensafl-silvia-pinal")
    assert article.published is not None
    assert article.published.iso() == "2020-02-18T02:18:11Z"  # the instant is kept
    assert article.published.offset is not None and article.published.offset.startswith("-")
    assert published_day(article) == "2020-02-17"
    assert any("the day its URL and date line show" in w for w in article.warnings)


def test_a_url_day_alone_does_not_move_a_utc_time() -> None:
    # /2020/07/08/ is the draft's day; datePublished is 2020-07-09T10:04:04Z.
    article = extract("washingtonpost-federal-workers")
    assert article.published is not None
    assert (article.published.iso(), article.published.offset) == ("2020-07-09T10:04:04Z", "+00:00")
    assert not any("shown at" in w for w in article.warnings)


def test_an_epoch_attribute_beats_the_date_line_printed_in_the_readers_zone() -> None:
    # "11:25 PM - 10 Jul 2020" was rendered in the crawler's zone; data-time="1594448702".
    published = extract("twitter-reuters-status").published
    assert published is not None
    assert (published.iso(), published.origin) == ("2020-07-11T06:25:02Z", "time")


def test_the_date_line_under_an_h2_headline_beats_the_headers_today() -> None:
    # <h2>headline</h2><p>News24<br>13 Jan 2020, 22:11 GMT+10</p>; the header says "Tue, 14 Jan".
    published = extract("asiapacificstar-megablaze").published
    assert published is not None
    assert (published.iso(), published.offset) == ("2020-01-13T12:11:00Z", "+10:00")
    assert published_day(extract("asiapacificstar-megablaze")) == "2020-01-13"


def test_a_year_alone_is_no_first_of_january() -> None:
    # The page writes no date; htmldate's guess is "2020-01-01" from a bare year.
    assert extract("ttblogs-no-date").published is None


def test_a_first_of_january_the_page_writes_is_kept() -> None:
    html = gzip.decompress((PAGES / "ttblogs-no-date.html.gz").read_bytes()).decode("utf-8")
    stated = html.replace("</body>", "<p>Posted on 1 January 2020</p></body>", 1)
    assert published_day(extract_article(stated, URLS["ttblogs-no-date"], fetched_at=FETCHED)) == (
        "2020-01-01"
    )


def test_a_persian_solar_date_line() -> None:
    # "2 تير 1399 - 12:09:08 ب.ظ": 22 June 2020 at 12:09 in Tehran (+04:30 then), as the URL says.
    published = extract("aryanews-bourse").published
    assert published is not None
    assert (published.iso(), published.offset) == ("2020-06-22T07:39:08Z", "+04:30")


def test_a_wiki_revision_view_is_dated_by_the_revision_it_shows() -> None:
    # JSON-LD says 2005-07-26 (the wiki page's creation); the diff shows the 7 April 2020 revision.
    article = extract("daddicts-wiki-diff")
    assert article.published is not None and article.published.raw == "05:33, 7 April 2020"
    # No zone written and no source: the wall clock is read at the page's own offset (-07:00),
    # not shifted from UTC into it (which would give 22:33 on 6 April).
    assert article.published.offset == "-07:00"
    assert article.published.value == datetime(2020, 4, 7, 12, 33, tzinfo=UTC)
    assert published_day(article) == "2020-04-07"
    assert any("no zone written" in w for w in article.warnings)
