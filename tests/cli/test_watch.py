"""``aggregator watch``: add (backfill and proposals), list, aliases, hits, remove, errors."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from aggregator.cli import cli
from storage.article_record import ArticleRecord
from storage.db import session_scope, upgrade
from storage.ingest import save_article
from storage.sources import source_id_or_create
from tests.watch.texts import ARABIC_PEGASUS, FRENCH_PEGASUS

FETCHED = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


@pytest.fixture
def stored(sqlite_url: str) -> dict[str, int]:
    """A French and an Arabic article naming Pegasus."""
    upgrade(sqlite_url)
    ids = {}
    with session_scope(sqlite_url) as session:
        outlet = source_id_or_create(
            session, "emaratleaks", homepage="https://emaratleaks.example/", language="ar"
        )
        for key, body, language in (
            ("fr", FRENCH_PEGASUS, "fr"),
            ("ar", ARABIC_PEGASUS.replace(" بيغاسوس", " لبيغاسوس"), "ar"),
        ):
            record = ArticleRecord(
                source_id=outlet,
                url=f"https://emaratleaks.example/{key}",
                body=body,
                title=f"Article {key}",
                language=language,
                fetched_at=FETCHED,
            )
            ids[key] = save_article(session, record).article_id
    return ids


def run(url: str, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--database-url", url, "watch", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_add_backfills_proposes_and_an_accepted_alias_hits_arabic(
    sqlite_url: str, stored: dict[str, int]
) -> None:
    added = run(sqlite_url, "add", "Pegasus", "--language", "fr", "--language", "ar")
    assert "added watch 1: 'Pegasus'" in added
    assert "matched 2 stored articles: 1 hits" in added
    proposal = re.search(r"proposed alias (\d+): بيغاسوس \(transliteration\)", added)
    assert proposal, added
    hits = json.loads(run(sqlite_url, "hits", "1", "--json"))["hits"]
    assert [h["article_id"] for h in hits] == [stored["fr"]]
    accepted = run(sqlite_url, "aliases", "1", "--accept", proposal.group(1))
    assert "'بيغاسوس' accepted" in accepted
    assert "matched 2 stored articles: 1 new hits" in accepted
    hits = json.loads(run(sqlite_url, "hits", "1", "--json"))["hits"]
    arabic = next(h for h in hits if h["article_id"] == stored["ar"])
    assert (arabic["matched"], arabic["found"]) == ("بيغاسوس", "لبيغاسوس")
    (listed,) = json.loads(run(sqlite_url, "list", "--json"))["watches"]
    assert listed == {
        "id": 1,
        "term": "Pegasus",
        "aliases": ["بيغاسوس"],
        "proposed": 0,
        "sources": [],
        "languages": ["fr", "ar"],
        "hits": 2,
    }
    assert "Pegasus" in run(sqlite_url, "list")
    rejected = run(sqlite_url, "aliases", "1", "--reject", proposal.group(1))
    assert "rejected" in rejected
    assert "removed watch 1: 'Pegasus'" in run(sqlite_url, "remove", "1")
    assert json.loads(run(sqlite_url, "list", "--json"))["watches"] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["remove", "7"], "Error: watch 7 does not exist; see `aggregator watch list`"),
        (["hits", "7"], "Error: watch 7 does not exist"),
        (["aliases", "1", "--accept", "9"], "Error: watch 1 has no alias 9"),
        (["add", "pegasus"], "Error: 'pegasus' is already watched (watch 1: 'Pegasus')"),
        (["add", "--", "--"], "has no letter or digit to match"),
    ],
)
def test_bad_input_is_one_line_naming_it(
    sqlite_url: str, stored: dict[str, int], args: list[str], message: str
) -> None:
    run(sqlite_url, "add", "Pegasus", "--no-backfill")
    assert "1 spelling(s) matched against 2 stored articles: 1 new hits" in run(
        sqlite_url, "backfill"
    )
    assert "0 spelling(s) matched against 0" in run(sqlite_url, "backfill", "1")
    result = CliRunner().invoke(cli, ["--database-url", sqlite_url, "watch", *args])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_every_subcommand_has_an_example() -> None:
    for sub in ("add", "list", "remove", "hits", "aliases", "backfill"):
        result = CliRunner().invoke(cli, ["watch", sub, "--help"])
        assert result.exit_code == 0
        assert f"Example: aggregator watch {sub}" in result.output
