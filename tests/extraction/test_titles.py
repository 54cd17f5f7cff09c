"""Headlines without the site's name around them."""

from __future__ import annotations

import pytest

from aggregator.extraction.titles import strip_site_name


@pytest.mark.parametrize(
    ("title", "site", "url", "expected"),
    [
        (
            "Storm hits coast | The Gazette",
            "The Gazette",
            "https://gazette.example/a",
            "Storm hits coast",
        ),
        (
            "The Gazette - Storm hits coast",
            "The Gazette",
            "https://gazette.example/a",
            "Storm hits coast",
        ),
        ("Storm hits coast – Gazette", None, "https://www.gazette.example/a", "Storm hits coast"),
        (
            "Storm hits coast | News | The Gazette",
            "The Gazette",
            "https://x.example/",
            "Storm hits coast | News",
        ),
        ("Storm hits coast - again", None, "https://gazette.example/a", "Storm hits coast - again"),
        ("ارتفاع الأسعار - النهار", "النهار", "https://nahar.example/a", "ارتفاع الأسعار"),
    ],
)
def test_strip_site_name(title: str, site: str | None, url: str, expected: str) -> None:
    assert strip_site_name(title, site, url) == expected


def test_the_h1_settles_an_unknown_suffix() -> None:
    title = "Storm hits coast :: Regional Weekly"
    assert strip_site_name(title, None, "https://rw.example/", h1="Storm hits coast") == (
        "Storm hits coast"
    )
