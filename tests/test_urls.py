"""URL identity: every variant of an article address has one canonical form."""

from __future__ import annotations

import pytest

from aggregator.urls import canonicalize_url, choose_canonical, site_of, url_variants

ARTICLE = "https://www.example.com/news/2024/05/story"


@pytest.mark.parametrize(
    "variant",
    [
        ARTICLE,
        "HTTPS://WWW.EXAMPLE.COM/news/2024/05/story",
        "https://www.example.com:443/news/2024/05/story",
        "https://www.example.com/news/2024/05/story/",
        "https://www.example.com/news/2024/05/story#comments",
        "https://www.example.com/news/2024/05/story?utm_source=rss&utm_medium=feed",
        "https://www.example.com/news/2024/05/story?fbclid=IwAR0abc&gclid=Cj0K",
        "https://www.example.com/news/2024/05/story?mc_cid=1a2b&mc_eid=3c4d",
        "https://www.example.com/news/2024/05/story?xtor=RSS-1&at_medium=custom7",
        "https://www.example.com/news/2024/05/story/amp",
        "https://www.example.com/news/2024/05/story/amp/",
        "https://www.example.com/amp/news/2024/05/story",
        "https://www.example.com/news/2024/05/story?amp=1",
        "https://www.example.com/news/2024/05/story?outputType=amp",
        "https://www.example.com/news/2024/05/story.amp",
        "https://amp.example.com/news/2024/05/story",
        "https://m.example.com/news/2024/05/story",
        "https://mobile.example.com/news/2024/05/story?utm_campaign=x",
    ],
)
def test_variants_collapse_to_one_form(variant: str) -> None:
    assert canonicalize_url(variant) == ARTICLE


def test_content_parameters_are_kept_and_sorted() -> None:
    url = "http://Example.com:8080/article.php?id=12&gallery=3&utm_term=x&page=2"
    assert canonicalize_url(url) == "http://example.com:8080/article.php?gallery=3&id=12&page=2"


def test_root_keeps_its_slash_and_default_http_port_goes() -> None:
    assert canonicalize_url("http://example.com:80") == "http://example.com/"


def test_amp_suffix_before_html_extension() -> None:
    assert canonicalize_url("https://www.example.co.uk/a/story.amp.html") == (
        "https://www.example.co.uk/a/story.html"
    )


def test_hosts_that_are_not_variants_stay() -> None:
    # amp.dev is a site of its own; en.m.wikipedia.org is not a leading variant prefix.
    assert canonicalize_url("https://amp.dev/about/") == "https://amp.dev/about"
    assert canonicalize_url("https://en.m.wikipedia.org/wiki/X") == (
        "https://en.m.wikipedia.org/wiki/X"
    )


def test_middle_amp_segment_is_content() -> None:
    assert canonicalize_url("https://example.com/sport/amp/results") == (
        "https://example.com/sport/amp/results"
    )


def test_idempotent() -> None:
    once = canonicalize_url("https://M.Example.com/a%7e/b/?q=a%20b&utm_id=1#x")
    assert canonicalize_url(once) == once


def test_non_http_is_left_alone() -> None:
    assert canonicalize_url(" mailto:desk@example.com ") == "mailto:desk@example.com"


def test_declared_canonical_on_same_site_wins() -> None:
    fetched = "https://amp.example.com/amp/story-123?amp=1"
    assert choose_canonical(fetched, "https://example.com/world/story-123/") == (
        "https://example.com/world/story-123"
    )


def test_relative_declared_canonical_is_resolved() -> None:
    assert choose_canonical("https://www.example.com/a?page=1", "/a") == (
        "https://www.example.com/a"
    )


def test_declared_canonical_on_another_site_is_ignored() -> None:
    # A syndicated copy points at the wire agency: it is still the outlet's own page.
    assert choose_canonical("https://outlet.example/story", "https://wire.example/story") == (
        "https://outlet.example/story"
    )


def test_declared_homepage_is_ignored() -> None:
    assert choose_canonical("https://www.example.com/story", "https://www.example.com/") == (
        "https://www.example.com/story"
    )


def test_missing_or_bogus_declared_canonical() -> None:
    fetched = "https://www.example.com/story?utm_source=x"
    expected = "https://www.example.com/story"
    assert choose_canonical(fetched, None) == expected
    assert choose_canonical(fetched, "  ") == expected
    assert choose_canonical(fetched, "javascript:alert(1)") == expected


def test_loopback_sites_compare_host_and_port() -> None:
    assert site_of("http://127.0.0.1:8001/a") != site_of("http://127.0.0.1:8002/a")
    assert choose_canonical("http://127.0.0.1:8001/a?amp=1", "http://127.0.0.1:8001/b") == (
        "http://127.0.0.1:8001/b"
    )


def test_url_variants_are_distinct_and_ordered() -> None:
    assert url_variants(
        "https://x.com/a?utm_source=1", None, "https://x.com/a/", "https://x.com/b"
    ) == [
        "https://x.com/a",
        "https://x.com/b",
    ]
