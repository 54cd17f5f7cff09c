"""aggregator.demo.outlets: the sources file it renders and the articles it declares."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from aggregator.config.sources import parse_sources
from aggregator.demo.outlets import (
    NSO_SOURCE,
    NSO_URL_PATH,
    OUTLETS,
    DemoOutlet,
    outlet,
    serving,
    sources_yaml,
)
from aggregator.demo.server import OutletServer
from aggregator.urls import canonicalize_url
from tests.demo.demo_pages import entry_links, fetch

Serve = Callable[[str | Path], OutletServer]


@pytest.fixture
def bases(serve_outlet: Serve) -> dict[str, str]:
    """Every demo outlet served on its own loopback port."""
    return {o.name: serve_outlet(o.folder).base_url for o in OUTLETS}


def test_three_outlets_in_three_languages() -> None:
    assert [o.name for o in OUTLETS] == ["emirates-leaks", "la-gazette", "gulf-courier"]
    assert {lang for o in OUTLETS for lang in o.languages} >= {"ar", "fr", "en"}
    for demo in OUTLETS:
        assert demo.folder.is_dir(), demo.folder
        assert (demo.folder / "index.html").is_file()
    assert outlet(NSO_SOURCE).article(NSO_URL_PATH).language == "fr"
    # docs/demo.md promises these counts: 14 pages announced, 12 stored.
    assert sum(len(o.articles) for o in OUTLETS) == 14
    assert sum(len(o.originals()) for o in OUTLETS) == 12


def test_unknown_names_are_refused_with_the_known_ones() -> None:
    with pytest.raises(KeyError, match="la-gazette"):
        outlet("le-monde")
    with pytest.raises(KeyError, match="emirates-leaks"):
        outlet(NSO_SOURCE).article("/nope.html")
    with pytest.raises(ValueError, match="le-monde"):
        sources_yaml({"le-monde": "http://127.0.0.1:1"})


def test_sources_yaml_is_a_valid_sources_file(bases: dict[str, str]) -> None:
    sources = parse_sources(sources_yaml(bases), "demo.yaml")

    assert [s.name for s in sources.sources] == [o.name for o in OUTLETS]
    for source, demo in zip(sources.sources, OUTLETS, strict=True):
        base = bases[demo.name]
        assert source.homepage == base + "/"
        assert source.feeds == [base + p for p in demo.feeds]
        assert source.sitemaps == [base + p for p in demo.sitemaps]
        assert source.languages == list(demo.languages)
        assert source.timezone == demo.timezone
        assert source.label == demo.label
        assert source.schedule is not None and source.schedule.describe() == "every 30m"
        assert source.enabled
        assert source.allow_networks == ["127.0.0.1/32"]  # loopback, for this outlet only


def test_sources_yaml_declares_only_the_outlets_given() -> None:
    sources = parse_sources(sources_yaml({"la-gazette": "http://127.0.0.1:8081/"}))
    (only,) = sources.sources
    assert only.name == "la-gazette"
    assert only.feeds == ["http://127.0.0.1:8081/flux/une.xml"]


@pytest.mark.parametrize("demo", OUTLETS, ids=lambda o: o.name)
def test_feeds_and_sitemaps_announce_exactly_the_declared_articles(
    demo: DemoOutlet, bases: dict[str, str]
) -> None:
    base = bases[demo.name]
    links = entry_links(demo, base)

    assert all(link.startswith(base + "/") for link in links), links
    for link in set(links):
        status, content_type, _ = fetch(link)
        assert (status, content_type.split(";")[0]) == (200, "text/html"), link
    announced = {canonicalize_url(link) for link in links}
    declared = {canonicalize_url(base + a.path) for a in demo.articles}
    assert announced == declared


@pytest.mark.parametrize("demo", OUTLETS, ids=lambda o: o.name)
def test_robots_txt_points_to_sitemaps_that_resolve(
    demo: DemoOutlet, bases: dict[str, str]
) -> None:
    status, _, body = fetch(bases[demo.name] + "/robots.txt")
    assert status == 200
    lines = body.decode().splitlines()
    sitemaps = [line.split(":", 1)[1].strip() for line in lines if line.startswith("Sitemap:")]
    assert sitemaps and all(s.startswith(bases[demo.name] + "/") for s in sitemaps)
    assert "Disallow: /admin/" in lines
    for sitemap in sitemaps:
        assert fetch(sitemap)[0] == 200, sitemap


def test_serving_starts_every_outlet_and_stops_them() -> None:
    with serving() as servers:
        assert sorted(servers) == sorted(o.name for o in OUTLETS)
        urls = {name: server.base_url for name, server in servers.items()}
        assert len(set(urls.values())) == len(OUTLETS), "each outlet is its own origin"
        for name, base in urls.items():
            assert fetch(base + "/")[0] == 200, name
    status, _, _ = _fetch_or_refused(urls[NSO_SOURCE] + "/")
    assert status is None


def _fetch_or_refused(url: str) -> tuple[int | None, str, bytes]:
    try:
        return fetch(url)
    except OSError:
        return None, "", b""
