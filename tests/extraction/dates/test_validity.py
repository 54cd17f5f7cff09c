"""Impossible dates are found as written, before any parser rounds them to another day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from aggregator.extraction import extract_article
from aggregator.extraction.dates.validity import impossible_date, real_day, spells_day


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("31/02/2024", "31/02/2024"),
        ("Publié le 31.02.2024 à 10h00", "31.02.2024"),
        ("Thu, 31 Feb 2024 10:00:00 +0000", "31 Feb 2024"),
        ("2024-02-30", "2024-02-30"),
        ("2024-02-30T10:00:00Z", "2024-02-30"),
        ("32/01/2024", "32/01/2024"),
        ("15/13/2024", "15/13/2024"),
        ("Feb 30, 2024", "Feb 30, 2024"),
        ("FEBRUARY 30TH, 2024", "FEBRUARY 30TH, 2024"),
        ("Updated Sept. 31 2023", "Sept. 31 2023"),
        ("Page 12, 2024 report; März 32 2020", "März 32 2020"),
        ("31 de febrero de 2024", "31 de febrero de 2024"),
        ("30 février 2024", "30 février 2024"),
        ("29/02/2023", "29/02/2023"),
        ("٣١ فبراير ٢٠٢٤", "31 فبراير 2024"),
        ("31 شباط 2024", "31 فبراير 2024"),
        ("ref 131/02/2024 and then 30/02/2024", "30/02/2024"),  # the second one starts a number
    ],
)
def test_impossible_dates_are_found(text: str, found: str) -> None:
    assert impossible_date(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "29/02/2024",
        "12/31/2024",  # month first: a real day
        "31/12/2024",
        "2024-02-29T10:00:00+04:00",
        "Thu, 29 Feb 2024 10:00:00 +0000",
        "publié le 3 février 2021 à 14h05",
        "الأربعاء، 3 فبراير 2021 02:05 م",
        "منذ ساعتين",
        "Score 3-2-1, version 1.2.3, 10:45",
        '{"disqusConfig":{"integration":"wordpress 3.0.17"}}',  # versions, not dates
        "/* Font Face Observer v2.0.13 - © Bram Stein */",
        "build 5.40.12",
        "Chapter 30, 2024 edition; Febr. 30 2024; xFeb 30, 2024",  # no month names
        "20 جمادى الآخرة 1442 هـ",
        "ref 131/02/2024, id 7-31-02-2024, v:31.02.2024",  # inside longer numbers or fields
        "serial 12031 Feb 2024",
        "",
    ],
)
def test_real_dates_pass(text: str) -> None:
    assert impossible_date(text) is None


def test_real_day_knows_leap_years() -> None:
    assert real_day(2024, 2, 29) and not real_day(2023, 2, 29)
    assert not real_day(2024, 13, 1) and not real_day(2024, 1, 0)


@pytest.mark.parametrize(
    ("text", "spelled"),
    [
        ("| 17 de Febrero 2020", True),
        ("Feb. 17, 2020", True),
        ("17.02.2020", True),
        ("2/17/20", True),
        ("2020-02-17T10:00", True),
        ("2020年2月17日", True),
        ("١٧ شباط ٢٠٢٠", True),
        ("© 2020 The Site, 17 readers in February", False),
        ("Febrero 2020, 17 comentarios", False),
        ("2020-02-18", False),
    ],
)
def test_spells_day(text: str, spelled: bool) -> None:
    assert spells_day(text, date(2020, 2, 17)) is spelled


def _gazette_page(*changes: tuple[str, str]) -> str:
    """The demo outlet's Lyon manuscript article with ``changes`` (old, new) applied."""
    page = Path(__file__).parents[3] / "aggregator/demo/sites/la-gazette"
    html = (page / "culture/2021/02/04/manuscrit-arabe-lyon.html").read_text(encoding="utf-8")
    for old, new in changes:
        assert old in html
        html = html.replace(old, new)
    return html.replace("{{BASE}}", "https://la-gazette.example")


URL = "https://la-gazette.example/culture/2021/02/04/manuscrit-arabe-lyon.html"
NOW = datetime(2021, 3, 1, tzinfo=UTC)
TEXT_DATE = ("Publié le 4 février 2021 à 11h20", "Publié le 31/02/2024 à 11h20")
META_DATE = ('content="2021-02-04T11:20:00+01:00"', 'content="2021-02-04"')


def _impossible_warnings(html: str) -> list[str]:
    article = extract_article(html, URL, fetched_at=NOW)
    return [w for w in article.warnings if "not a real calendar date" in w]


def test_an_impossible_date_in_the_text_is_reported_where_the_text_dates_the_page() -> None:
    # No date in the markup: the text's date line could have been the publication date.
    html = _gazette_page(TEXT_DATE, ('<meta property="article:published_time"', "<meta x"))
    assert _impossible_warnings(html) == [
        "date: '31/02/2024' is not a real calendar date; not used"
    ]


def test_an_impossible_date_in_the_text_is_not_read_where_the_markup_dates_the_page() -> None:
    # The markup's date is used; the text's is not a candidate, and is not scanned for.
    html = _gazette_page(TEXT_DATE, META_DATE)
    article = extract_article(html, URL, fetched_at=NOW)
    assert article.published is not None and article.published.origin == "meta"
    assert _impossible_warnings(html) == []
    # ... unless a date field itself is impossible.
    assert _impossible_warnings(
        _gazette_page(('content="2021-02-04T11:20:00+01:00"', 'content="2021-02-31"'))
    ) == ["date: '2021-02-31' is not a real calendar date; not used"]
