"""record_from_item: the extracted article's fields reach the record by name, dates split."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime

from aggregator.extraction.article import DateValue, ExtractedArticle
from aggregator.items import record_from_item
from storage.article_record import ArticleRecord
from tests.pipelines.conftest import make_item

PUBLISHED = DateValue(datetime(2026, 11, 27, 8, 30, tzinfo=UTC), "+04:00", "jsonld", "minute")


def test_same_named_fields_are_copied_and_dates_split() -> None:
    item = make_item(
        "https://www.daily.example/a?utm_source=x",
        "Un corps.",
        canonical="https://www.daily.example/a",
        description="Résumé",
        authors=["A. Auteur"],
        language_declared="fr-FR",
        top_image="https://www.daily.example/a.jpg",
        site_name="Daily",
        section="Monde",
        tags=["grève"],
        paywalled=True,
        published=PUBLISHED,
    )
    item.canonical_url = "https://www.daily.example/a"
    record = record_from_item(item, source_id=7)
    article = item.article
    assert isinstance(article, ExtractedArticle)
    shared = {f.name for f in fields(ExtractedArticle)} & {f.name for f in fields(ArticleRecord)}
    for name in shared - {"url"}:
        assert getattr(record, name) == getattr(article, name), name
    assert record.url == "https://www.daily.example/a" and record.source_id == 7
    assert (record.published_at, record.published_offset) == (PUBLISHED.value, "+04:00")
    assert (record.published_source, record.published_precision) == ("jsonld", "minute")
    assert record.modified_at is None and record.fingerprint is None
