"""``aggregator sources list | add | check`` against loopback outlets."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from aggregator.cli import cli
from aggregator.config.sources import load_sources
from aggregator.demo.server import OutletServer
from storage.articles import Article
from storage.db import session_scope
from storage.runs import CrawlRun
from tests.spiders.crawling import materialize

Serve = Callable[[str | Path], OutletServer]

HAND_WRITTEN = """\
# Our outlets. Keep this comment!
defaults:
  max_age: 7d   # a week is enough

sources:
  # The paper of record.
  - name: le-monde
    label: Le Monde
    homepage: https://www.lemonde.fr/
    feeds:
      - https://www.lemonde.fr/international/rss_full.xml
    languages: [fr]
    timezone: Europe/Paris

  - name: quiet
    homepage: https://quiet.example.org/
    start_pages: [https://quiet.example.org/news/]
    languages: [ar]
    enabled: false
    schedule: {cron: "0 6 * * *"}
"""


def run(sources: Path, *args: str) -> Result:
    return CliRunner().invoke(
        cli,
        [
            "--sources",
            str(sources),
            "--database-url",
            f"sqlite:///{sources.parent / 'db.sqlite'}",
            "sources",
            *args,
        ],
    )


@pytest.fixture
def sources_file(tmp_path: Path) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    return path


def test_list(sources_file: Path) -> None:
    result = run(sources_file, "list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1].split("\t") == [
        "name",
        "label",
        "languages",
        "timezone",
        "schedule",
        "discovery",
        "enabled",
    ]
    assert lines[2].split("\t") == [
        "le-monde",
        "Le Monde",
        "fr",
        "Europe/Paris",
        "every 1h (default)",
        "1 feed",
        "yes",
    ]
    assert lines[3].split("\t") == [
        "quiet",
        "",
        "ar",
        "UTC",
        "cron 0 6 * * *",
        "1 start page",
        "no",
    ]


def test_add_writes_a_working_entry_and_keeps_the_file(
    sources_file: Path, tmp_path: Path, serve_outlet: Serve
) -> None:
    wire = serve_outlet(materialize("wire", tmp_path))
    base = wire.base_url
    result = run(sources_file, "add", base + "/", "--name", "gulf-wire", "--timezone", "Asia/Dubai")
    assert result.exit_code == 0, result.output
    assert "added source 'gulf-wire'" in result.output

    text = sources_file.read_text(encoding="utf-8")
    assert text.startswith(HAND_WRITTEN)  # comments, order and layout untouched
    added = load_sources(sources_file).get("gulf-wire")
    assert added.label == "Gulf Wire"
    assert added.feeds == [
        f"{base}/feeds/rss2.xml",
        f"{base}/feeds/atom.xml",
        f"{base}/feeds/feed.json",
    ]
    assert added.sitemaps == [f"{base}/sitemaps/news.xml", f"{base}/sitemaps/index.xml"]
    assert (added.languages, added.timezone) == (["en"], "Asia/Dubai")
    assert "\n\n  # added by `aggregator sources add`" in text
    assert "\n  - name: gulf-wire\n    label: Gulf Wire\n" in text


def test_add_of_a_private_address_allows_that_host_only(
    sources_file: Path, tmp_path: Path, serve_outlet: Serve, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AGGREGATOR_ALLOW_NETWORKS")  # no global allowance: the entry's own
    wire = serve_outlet(materialize("wire", tmp_path))
    result = run(sources_file, "add", wire.base_url + "/", "--name", "gulf-wire")
    assert result.exit_code == 0, result.output
    assert "127.0.0.1: loopback address; allow_networks: [127.0.0.1/32] written" in result.output
    added = load_sources(sources_file).get("gulf-wire")
    assert added.allow_networks == ["127.0.0.1/32"]
    assert added.feeds  # discovery ran under that allowance
    assert load_sources(sources_file).get("le-monde").allow_networks == []


@pytest.mark.slow
def test_a_following_crawl_uses_the_new_entry_and_a_second_downloads_no_article(
    tmp_path: Path, serve_outlet: Serve
) -> None:
    wire = serve_outlet(materialize("wire", tmp_path))
    sources = tmp_path / "sources.yaml"
    sources.write_text("# Only the loopback outlet.\nsources:\n", encoding="utf-8")
    assert run(sources, "add", wire.base_url + "/", "--name", "wire").exit_code == 0
    database = f"sqlite:///{tmp_path / 'crawl.db'}"

    wire.clear()
    _aggregator_crawl(sources, database)
    with session_scope(database) as session:
        stored = set(session.scalars(select(Article.url)))
    assert f"{wire.base_url}/news/rss2-b.html" in stored  # from a feed
    assert f"{wire.base_url}/news/news-a.html" in stored  # from the Google News sitemap
    assert wire.requested("/news/")

    wire.clear()
    _aggregator_crawl(sources, database)
    assert wire.requested("/news/") == []
    assert wire.requested("/feeds/rss2.xml", status=304)
    with session_scope(database) as session:
        last = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())).first()
        assert last is not None and (last.status, last.fetched) == ("finished", 0)
        assert last.not_modified >= 3


def _aggregator_crawl(sources: Path, database: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGGREGATOR_")}
    env["AGGREGATOR_DOWNLOAD_DELAY"] = "0"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "aggregator",
            "--sources",
            str(sources),
            "--database-url",
            database,
            "crawl",
            "--progress",
            "off",
        ],
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
        cwd=sources.parent,
    )
    assert done.returncode == 0, done.stderr[-3000:]


def test_add_refuses_duplicates(sources_file: Path, serve_outlet: Serve, tmp_path: Path) -> None:
    wire = serve_outlet(materialize("wire", tmp_path))
    assert run(sources_file, "add", wire.base_url + "/", "--name", "wire").exit_code == 0
    before = sources_file.read_text(encoding="utf-8")

    by_name = run(sources_file, "add", wire.base_url + "/", "--name", "le-monde")
    assert by_name.exit_code == 1
    assert "a source named 'le-monde' already exists" in by_name.output
    by_homepage = run(sources_file, "add", wire.base_url, "--name", "other")
    assert by_homepage.exit_code == 1
    assert "is already declared as source 'wire'" in by_homepage.output
    assert sources_file.read_text(encoding="utf-8") == before


def test_broken_url_is_one_line(sources_file: Path, serve_outlet: Serve, tmp_path: Path) -> None:
    server = serve_outlet(materialize("wire", tmp_path))
    dead = server.base_url
    server.stop()
    result = run(sources_file, "add", dead + "/")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: cannot fetch {dead}/: connection refused"
    ]
    assert "Traceback" not in result.output
    assert run(sources_file, "add", "not-a-url").output.strip() == (
        "Error: expected an http(s) URL, got 'not-a-url'"
    )


def _site(tmp_path: Path, pages: dict[str, str]) -> Path:
    site = tmp_path / "site"
    for name, text in pages.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text, encoding="utf-8")
    return site


def test_add_without_feed_or_language(tmp_path: Path, serve_outlet: Serve) -> None:
    site = serve_outlet(
        _site(tmp_path, {"index.html": "<html><body><a href='/a'>a</a></body></html>"})
    )
    path = tmp_path / "new.yaml"  # does not exist yet: created
    no_language = run(path, "add", site.base_url + "/")
    assert no_language.exit_code == 1
    assert "declares no language; give one with --language" in no_language.output
    assert not path.exists()

    result = run(path, "add", site.base_url + "/", "--language", "ar,fr", "--name", "bare")
    assert result.exit_code == 0, result.output
    assert "no feed found" in result.output
    bare = load_sources(path).get("bare")
    assert bare.start_pages == [site.base_url + "/"] and bare.languages == ["ar", "fr"]
    assert path.read_text(encoding="utf-8").startswith("# Outlets to watch.")


def test_check_a_healthy_source(tmp_path: Path, serve_outlet: Serve) -> None:
    wire = serve_outlet(materialize("wire", tmp_path))
    base = wire.base_url
    path = tmp_path / "sources.yaml"
    path.write_text(
        f"""sources:
  - name: wire
    homepage: {base}/
    feeds: [{base}/feeds/rss2.xml]
    sitemaps: [{base}/robots.txt]
    start_pages: [{base}/world/]
    links: {{allow: ['/news/']}}
    languages: [en]
    max_age: 30d
""",
        encoding="utf-8",
    )
    result = run(path, "check", "wire")
    assert result.exit_code == 0, result.output
    out = result.output
    assert f"feed     {base}/feeds/rss2.xml  4 article URLs" in out
    assert f"sitemap  {base}/sitemaps/index.xml  2 article URLs" in out  # news-old twice
    assert f"sitemap  {base}/sitemaps/news.xml  2 article URLs" in out
    # link-a (twice: once with tracking parameters, counted once) and link-b
    assert f"links    {base}/world/  2 article URLs" in out
    assert out.count("    title: ") == 3
    assert "title: Central bank holds rates steady" in out
    assert re.search(r"language: en  words: \d\d", out)
    assert "rss2-old" not in out  # past the cut-off: not sampled
    assert "secret" not in out  # refused by robots.txt: not fetched
    assert "robots.txt refuses 1" in out
    assert not wire.requested("/private/")
    assert out.rstrip().endswith("ok: no problems found")


def test_check_names_what_is_wrong(tmp_path: Path, serve_outlet: Serve) -> None:
    wall = (
        "<!DOCTYPE html><html><head><title>Just a moment...</title></head>"
        "<body><script>window._cf_chl_opt={}</script></body></html>"
    )
    empty = (
        "<!DOCTYPE html><html lang='en'><head><title>Empty</title></head>"
        "<body><article><h1>Empty</h1><p>Short.</p></article></body></html>"
    )
    sitemap = """<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{{BASE}}/wall.html</loc></url><url><loc>{{BASE}}/empty.html</loc></url></urlset>"""
    site = serve_outlet(
        _site(tmp_path, {"wall.html": wall, "empty.html": empty, "sitemap.xml": sitemap})
    )
    path = tmp_path / "sources.yaml"
    path.write_text(
        f"""sources:
  - name: walled
    homepage: {site.base_url}/
    sitemaps: [{site.base_url}/sitemap.xml, {site.base_url}/gone.xml]
    languages: [en]
""",
        encoding="utf-8",
    )
    result = run(path, "check", "walled")
    assert result.exit_code == 1
    out = result.output
    assert "note: no feed: the source declares none" in out
    assert f"problem: sitemap {site.base_url}/gone.xml: HTTP 404" in out
    assert "problem: bot wall: 1 of 2 articles" in out
    assert "problem: empty bodies: 1 of 2 articles" in out


def test_check_unknown_source(sources_file: Path) -> None:
    result = run(sources_file, "check", "nope")
    assert result.exit_code == 1
    assert "no source named 'nope'" in result.output
