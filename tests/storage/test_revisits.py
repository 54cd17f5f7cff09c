"""Revisits in storage, on both databases: the schedule, the due pick, revisions with their
diff and kind, withdrawals, correction alerts for approved articles, and the figures."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from storage.alerts import list_alerts
from storage.articles import Article, ArticleRevision
from storage.db import session_scope
from storage.editorial import Editor, apply_action
from storage.ingest import save_article
from storage.revisits import (
    RevisitPolicy,
    due_revisits,
    recent_revisions,
    record_not_modified,
    record_withdrawn,
    revisit_after_listing,
    revisit_figures,
)
from tests.storage.conftest import FETCHED, SEEDS, record

POLICY = RevisitPolicy()
BODY = SEEDS["fr-enquete-hopital"]["body"]
URL = "https://wire.example/2026/11/story"
EDITOR = Editor(None, "amira")


def _store(url: str, source_id: int, **fields: object) -> int:
    with session_scope(url) as session:
        outcome = save_article(
            session, record(source_id, URL, BODY, revisit=POLICY, etag='"v1"', **fields)
        )
        return outcome.article_id


def _revisit(url: str, source_id: int, hours: float, **fields: object) -> str:
    fields.setdefault("title", "A title")
    body = str(fields.pop("body", BODY))
    with session_scope(url) as session:
        rec = record(
            source_id,
            URL,
            body,
            revisit=POLICY,
            revisited=True,
            fetched_at=FETCHED + timedelta(hours=hours),
            **fields,
        )
        return save_article(session, rec).kind


def test_policy_steps_skip_the_past_and_extend_for_approved() -> None:
    first = FETCHED
    assert POLICY.next_due(first, first) == (first + timedelta(hours=1), False)
    assert POLICY.next_due(first, first + timedelta(hours=2)) == (first + timedelta(hours=6), False)
    # Late: 30 h after, the 24 h step is past, the next is 72 h.
    assert POLICY.next_due(first, first + timedelta(hours=30))[0] == first + timedelta(hours=72)
    due, extended = POLICY.next_due(first, first + timedelta(hours=73))
    assert extended and due == first + timedelta(hours=96)
    assert POLICY.next_due(first, first + timedelta(days=14)) == (None, False)
    assert RevisitPolicy(after=()).next_due(first, first) == (None, False)


def test_stored_article_is_due_after_its_first_step(
    database_url: str, outlets: dict[str, int]
) -> None:
    wire = outlets["wire"]
    article_id = _store(database_url, wire)
    with session_scope(database_url) as session:
        assert due_revisits(session, wire, FETCHED + timedelta(minutes=59), 10) == []
        (due,) = due_revisits(session, wire, FETCHED + timedelta(hours=1), 10)
        assert (due.article_id, due.url, due.etag) == (article_id, URL, '"v1"')
        assert due_revisits(session, outlets["daily"], FETCHED + timedelta(hours=1), 10) == []
        assert due_revisits(session, wire, FETCHED + timedelta(hours=1), 0) == []


def test_unchanged_revisit_records_no_revision_and_moves_the_schedule(
    database_url: str, outlets: dict[str, int]
) -> None:
    wire = outlets["wire"]
    article_id = _store(database_url, wire)
    assert _revisit(database_url, wire, 1.5) == "unchanged"
    with session_scope(database_url) as session:
        record_not_modified(session, article_id, POLICY, FETCHED + timedelta(hours=7))
    with session_scope(database_url) as session:
        article = session.get(Article, article_id)
        assert article is not None
        assert (article.revision, article.revisits) == (1, 2)
        assert article.next_revisit_at == FETCHED + timedelta(hours=24)
        assert session.scalars(select(ArticleRevision)).all() == []


def test_body_change_is_one_edit_with_a_word_diff(
    database_url: str, outlets: dict[str, int]
) -> None:
    wire = outlets["wire"]
    article_id = _store(database_url, wire)
    new_body = BODY.replace(BODY.split()[3], "remplacé", 1)
    assert _revisit(database_url, wire, 2, body=new_body) == "updated"
    assert _revisit(database_url, wire, 3, body=new_body) == "unchanged"
    with session_scope(database_url) as session:
        (revision,) = session.scalars(select(ArticleRevision)).all()
        assert (revision.kind, revision.changed, revision.notice) == ("edit", ["body"], None)
        ops = revision.diff["body"]
        assert ["+", "remplacé"] in ops and ["-", BODY.split()[3]] in ops
        assert "title" not in revision.diff
        # Not approved: no alert.
        assert list_alerts(session, include_seen=True) == []
        article = session.get(Article, article_id)
        assert article is not None and article.revision == 2 and article.revisits == 2


def test_changes_to_an_approved_article_are_correction_alerts(
    database_url: str, outlets: dict[str, int]
) -> None:
    wire = outlets["wire"]
    article_id = _store(database_url, wire, language="fr")
    with session_scope(database_url) as session:
        apply_action(session, article_id, EDITOR, "approve")
    assert _revisit(database_url, wire, 2, title="A new title") == "updated"
    corrected = BODY + "\n\nRectificatif : une version précédente donnait un mauvais chiffre."
    assert _revisit(database_url, wire, 7, title="A new title", body=corrected) == "updated"
    with session_scope(database_url) as session:
        assert record_withdrawn(session, article_id, 410, FETCHED + timedelta(hours=25))
        assert not record_withdrawn(session, article_id, 410, FETCHED + timedelta(hours=26))
    with session_scope(database_url) as session:
        alerts = list_alerts(session)
        kinds = [a.details["kind"] for a in reversed(alerts)]
        assert kinds == ["edit", "correction", "withdrawn"]
        title_alert = alerts[-1]
        assert title_alert.details["changed"] == ["title"]
        assert ["+", "new "] in title_alert.details["diff"]["title"]
        assert alerts[1].details["notice"].startswith("Rectificatif :")
        article = session.get(Article, article_id)
        assert article is not None
        assert article.withdrawn_at == FETCHED + timedelta(hours=25)
        assert article.next_revisit_at is None and article.revision == 4
        assert due_revisits(session, wire, FETCHED + timedelta(days=5), 10) == []
        entries = recent_revisions(session, FETCHED)
        assert [(e.kind, e.number) for e in entries] == [
            ("withdrawn", 4),
            ("correction", 3),
            ("edit", 2),
        ]
        figures = revisit_figures(session)["wire"]
        assert figures == {"revisits": 3, "revisions": 2, "corrections": 1, "withdrawn": 1}


def test_extended_schedule_picks_only_approved_articles(
    database_url: str, outlets: dict[str, int]
) -> None:
    wire = outlets["wire"]
    article_id = _store(database_url, wire)
    late = FETCHED + timedelta(hours=80)
    with session_scope(database_url) as session:
        record_not_modified(session, article_id, POLICY, late)
    later = FETCHED + timedelta(hours=100)
    with session_scope(database_url) as session:
        assert due_revisits(session, wire, later, 10) == []
        apply_action(session, article_id, EDITOR, "approve")
    with session_scope(database_url) as session:
        assert [d.article_id for d in due_revisits(session, wire, later, 10)] == [article_id]


def test_a_listing_that_says_changed_makes_the_article_due_now(
    database_url: str, outlets: dict[str, int]
) -> None:
    wire = outlets["wire"]
    article_id = _store(database_url, wire)
    soon = FETCHED + timedelta(minutes=5)
    with session_scope(database_url) as session:
        assert revisit_after_listing(session, [URL, "https://wire.example/unknown"], soon) == 1
    with session_scope(database_url) as session:
        assert [d.article_id for d in due_revisits(session, wire, soon, 10)] == [article_id]
