"""A source's run history with an extraction-quality drop, for the status, alerts and web tests."""

from __future__ import annotations

from datetime import timedelta

from storage.base import utcnow
from storage.db import session_scope
from storage.quality import FIELDS, raise_quality_alerts
from storage.runs import CrawlRun


def seed_drop(database_url: str, source: str, field: str = "date", normal: int = 5) -> None:
    """``normal`` good runs of ten pages, then one where ``field`` is missing on every page;
    the drop's alert is raised as the recorder would."""
    now = utcnow()
    with session_scope(database_url) as session:
        for n in range(normal + 1):
            dropped = n == normal
            lost = {field, "page_date"} if field == "date" else {field}
            found = {f: 0 if dropped and f in lost else 10 for f in FIELDS}
            session.add(
                CrawlRun(
                    source_name=source,
                    status="finished",
                    stored=10,
                    started_at=now - timedelta(hours=normal + 1 - n),
                    finished_at=now - timedelta(hours=normal + 1 - n),
                    quality={
                        "pages": 10,
                        "found": found,
                        "median_words": 300,
                        "missing": {field: [f"http://{source}.test/a{n}"]} if dropped else {},
                    },
                )
            )
        session.flush()
        raise_quality_alerts(session, source)
