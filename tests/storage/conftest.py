"""Helpers for storage tests: outlets in the database and article texts from the fixtures."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from storage.article_record import ArticleRecord
from storage.db import session_scope
from storage.sources import sync_source

DEDUP = Path(__file__).parents[1] / "fixtures" / "dedup"
SEEDS: dict[str, dict[str, Any]] = json.loads((DEDUP / "seeds.json").read_text())
FETCHED = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def pair(kind: str, index: int = 0) -> dict[str, Any]:
    """The ``index``-th labelled pair of a kind (texts ``a`` and ``b``)."""
    pairs = [json.loads(line) for line in (DEDUP / "pairs.jsonl").read_text().splitlines()]
    return [p for p in pairs if p["kind"] == kind][index]


def record(source_id: int, url: str, body: str, **fields: Any) -> ArticleRecord:
    """An ArticleRecord with test defaults."""
    fields.setdefault("title", "A title")
    fields.setdefault("fetched_at", FETCHED)
    return ArticleRecord(source_id=source_id, url=url, body=body, **fields)


@pytest.fixture
def outlets(database_url: str) -> dict[str, int]:
    """Three outlets (wire, daily, weekly) synced into the database: name -> id."""
    ids = {}
    with session_scope(database_url) as session:
        for name in ("wire", "daily", "weekly"):
            row = sync_source(
                session,
                name,
                label=name.title(),
                homepage=f"https://{name}.example/",
                languages=["en"],
                timezone="UTC",
                enabled=True,
                schedule=None,
                config={},
            )
            ids[name] = row.id
    return ids
