"""Approved articles built in memory, as the exports receive them from storage."""

from __future__ import annotations

from datetime import UTC, datetime

import storage.models  # noqa: F401  (every mapper configured)
from aggregator.exports.item import ExportItem, FeedInfo, export_item
from storage.articles import Article
from storage.sources import SourceRow

APPROVED = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
FEED = FeedInfo("Desk", "http://127.0.0.1:8000/export/atom.xml", "http://127.0.0.1:8000/", APPROVED)


def sample_items() -> list[ExportItem]:
    """An edited Arabic article with a precise time, and a French one known to the day."""
    aj = SourceRow(
        name="aljazeera",
        label="الجزيرة نت",
        homepage="https://www.aljazeera.net/",
        languages=["ar"],
        timezone="Asia/Qatar",
        config={},
    )
    el = SourceRow(
        name="emaratleaks",
        label=None,
        homepage="https://emaratleaks.example/",
        languages=["fr"],
        timezone="UTC",
        config={},
    )
    arabic = Article(
        id=1,
        source=aj,
        url="https://www.aljazeera.net/news/1",
        title="عنوان أصلي",
        edited_title="Edited title",
        edited_summary="Edited summary",
        body="نص",
        description="وصف",
        authors=["محمد علي"],
        language="ar",
        published_at=datetime(2026, 11, 20, 7, 0, tzinfo=UTC),
        published_offset="+03:00",
        published_precision="minute",
        first_seen_at=datetime(2026, 11, 20, 7, 5, tzinfo=UTC),
    )
    french = Article(
        id=2,
        source=el,
        url="https://emaratleaks.example/fr/nso?a=1&b=2",
        title="NSO Group\x0b fait l’objet d’une enquête <b>américaine</b>",
        body="Pegasus " * 200,
        description=None,
        authors=[],
        language="fr",
        published_at=datetime(2021, 2, 3, 20, 0, tzinfo=UTC),
        published_offset="+04:00",
        published_precision="day",
        first_seen_at=datetime(2021, 2, 4, 9, 0, tzinfo=UTC),
    )
    return [export_item(arabic, APPROVED), export_item(french, APPROVED)]
