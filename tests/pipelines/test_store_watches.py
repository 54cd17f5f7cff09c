"""Watches at store time, in a real crawl of a loopback outlet (`aggregator crawl` in a child
process, as the scheduler runs it): a French and an Arabic page naming Pegasus hit the watch
when stored, once, each with its ``watch_hit`` alert."""

from __future__ import annotations

import html
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from aggregator.demo.server import OutletServer
from aggregator.pipelines.store_watches import StoreTimeWatches
from storage.alerts import list_alerts
from storage.article_record import ArticleRecord
from storage.articles import Article
from storage.batches import BatchWriter
from storage.db import get_engine, session_scope, upgrade
from storage.ingest import save_article
from storage.sources import source_id_or_create
from storage.watches import add_watch, backfill, list_hits
from tests.spiders.crawling import REPO, loopback_source
from tests.watch.texts import ARABIC_PEGASUS, ARABIC_TAGLINE, ntrex, report

PAGE = """<!DOCTYPE html>
<html lang="{lang}"{dir}>
<head><meta charset="utf-8"><title>{title}</title>
<link rel="canonical" href="{{{{BASE}}}}/{path}"></head>
<body><nav><a href="/">Accueil</a></nav>
<main><article><h1>{title}</h1>
{paragraphs}
</article></main><footer>{footer}</footer></body></html>
"""


def page(path: str, lang: str, title: str, body: str) -> str:
    paragraphs = "\n".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n\n") if p.strip())
    return PAGE.format(
        lang=lang,
        dir=' dir="rtl"' if lang == "ar" else "",
        title=html.escape(title),
        path=path,
        paragraphs=paragraphs,
        footer=html.escape(ARABIC_TAGLINE),
    )


def arabic_body() -> str:
    """The Arabic Pegasus sentence with real Arabic news around it (NTREX), clitic attached."""
    story = ntrex().get("ntrex:euronews-en.153835")
    around = story["ar"]["body"] if story else ARABIC_TAGLINE * 20
    return (
        around.split("\n\n")[0]
        + "\n\n"
        + ARABIC_PEGASUS.replace(" بيغاسوس", " وبيغاسوس")
        + "\n\n"
        + around
    )


def outlet(root: Path) -> Path:
    """A loopback outlet: an RSS feed with a French, an Arabic and an unrelated article."""
    root.mkdir()
    (root / "news").mkdir()
    recent = format_datetime(datetime.now(UTC) - timedelta(hours=1))
    story = ntrex().get("ntrex:bbc.381647")
    other = story["en"]["body"] if story else "Kanye West changes his name. " * 60
    pages = {
        "news/nso-fr.html": ("fr", "NSO Group fait l’objet d’une nouvelle enquête", report()),
        "news/pegasus-ar.html": ("ar", "برنامج التجسس والمجتمع المدني", arabic_body()),
        "news/other.html": ("en", "Kanye West changes his name to Ye", other),
    }
    items = []
    for path, (lang, title, body) in pages.items():
        (root / path).write_text(page(path, lang, title, body), encoding="utf-8")
        items.append(
            f"<item><title>{html.escape(title)}</title><link>{{{{BASE}}}}/{path}</link>"
            f"<pubDate>{recent}</pubDate></item>"
        )
    (root / "rss.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Desk</title>'
        f"<link>{{{{BASE}}}}/</link>{''.join(items)}</channel></rss>",
        encoding="utf-8",
    )
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    (root / "index.html").write_text(page("", "fr", "Desk", ARABIC_TAGLINE), encoding="utf-8")
    return root


COMMAND = (sys.executable, "-m", "aggregator")


def crawl(database_url: str, sources: Path) -> str:
    """The real CLI crawl, in a child process; its log."""
    done = subprocess.run(
        [*COMMAND, "--database-url", database_url, "--sources", str(sources), "crawl"],
        capture_output=True,
        text=True,
        timeout=240,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "AGGREGATOR_DOWNLOAD_DELAY": "0"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def test_a_crawl_matches_new_articles_at_store_time_once(
    tmp_path: Path, sqlite_url: str, serve_outlet: Callable[[str | Path], OutletServer]
) -> None:
    upgrade(sqlite_url)
    with session_scope(sqlite_url) as session:
        pegasus = add_watch(session, "Pegasus", aliases=["بيغاسوس"]).id
        only_en = add_watch(session, "Pegasus spyware", languages=["en"]).id
    assert backfill(sqlite_url).scanned == 0  # nothing stored yet: the crawl must find them
    server = serve_outlet(outlet(tmp_path / "desk"))
    sources = tmp_path / "sources.yaml"
    sources.write_text(loopback_source("desk", server.base_url, feeds=["/rss.xml"]), "utf-8")
    log = crawl(sqlite_url, sources)
    with session_scope(sqlite_url) as session:
        hits = {r.article.url.rsplit("/", 1)[-1]: r.hit for r in list_hits(session, pegasus)}
        assert sorted(hits) == ["nso-fr.html", "pegasus-ar.html"], log[-3000:]
        assert hits["pegasus-ar.html"].found == "وبيغاسوس"
        assert hits["nso-fr.html"].matched == "Pegasus"
        assert list_hits(session, only_en) == []
        assert len(list_alerts(session, kind="watch_hit")) == 2
    # The same pages again: nothing new is stored, so no hit and no alert is added.
    crawl(sqlite_url, sources)
    with session_scope(sqlite_url) as session:
        assert len(list_hits(session, pegasus)) == 2
        assert [a.occurrences for a in list_alerts(session, kind="watch_hit")] == [1, 1]


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def stored_article(url: str, path: str, body: str) -> int:
    with session_scope(url) as session:
        outlet = source_id_or_create(session, "desk", homepage="http://desk/", language="fr")
        record = ArticleRecord(
            source_id=outlet,
            url=f"http://desk/{path}",
            body=body,
            title=path,
            fetched_at=datetime.now(UTC),
        )
        return save_article(session, record).article_id


def test_the_compiled_watches_are_refreshed_when_they_change(sqlite_url: str) -> None:
    upgrade(sqlite_url)
    clock = Clock()
    watches = StoreTimeWatches(BatchWriter(sqlite_url), refresh=30, clock=clock)
    first = stored_article(sqlite_url, "a", report())
    assert watches.match([first]) == 0  # no watch yet: compiled empty
    with session_scope(sqlite_url) as session:
        add_watch(session, "Khashoggi")
    second = stored_article(sqlite_url, "b", report() + "\n\nEncore.")
    assert watches.match([second]) == 0  # not re-read before the refresh interval
    clock.now += 31
    third = stored_article(sqlite_url, "c", report() + "\n\nEt encore.")
    assert watches.match([third]) == 1
    assert watches.hits == 1 and watches.errors == 0


def test_a_matching_failure_is_counted_and_loses_nothing(sqlite_url: str) -> None:
    upgrade(sqlite_url)
    with session_scope(sqlite_url) as session:
        add_watch(session, "Pegasus")
    article = stored_article(sqlite_url, "a", report())
    broken = StoreTimeWatches(BatchWriter(sqlite_url, retries=0))
    with get_engine(sqlite_url).begin() as connection:  # a schema gone wrong under the crawl
        connection.exec_driver_sql("DROP TABLE watch_hits")
    assert broken.match([article]) == 0
    assert broken.errors == 1
    with session_scope(sqlite_url) as session:
        assert session.get(Article, article) is not None
