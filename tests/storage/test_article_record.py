"""ArticleRecord: its fields are the articles columns of the same name; bounds come from them."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table

from storage.article_record import COLUMNS, MAX_TEXT, MAX_URL, clean_record
from storage.articles import Article
from tests.storage.conftest import record

ARTICLES = cast(Table, Article.__table__)


def test_every_column_field_is_an_articles_column() -> None:
    assert set(COLUMNS) <= set(ARTICLES.c.keys())
    assert {"body", "title", "published_at", "paywalled"} <= set(COLUMNS)
    assert "aliases" not in COLUMNS and "fingerprint" not in COLUMNS


def test_strings_are_cut_to_their_column_width() -> None:
    cleaned = clean_record(
        record(
            1,
            "https://daily.example/a",
            "body",
            language="fr-FR-x-very-long",
            published_source="x" * 40,
            section="s\x00" * (MAX_TEXT + 10),
        )
    )
    assert cleaned.language == "fr-FR-x-"
    assert cleaned.published_source == "x" * 16  # String(16)
    assert cleaned.section == "s" * MAX_TEXT
    assert MAX_URL == 2048
