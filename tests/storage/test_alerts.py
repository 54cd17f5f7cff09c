"""The alert channel on both databases: raise or refresh, list, count unseen, mark seen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage.alerts import Alert, count_unseen, list_alerts, mark_seen, raise_alert
from storage.db import Session, session_scope

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _raise(
    session: Session, key: str, source: str = "wire", now: datetime = NOW, message: str = "m"
) -> tuple[Alert, bool]:
    return raise_alert(
        session,
        kind="extraction_quality",
        source_name=source,
        subject="date",
        message=message,
        details={"samples": ["http://x.test/a"]},
        dedupe_key=key,
        now=now,
    )


def test_same_key_refreshes_one_alert(database_url: str) -> None:
    with session_scope(database_url) as session:
        first, created = _raise(session, "extraction_quality:wire:date:7")
        assert created
        first_id = first.id
    with session_scope(database_url) as session:
        again, created = _raise(
            session, "extraction_quality:wire:date:7", now=NOW + timedelta(hours=1), message="n"
        )
        assert not created and again.id == first_id
    with session_scope(database_url) as session:
        (alert,) = list_alerts(session)
        assert (alert.occurrences, alert.message) == (2, "n")
        assert alert.created_at == NOW and alert.updated_at == NOW + timedelta(hours=1)
        assert alert.to_json()["details"] == {"samples": ["http://x.test/a"]}


def test_list_count_and_mark_seen(database_url: str) -> None:
    with session_scope(database_url) as session:
        old, _ = _raise(session, "k1", now=NOW)
        _raise(session, "k2", source="daily", now=NOW + timedelta(minutes=5))
        old_id = old.id
    with session_scope(database_url) as session:
        assert [a.dedupe_key for a in list_alerts(session)] == ["k2", "k1"]
        assert count_unseen(session) == 2 and count_unseen(session, source_name="daily") == 1
        assert [a.dedupe_key for a in list_alerts(session, source_name="wire")] == ["k1"]
        mark_seen(session, old_id, now=NOW + timedelta(hours=2))
    with session_scope(database_url) as session:
        assert [a.dedupe_key for a in list_alerts(session)] == ["k2"]
        assert len(list_alerts(session, include_seen=True)) == 2
        assert count_unseen(session) == 1
        # Seen stays seen while the ongoing situation refreshes it; the first time is kept.
        _raise(session, "k1", now=NOW + timedelta(hours=3))
        assert mark_seen(session, old_id).seen_at == NOW + timedelta(hours=2)
        assert count_unseen(session) == 1


def test_unknown_ids_and_kinds_are_refused(database_url: str) -> None:
    with session_scope(database_url) as session:
        for alert_id in (999, 0, 2**40):
            with pytest.raises(LookupError, match=f"alert {alert_id} does not exist"):
                mark_seen(session, alert_id)
        with pytest.raises(ValueError, match="unknown alert kind"):
            raise_alert(
                session,
                kind="nope",
                source_name=None,
                subject="x",
                message="x",
                details={},
                dedupe_key="x",
            )
