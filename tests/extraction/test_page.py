"""Parsing hostile HTML: bounded in bytes and in elements, JSON-LD and meta read once."""

from __future__ import annotations

import pytest

from aggregator.errors import ExtractionError
from aggregator.extraction.jsonld import unescape
from aggregator.extraction.page import MAX_ELEMENTS, parse_page


def test_element_count_is_bounded() -> None:
    html = "<html><body><h1>Many</h1>" + "<p>x</p>" * (MAX_ELEMENTS + 500) + "</body></html>"
    page = parse_page(html, "https://x.example/a")
    assert page.truncated
    assert sum(1 for _ in page.tree.iter()) <= MAX_ELEMENTS
    assert page.tree.find(".//h1") is not None  # the top of the page survives


def test_normal_pages_are_untouched() -> None:
    page = parse_page("<html><body><p>one</p><p>two</p></body></html>", "https://x.example/a")
    assert not page.truncated
    assert len(page.tree.findall(".//p")) == 2


def test_jsonld_with_graph_trailing_commas_and_comment_wrapping() -> None:
    html = """<html><head><script type="application/ld+json"><!--
    {"@context": "https://schema.org", "@graph": [
      {"@type": "WebSite", "name": "Site"},
      {"@type": ["NewsArticle"], "headline": "Other", "url": "https://x.example/other"},
      {"@type": "NewsArticle", "headline": "Ours", "url": "https://x.example/a/",},
    ]}
    --></script><meta property="og:title" content="T"></head><body></body></html>"""
    page = parse_page(html, "https://www.x.example/a?utm_source=feed")
    assert page.article is not None and page.article["headline"] == "Ours"
    assert page.meta_first("og:title") == "T"


def test_broken_jsonld_is_ignored() -> None:
    page = parse_page(
        '<html><head><script type="application/ld+json">{"@type": </script>'
        "</head><body><p>x</p></body></html>",
        "https://x.example/a",
    )
    assert page.jsonld == [] and page.article is None


def test_empty_input_names_the_url() -> None:
    with pytest.raises(ExtractionError, match=r"https://x\.example/empty"):
        parse_page("", "https://x.example/empty")


def test_entities_are_decoded_once_or_twice_escaped() -> None:
    assert unescape("L&#8217;&eacute;t&eacute; &quot;br&ucirc;lant&quot;") == 'L’été "brûlant"'
    assert unescape("Dell&amp;#8217;Europa &amp;amp; co") == "Dell’Europa & co"
    assert unescape("AT&T and R&D stay") == "AT&T and R&D stay"


def test_text_is_visible_text_in_order_and_leaves_the_tree_alone() -> None:
    html = (
        "<html><head><title>Headline</title><style>p{}</style></head><body>"
        "<p>Posted <b>31</b> Jan 2024<!-- 31/02/2024 --></p>"
        "<script>var v = '3.0.17';</script><noscript>enable JS</noscript>"
        "<p>Second</p></body></html>"
    )
    page = parse_page(html, "https://x.example/a")
    assert page.text() == "HeadlinePosted 31 Jan 2024Second"  # as libxml2 serializes text
    assert page.tree.find(".//script").text == "var v = '3.0.17';"  # put back
    assert page.tree.find(".//style").text == "p{}"
    assert page.text() is page.text()  # read once
