"""``aggregator revisions`` lists what revisits found; ``aggregator status`` counts them."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from aggregator.cli import cli
from storage.articles import Article
from storage.base import utcnow
from storage.db import session_scope, upgrade
from storage.ingest import save_article
from storage.revisits import RevisitPolicy, record_withdrawn
from storage.sources import sync_source
from tests.storage.conftest import SEEDS, record

BODY = SEEDS["fr-enquete-hopital"]["body"]
OTHER = next(s["body"] for key, s in SEEDS.items() if key != "fr-enquete-hopital")


def _history(url: str) -> None:
    upgrade(url)
    now = utcnow()
    with session_scope(url) as session:
        source = sync_source(
            session,
            "wire",
            label="Wire",
            homepage="https://wire.example/",
            languages=["fr"],
            timezone="UTC",
            enabled=True,
            schedule=None,
            config={},
        )
        first = now - timedelta(hours=3)
        policy = RevisitPolicy()
        for path, body in (("a", BODY), ("b", OTHER)):
            page = record(source.id, f"https://wire.example/{path}", body, fetched_at=first)
            save_article(session, dataclasses.replace(page, revisit=policy))
        save_article(
            session,
            record(
                source.id,
                "https://wire.example/a",
                BODY + "\n\nRectificatif : le bon chiffre est 15.",
                fetched_at=now - timedelta(hours=1),
                revisit=policy,
                revisited=True,
            ),
        )
        b = session.scalars(select(Article.id).where(Article.url == "https://wire.example/b")).one()
        record_withdrawn(session, b, 410, now - timedelta(minutes=30))


def test_revisions_as_json_and_table(sqlite_url: str) -> None:
    _history(sqlite_url)
    base = ["--database-url", sqlite_url, "revisions"]
    result = CliRunner().invoke(cli, [*base, "--json"])
    assert result.exit_code == 0, result.output
    entries = json.loads(result.output)["revisions"]
    assert [(e["url"], e["kind"], e["revision"], e["changed"]) for e in entries] == [
        ("https://wire.example/b", "withdrawn", 2, ["withdrawn"]),
        ("https://wire.example/a", "correction", 2, ["body"]),
    ]
    assert entries[1]["notice"] == "Rectificatif : le bon chiffre est 15."
    assert entries[0]["source"] == "wire"
    table = CliRunner().invoke(cli, base)
    assert "correction" in table.output and "https://wire.example/a" in table.output
    recent = CliRunner().invoke(cli, [*base, "--since", "45m", "--json"])
    assert [e["kind"] for e in json.loads(recent.output)["revisions"]] == ["withdrawn"]
    bad = CliRunner().invoke(cli, [*base, "--since", "yesterday"])
    assert bad.exit_code != 0 and "expected a duration" in bad.output


def test_status_counts_revisits_per_source(sqlite_url: str, tmp_path: Path) -> None:
    _history(sqlite_url)
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n  - name: wire\n    homepage: https://wire.example/\n    languages: [fr]\n"
        "    feeds: [https://wire.example/feed.xml]\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli, ["--database-url", sqlite_url, "--sources", str(sources), "status", "--json"]
    )
    assert result.exit_code == 0, result.output
    (wire,) = json.loads(result.output)["sources"]
    assert wire["revisits"] == {"revisits": 2, "revisions": 1, "corrections": 1, "withdrawn": 1}
