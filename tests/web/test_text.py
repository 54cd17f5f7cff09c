"""Direction, links and paragraphs of scraped text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from aggregator.web.text import direction, local_time, paragraphs, safe_href


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ar", "rtl"),
        ("ar-EG", "rtl"),
        ("fa", "rtl"),
        ("he", "rtl"),
        ("fr", "ltr"),
        ("en", "ltr"),
        (None, "auto"),
        ("", "auto"),
    ],
)
def test_direction(language: str | None, expected: str) -> None:
    assert direction(language) == expected


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>",
        "vbscript:x",
        "//evil.example/",
        "/relative",
        "https://",
        None,
        "http://exa mple.com/",
        "https://x.example/" + "a" * 3000,
    ],
)
def test_unsafe_urls_are_not_links(url: str | None) -> None:
    assert safe_href(url) is None


def test_http_urls_are_links() -> None:
    assert (
        safe_href("https://www.aljazeera.net/news/1?a=1") == "https://www.aljazeera.net/news/1?a=1"
    )
    assert safe_href("HTTP://example.com/") == "HTTP://example.com/"


def test_paragraphs_split_and_bounded() -> None:
    assert paragraphs("one\n\n  two \nthree\n\n\n") == ["one", "two", "three"]
    assert paragraphs(None) == []
    assert len(paragraphs("p\n" * 1000)) == 400


def test_local_time_uses_the_outlet_offset_and_precision() -> None:
    moment = datetime(2021, 2, 3, 20, 0, tzinfo=UTC)
    assert local_time(moment, "+04:00") == "2021-02-04 00:00 +04:00"
    assert local_time(moment, "+04:00", "day") == "2021-02-04"
    assert local_time(moment, "-05:30", "minute") == "2021-02-03 14:30 -05:30"
    assert local_time(None) == "—"
