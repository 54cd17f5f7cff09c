"""End to end: a loopback outlet changes its article template between two real crawls, and the
extraction-quality alert appears in ``aggregator alerts --json`` and ``aggregator status``; a
normal wobble (one page of ten without a date) raises none.

Each crawl is the real ``aggregator crawl`` in a child process (Twisted's reactor cannot restart
inside the test process).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from aggregator.demo.server import OutletServer
from storage.db import session_scope
from storage.runs import recent_runs
from tests.spiders.crawling import loopback_allowance, run_cli

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
WORDS = (
    "The harbour authority said on Tuesday that the new container terminal would open in "
    "spring after two years of building work, adding berths for the largest ships and "
    "rail links to the inland depots that serve the region's factories and farms. "
)


def article(slug: str, *, dated: bool) -> str:
    """An article page; ``dated`` pages carry a published time and an author in their head."""
    head = (
        '<meta property="article:published_time" content="2026-12-01T08:00:00+00:00">'
        '<meta name="author" content="Rana Haddad">'
        if dated
        else ""
    )
    body = "".join(f"<p>Story {slug}, part {n}. {WORDS}</p>" for n in range(3))
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Terminal news {slug} | Port Daily</title>{head}</head>"
        f"<body><article><h1>Terminal news {slug}</h1>{body}</article></body></html>"
    )


def publish(root: Path, slugs: list[str], undated: set[str]) -> None:
    """Write the outlet's feed (no dates: the page is the only place a date comes from)."""
    items = "".join(
        f"<item><title>Terminal news {s}</title><link>{{{{BASE}}}}/news/{s}.html</link></item>"
        for s in slugs
    )
    (root / "feed.xml").write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Port Daily</title>'
        f"<link>{{{{BASE}}}}/</link><description>x</description>{items}</channel></rss>",
        encoding="utf-8",
    )
    (root / "news").mkdir(exist_ok=True)
    for slug in slugs:
        page = article(slug, dated=slug not in undated)
        (root / "news" / f"{slug}.html").write_text(page, encoding="utf-8")


def port_daily(
    tmp_path: Path, serve_outlet: Callable[[Path], OutletServer], slugs: list[str]
) -> tuple[Path, str]:
    """The "Port Daily" outlet folder with ``slugs`` published (all dated), served on
    loopback: (its folder, its base URL)."""
    root = tmp_path / "port-daily"
    root.mkdir()
    publish(root, slugs, undated=set())
    return root, serve_outlet(root).base_url


def aggregator(database_url: str, sources: Path, *args: str) -> str:
    result = run_cli(database_url, sources, *args, env=loopback_allowance())
    assert result.returncode in (0, 2), result.stdout + result.stderr
    return result.stdout


@pytest.fixture
def outlet(tmp_path: Path, serve_outlet: Callable[[Path], OutletServer]) -> tuple[Path, Path, str]:
    """The outlet folder, its sources file and a SQLite URL; the first crawl is done."""
    root, base = port_daily(tmp_path, serve_outlet, [f"a{n}" for n in range(10)])
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n  - name: port\n"
        f"    homepage: {base}/\n    languages: [en]\n"
        f"    feeds: [{base}/feed.xml]\n",
        encoding="utf-8",
    )
    database_url = f"sqlite:///{tmp_path / 'aggregator.db'}"
    aggregator(database_url, sources, "crawl", "--progress", "log")
    return root, sources, database_url


def alerts(database_url: str, sources: Path) -> list[dict[str, object]]:
    found: list[dict[str, object]] = json.loads(
        aggregator(database_url, sources, "alerts", "--json")
    )["alerts"]
    return found


def test_template_change_raises_an_alert(outlet: tuple[Path, Path, str]) -> None:
    root, sources, database_url = outlet
    assert alerts(database_url, sources) == []
    slugs = [f"b{n}" for n in range(10)]
    publish(root, slugs, undated=set(slugs))  # the new template lost date and author markup
    aggregator(database_url, sources, "crawl", "--progress", "log")

    found = {a["subject"]: a for a in alerts(database_url, sources)}
    assert set(found) == {"date", "authors"}
    details = found["date"]["details"]
    assert isinstance(details, dict)
    assert (details["before"], details["after"], details["pages"]) == (1.0, 0.0, 10)
    assert len(details["samples"]) == 3
    assert all("/news/b" in url for url in details["samples"])

    status = json.loads(aggregator(database_url, sources, "status", "--json"))
    (port,) = status["sources"]
    messages = [w["message"] for w in port["warnings"] if w["kind"] == "quality"]
    assert any(m.startswith("date fell from 100% to 0% of pages") for m in messages)
    assert any(m.startswith("authors fell from 100% to 0% of pages") for m in messages)


def test_one_page_without_a_date_is_a_wobble(outlet: tuple[Path, Path, str]) -> None:
    root, sources, database_url = outlet
    publish(root, [f"c{n}" for n in range(10)], undated={"c3"})
    aggregator(database_url, sources, "crawl", "--progress", "log")
    with session_scope(database_url) as session:
        wobbly, first = recent_runs(session, "port", 2)
        assert first.quality is not None and first.quality["found"]["date"] == 10
        assert wobbly.quality is not None and wobbly.quality["pages"] == 10
        assert wobbly.quality["found"]["date"] == 9
        assert wobbly.quality["missing"]["date"][0].endswith("/news/c3.html")
    assert alerts(database_url, sources) == []
    status = json.loads(aggregator(database_url, sources, "status", "--json"))
    assert [w for w in status["sources"][0]["warnings"] if w["kind"] == "quality"] == []
