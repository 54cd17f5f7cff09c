"""Headlines without the site's name around them."""

from __future__ import annotations

import pytest

from aggregator.extraction.page import parse_page
from aggregator.extraction.titles import find_title, strip_site_name


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
        (
            "Streit um die Mieten | Süddeutsche Zeitung",
            None,
            "https://www.sz.de/a",
            "Streit um die Mieten",
        ),
        ("Zürich wählt – NZZ", "Neue Zürcher Zeitung", "https://www.nzz.ch/a", "Zürich wählt"),
    ],
)
def test_strip_site_name(title: str, site: str | None, url: str, expected: str) -> None:
    assert strip_site_name(title, site, url) == expected


def test_the_h1_settles_an_unknown_suffix() -> None:
    title = "Storm hits coast :: Regional Weekly"
    assert strip_site_name(title, None, "https://rw.example/", h1="Storm hits coast") == (
        "Storm hits coast"
    )


def _page(head: str, body: str) -> str:
    return f"<html><head>{head}</head><body><header><nav>Home</nav></header>{body}</body></html>"


def test_a_kicker_shown_apart_is_dropped() -> None:
    html = _page(
        '<meta property="og:title" content="Neue Leipziger Schule: Die Maler aus der Spinnerei">',
        '<div class="head"><p class="article__kicker">Neue Leipziger Schule</p>'
        "<h1>Die Maler aus der Spinnerei</h1></div>",
    )
    page = parse_page(html, "https://lvz.example/a")
    assert find_title(page, None, None) == "Die Maler aus der Spinnerei"


def test_a_colon_in_the_printed_headline_stays() -> None:
    """ "Yémen : ..." is the headline itself when the h1 says so, kicker element or not."""
    html = _page(
        '<meta property="og:title" content="Yémen : les ONG réclament une trêve">',
        '<div><p class="kicker">Yémen</p><h1>Yémen : les ONG réclament une trêve</h1></div>',
    )
    page = parse_page(html, "https://gazette.example/a")
    assert find_title(page, None, None) == "Yémen : les ONG réclament une trêve"
    html = _page('<meta property="og:title" content="Trump: I will not concede">', "<p>x</p>")
    assert find_title(parse_page(html, "https://x.example/a"), None, None) == (
        "Trump: I will not concede"
    )


def test_entities_in_the_headline_are_decoded() -> None:
    html = _page(
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": '
        '"L&#8217;&eacute;t&eacute; &amp;quot;br&ucirc;lant&amp;quot; de G&ouml;teborg"}</script>',
        "<p>x</p>",
    )
    page = parse_page(html, "https://x.example/a")
    assert find_title(page, None, None) == 'L’été "brûlant" de Göteborg'
