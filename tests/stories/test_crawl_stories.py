"""End to end: three loopback outlets crawled by the real `aggregator crawl` make one story.

An English original (the Guardian), its French translation on an Arabic-language site that
says "rapporte The Guardian" (../shared/seed/nso-report.txt in the site's chrome), and an Arabic
retelling: one story whose origin is the English report, the French page a translation citing
it, the Arabic page a retelling. Another English report that also names NSO Group stays out.
"""

from __future__ import annotations

import html
import json
import shutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from aggregator.demo.server import OutletServer
from aggregator.items import ArticleItem, record_from_item
from aggregator.pipelines.extract_task import extract_page
from aggregator.stories.attribution import attributions
from aggregator.stories.features import story_features
from storage.articles import Article
from storage.citations import citations_of
from storage.db import ensure_schema, session_scope
from storage.ingest import save_article
from storage.sources import sync_source
from storage.stories import Story, members
from storage.story_index import StoryFeature, feature_hash, profile
from tests.conftest import FIXTURES
from tests.spiders.crawling import REPO, loopback_source, run_cli

pytestmark = pytest.mark.slow

STORIES = FIXTURES / "stories"
SEED = REPO.parent / "shared" / "seed" / "nso-report.txt"
# name, label, language of the three outlets
OUTLETS = (("guardian", "The Guardian", "en"), ("sawt", "Sawt", "ar"), ("akhbar", "Akhbar", "ar"))


def _french_page(target: Path) -> None:
    """The seed text in the Arabic-language site's chrome: tagline, title, views, paragraphs."""
    tagline, title, views, *paragraphs = [
        p.strip() for p in SEED.read_text(encoding="utf-8").split("\n\n") if p.strip()
    ]
    page = (STORIES / "sawt" / "page.html").read_text(encoding="utf-8")
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    page = page.replace("{{TAGLINE}}", html.escape(tagline)).replace("{{VIEWS}}", views)
    page = page.replace("{{TITLE}}", html.escape(title)).replace("{{PARAGRAPHS}}", body)
    path = target / "fr" / "2021" / "nso-enquete.html"
    path.parent.mkdir(parents=True, exist_ok=True)  # git keeps no empty folder
    path.write_text(page, encoding="utf-8")


def _outlets(tmp_path: Path) -> Path:
    """The fixtures with publication times: English 6 h ago, French 3 h, Arabic 1 h."""
    root = tmp_path / "outlets"
    shutil.copytree(STORIES, root)
    _french_page(root / "sawt")
    now = datetime.now(UTC)
    times = {
        "{{T_EN}}": now - timedelta(hours=6),
        "{{T_FR}}": now - timedelta(hours=3),
        "{{T_AR}}": now - timedelta(hours=1),
        "{{T_OTHER}}": now - timedelta(hours=2),
    }
    for file in root.rglob("*.html"):
        text = file.read_text(encoding="utf-8")
        for mark, when in times.items():
            text = text.replace(mark, when.isoformat(timespec="seconds"))
        file.write_text(text, encoding="utf-8")
    return root


def _sources(servers: dict[str, OutletServer]) -> str:
    entries = []
    for name, label, language in OUTLETS:
        entry = loopback_source(name, servers[name].base_url, feeds=["/feed.xml"])
        entry = entry.removeprefix("sources:\n").replace(
            "languages: [en]", f"languages: [{language}]"
        )
        entries.append(entry + f"    label: {label}\n")
    return "sources:\n" + "".join(entries)


def _crawl(database_url: str, sources: Path) -> None:
    result = run_cli(database_url, sources, "crawl")
    assert result.returncode == 0, result.stdout + result.stderr[-4000:]


def _crawl_outlets(
    tmp_path: Path, serve_outlet: Callable[[Path], OutletServer], sqlite_url: str
) -> None:
    root = _outlets(tmp_path)
    servers = {name: serve_outlet(root / name) for name in ("guardian", "sawt", "akhbar")}
    sources = tmp_path / "sources.yaml"
    sources.write_text(_sources(servers), encoding="utf-8")
    _crawl(sqlite_url, sources)


def test_three_outlets_make_one_story_with_its_chain(
    tmp_path: Path, serve_outlet: Callable[[Path], OutletServer], sqlite_url: str
) -> None:
    _crawl_outlets(tmp_path, serve_outlet, sqlite_url)
    with session_scope(sqlite_url) as session:
        stored = list(session.scalars(select(Article)))
        assert len(stored) == 4, [a.url for a in stored]

        def at(path: str) -> Article:
            return next(a for a in stored if a.url.endswith(path))

        english, other = at("/world/nso-doj.html"), at("/technology/nso-drones.html")
        french, arabic = at("/fr/2021/nso-enquete.html"), at("/news/nso-doj.html")
        assert (english.language, french.language, arabic.language) == ("en", "fr", "ar")
        story = session.get(Story, english.story_id)
        assert story is not None
        assert story.origin_article_id == english.id
        rows = {a.id: m for m, a in members(session, story.id)}
        assert set(rows) == {english.id, french.id, arabic.id}
        assert rows[english.id].relation == "original"
        assert rows[french.id].relation == "translation"
        assert rows[french.id].cited_article_id == english.id
        assert rows[french.id].evidence["attribution"]["outlet"] == "The Guardian"
        assert "rapporte The Guardian" in rows[french.id].evidence["attribution"]["sentence"]
        assert rows[arabic.id].relation == "retelling"
        assert 0 < rows[arabic.id].confidence <= 1
        # What matched is recorded on the link, whichever of the two the crawl stored first
        # (the first member of a story has no link of its own to explain).
        assert rows[arabic.id].evidence.get("shared") or rows[english.id].evidence.get("shared")
        assert other.story_id is None or other.story_id != story.id
        cited = citations_of(session, french.id)
        assert [(c.kind, c.outlet, c.cited_article_id) for c in cited] == [
            ("sentence", "The Guardian", english.id)
        ]
    listed = run_cli(sqlite_url, None, "stories", "--json", timeout=60)
    assert listed.returncode == 0, listed.stderr
    lines = [json.loads(line) for line in listed.stdout.splitlines()]
    assert len(lines) == 1
    story_json = lines[0]
    assert story_json["origin"]["url"] == english.url
    assert {(m["language"], m["relation"], m["source"]) for m in story_json["members"]} == {
        ("en", "original", "guardian"),
        ("fr", "translation", "sawt"),
        ("ar", "retelling", "akhbar"),
    }


def test_crawled_story_inputs_are_those_of_the_stored_text(
    tmp_path: Path, serve_outlet: Callable[[Path], OutletServer], sqlite_url: str
) -> None:
    # The crawl computes features and attributions in the extraction process, from the
    # extracted text: what the index and citations hold must be what the stored title and
    # body give, or linking would drift from imports and re-fetches.
    _crawl_outlets(tmp_path, serve_outlet, sqlite_url)
    with session_scope(sqlite_url) as session:
        stored = list(session.scalars(select(Article)))
        assert len(stored) == 4
        for article in stored:
            expected = story_features(article.title, article.body).to_json()
            indexed = profile(session, article.id)
            assert indexed is not None and indexed.features == expected, article.url
            postings = set(
                session.scalars(
                    select(StoryFeature.feature).where(StoryFeature.article_id == article.id)
                )
            )
            assert postings == {feature_hash(k) for k in expected}
            canonical = article.extraction.get("declared_canonical")
            cited = attributions(article.body, page_url=article.url, canonical=canonical)
            assert [(c.kind, c.outlet, c.outlet_key, c.sentence) for c in cited] == [
                (c.kind, c.outlet, c.outlet_key, c.sentence)
                for c in citations_of(session, article.id)
            ], article.url


def test_a_translation_stored_before_its_original_is_credited_to_the_original_only(
    tmp_path: Path, serve_outlet: Callable[[Path], OutletServer], sqlite_url: str
) -> None:
    # The French piece says only "rapporte The Guardian" (no URL), and arrives first. When
    # the Guardian's articles come, the one it translates becomes the origin; the Guardian's
    # other NSO report, which the outlet's name credits just as well, stays out of the story.
    root = _outlets(tmp_path)
    servers = {name: serve_outlet(root / name) for name in ("guardian", "sawt", "akhbar")}
    sources = tmp_path / "sources.yaml"
    sources.write_text(_sources(servers), encoding="utf-8")
    for name in ("sawt", "guardian", "akhbar"):
        result = run_cli(sqlite_url, sources, "crawl", name)
        assert result.returncode == 0, result.stdout + result.stderr[-4000:]
    with session_scope(sqlite_url) as session:
        stored = {a.url.split("/", 3)[-1]: a for a in session.scalars(select(Article))}
        english, other = stored["world/nso-doj.html"], stored["technology/nso-drones.html"]
        french = stored["fr/2021/nso-enquete.html"]
        assert french.story_id is not None and english.story_id == french.story_id
        story = session.get(Story, french.story_id)
        assert story is not None and story.origin_article_id == english.id
        assert other.story_id != story.id
        assert [c.cited_article_id for c in citations_of(session, french.id)] == [english.id]


def test_another_report_of_the_cited_outlet_stored_first_does_not_take_the_credit(
    tmp_path: Path, sqlite_url: str
) -> None:
    # The order a crawl of the three outlets can store them in: the Guardian's other NSO
    # report (drones) first, then the French piece that says only "rapporte The Guardian",
    # the Arabic retelling, and last the report it translates. The outlet's name credits
    # the drones report as well as any: it shares "NSO Group" and Israel with the French,
    # not the story. The French stays uncredited until its original arrives, which is then
    # the origin.
    root = _outlets(tmp_path)
    ensure_schema(sqlite_url)
    with session_scope(sqlite_url) as session:
        ids = {
            name: sync_source(
                session,
                name,
                label=label,
                homepage=f"https://{name}.example/",
                languages=[language],
                timezone="UTC",
                enabled=True,
                schedule=None,
                config={},
            ).id
            for name, label, language in OUTLETS
        }
    order = [
        ("guardian", "technology/nso-drones.html"),
        ("sawt", "fr/2021/nso-enquete.html"),
        ("akhbar", "news/nso-doj.html"),
        ("guardian", "world/nso-doj.html"),
    ]
    stored = {}
    for outlet, path in order:
        url = f"https://{outlet}.example/{path}"
        page = extract_page((root / outlet / path).read_bytes(), "text/html", url, None)
        assert page.fingerprint is not None, url
        item = ArticleItem(
            url=url, source=outlet, response_url=url, html="", fetched_at=datetime.now(UTC)
        )
        item.article, item.fingerprint, item.story = page.article, page.fingerprint, page.story
        with session_scope(sqlite_url) as session:
            stored[path] = save_article(session, record_from_item(item, ids[outlet])).article_id
    with session_scope(sqlite_url) as session:
        english, other = stored["world/nso-doj.html"], stored["technology/nso-drones.html"]
        french, arabic = stored["fr/2021/nso-enquete.html"], stored["news/nso-doj.html"]
        story_id = session.get(Article, french).story_id
        story = session.get(Story, story_id)
        assert story is not None and story.origin_article_id == english
        assert {a.id for _, a in members(session, story.id)} == {english, french, arabic}
        assert session.get(Article, other).story_id != story.id
        assert [c.cited_article_id for c in citations_of(session, french)] == [english]
