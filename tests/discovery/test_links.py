"""Link following: which links of a section page are visited, and what is an article."""

from __future__ import annotations

from pathlib import Path

from aggregator.config.sources import LinkRules
from aggregator.discovery.links import extract_links, looks_like_article, same_site, site_host

WIRE = Path(__file__).parent.parent / "fixtures" / "outlets" / "wire"
BASE = "http://wire.test"


def page(path: str) -> str:
    return (WIRE / path).read_text(encoding="utf-8").replace("{{BASE}}", BASE)


def test_allow_and_deny_patterns_on_the_same_site_only() -> None:
    rules = LinkRules(allow=["/news/", "/world/more"], deny=["about"], depth=2)
    links = extract_links(page("world/index.html"), f"{BASE}/world/", rules, "wire.test")
    assert links == [
        f"{BASE}/news/link-a.html",
        f"{BASE}/news/link-b.html",  # fragment dropped
        f"{BASE}/news/link-a.html?utm_source=home",  # the spider canonicalises it away
        f"{BASE}/world/more.html",
    ]


def test_no_allow_pattern_means_every_link_on_the_site() -> None:
    links = extract_links(page("world/index.html"), f"{BASE}/world/", LinkRules(), "wire.test")
    assert f"{BASE}/about.html" in links
    assert not any("elsewhere" in link or link.startswith("mailto") for link in links)


def test_base_href_and_subdomains() -> None:
    html = """<html><head><base href="https://www.site.test/ar/"></head><body>
    <a href="news/1.html">1</a><a href="https://sport.site.test/x">2</a>
    <a href="https://notsite.test/y">3</a><a href="javascript:void(0)">4</a></body></html>"""
    links = extract_links(
        html, "https://www.site.test/", LinkRules(), site_host("https://www.site.test/")
    )
    assert links == ["https://www.site.test/ar/news/1.html", "https://sport.site.test/x"]


def test_same_site() -> None:
    assert site_host("https://WWW.Lemonde.fr/x") == "lemonde.fr"
    assert same_site("https://www.lemonde.fr/a", "lemonde.fr")
    assert not same_site("https://notlemonde.fr/a", "lemonde.fr")


def test_looks_like_article() -> None:
    assert looks_like_article(page("news/link-a.html"))  # og:type article
    assert not looks_like_article(page("world/more.html"))
    jsonld = """<html><head><script type="application/ld+json">
    {"@context": "https://schema.org", "@graph": [{"@type": "WebPage"}, {"@type": ["NewsArticle"]}]}
    </script></head><body></body></html>"""
    assert looks_like_article(jsonld)
    assert not looks_like_article('<script type="application/ld+json">{broken</script>')
    assert not looks_like_article("")


def test_html_with_an_xml_declaration_is_read() -> None:
    html = '<?xml version="1.0" encoding="utf-8"?><html><body><a href="/a">a</a></body></html>'
    assert extract_links(html, "http://x.test/", LinkRules(), "x.test") == ["http://x.test/a"]
