"""Alert webhook: signed POSTs to a real loopback receiver, retries with back-off, no loss or
duplicate across passes, kind filter, and the secret kept out of logs and errors."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from aggregator.alerts.webhook import WebhookConfig, deliver_alerts, sign, verify
from storage.alert_deliveries import delivery_counts
from storage.alerts import raise_alert
from storage.db import session_scope, upgrade

from .receiver import webhook_receiver

NOW = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)
SECRET = "s3cret-shared-with-the-desk"


def _alert(url: str, key: str, kind: str = "correction", now: datetime = NOW) -> int:
    with session_scope(url) as session:
        alert, _ = raise_alert(
            session,
            kind=kind,
            source_name="wire",
            subject="article 7",
            message=f"alert {key}",
            details={"kind": "edit", "article_id": 7},
            dedupe_key=key,
            now=now,
        )
        return alert.id


def test_signature_is_hmac_sha256_of_the_body() -> None:
    body = b'{"a": 1}'
    header = sign(body, SECRET)
    assert header.startswith("sha256=") and len(header) == 7 + 64
    assert verify(body, SECRET, header)
    assert not verify(body + b" ", SECRET, header)
    assert not verify(body, "other", header)
    assert not verify(body, SECRET, None)


def test_new_alerts_reach_the_receiver_signed_once_each(database_url: str) -> None:
    upgrade(database_url)
    first = _alert(database_url, "a1")
    second = _alert(database_url, "a2", kind="extraction_quality")
    third = _alert(database_url, "a3", kind="watch_hit")  # watch terms share the channel
    with webhook_receiver(SECRET) as receiver:
        config = WebhookConfig(url=receiver.url, secret=SECRET)
        report = deliver_alerts(database_url, config, now=NOW)
        assert (report.queued, report.delivered, report.failed) == (3, 3, 0)
        again = deliver_alerts(database_url, config, now=NOW + timedelta(hours=1))
        assert (again.queued, again.delivered) == (0, 0)
    assert receiver.bad_signatures == 0
    assert sorted(a["id"] for a in receiver.alerts()) == [first, second, third]
    assert len(receiver.received) == 3
    kinds = {a["kind"] for a in receiver.alerts()}
    assert kinds == {"correction", "extraction_quality", "watch_hit"}
    with session_scope(database_url) as session:
        assert delivery_counts(session, config.target)["delivered"] == 3


def test_a_failing_receiver_is_retried_with_backoff_then_given_up(sqlite_url: str) -> None:
    upgrade(sqlite_url)
    _alert(sqlite_url, "a1")
    with webhook_receiver(SECRET) as receiver:
        receiver.fail_next = 1
        config = WebhookConfig(
            url=receiver.url, secret=SECRET, retries=2, backoff=timedelta(minutes=1)
        )
        failed = deliver_alerts(sqlite_url, config, now=NOW)
        assert (failed.delivered, failed.failed) == (0, 1)
        assert failed.errors == ["alert 1: HTTP 503"]
        # Not due yet: the back-off holds it.
        early = deliver_alerts(sqlite_url, config, now=NOW + timedelta(seconds=30))
        assert (early.delivered, early.failed) == (0, 0)
        later = deliver_alerts(sqlite_url, config, now=NOW + timedelta(minutes=1))
        assert later.delivered == 1
        assert len(receiver.alerts()) == 1
        # A receiver that never answers well: given up after the retries.
        _alert(sqlite_url, "a2")
        receiver.fail_next = 10
        moments = [NOW + timedelta(minutes=m) for m in (2, 3, 5, 9)]
        reports = [deliver_alerts(sqlite_url, config, now=m) for m in moments]
        assert [r.failed for r in reports] == [1, 1, 1, 0]
        assert reports[2].given_up == 1
    with session_scope(sqlite_url) as session:
        assert delivery_counts(session, config.target) == {
            "pending": 0,
            "delivered": 1,
            "failed": 1,
        }


def test_kinds_limit_what_is_sent_and_a_bad_secret_is_refused(sqlite_url: str) -> None:
    upgrade(sqlite_url)
    _alert(sqlite_url, "q", kind="extraction_quality")
    correction = _alert(sqlite_url, "c")
    with webhook_receiver(SECRET) as receiver:
        only = WebhookConfig(url=receiver.url, secret=SECRET, kinds=("correction",))
        assert deliver_alerts(sqlite_url, only, now=NOW).delivered == 1
        assert [a["id"] for a in receiver.alerts()] == [correction]
        wrong = WebhookConfig(url=receiver.url + "?x=1", secret="not-the-secret")
        report = deliver_alerts(sqlite_url, wrong, now=NOW)
        assert report.delivered == 0 and report.failed == 2
        assert receiver.bad_signatures == 2


def test_old_alerts_are_not_sent_to_a_new_webhook(sqlite_url: str) -> None:
    upgrade(sqlite_url)
    _alert(sqlite_url, "old", now=NOW - timedelta(days=30))
    with webhook_receiver(SECRET) as receiver:
        config = WebhookConfig(url=receiver.url, secret=SECRET)
        assert deliver_alerts(sqlite_url, config, now=NOW).queued == 0
    assert receiver.received == []


def test_the_secret_never_appears_in_logs_or_reprs(
    sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    upgrade(sqlite_url)
    _alert(sqlite_url, "a1")
    config = WebhookConfig(url="http://127.0.0.1:9/closed", secret=SECRET)
    with caplog.at_level(logging.DEBUG):
        report = deliver_alerts(sqlite_url, config, now=NOW)
    assert report.failed == 1
    assert SECRET not in caplog.text and SECRET not in repr(config)
    assert SECRET not in " ".join(report.errors)


def test_alerts_deliver_command(sqlite_url: str) -> None:
    from click.testing import CliRunner

    from aggregator.cli import cli

    upgrade(sqlite_url)
    _alert(sqlite_url, "a1", now=datetime.now(UTC))
    base = ["--database-url", sqlite_url, "alerts", "--deliver"]
    unset = CliRunner().invoke(cli, base)
    assert unset.exit_code != 0 and "no webhook configured" in unset.output
    with webhook_receiver(SECRET) as receiver:
        env = {"AGGREGATOR_ALERT_WEBHOOK_URL": receiver.url}
        no_secret = CliRunner().invoke(cli, base, env=env)
        assert no_secret.exit_code != 0 and "without AGGREGATOR_ALERT_WEBHOOK_SECRET" in (
            no_secret.output
        )
        env["AGGREGATOR_ALERT_WEBHOOK_SECRET"] = SECRET
        done = CliRunner().invoke(cli, base, env=env)
        assert done.exit_code == 0, done.output
        assert "1 queued, 1 delivered, 0 failed" in done.output
        assert SECRET not in done.output
    assert len(receiver.alerts()) == 1


def test_a_delivery_is_claimed_by_one_process_only(database_url: str) -> None:
    """A second pass at the same moment (another crawl ending) finds the delivery taken, and
    queueing twice queues once. (The claim is also conditional on the attempts read, for two
    passes that read before either commits.)"""
    from storage.alert_deliveries import claim_due, queue_new_alerts

    upgrade(database_url)
    _alert(database_url, "a1")
    with session_scope(database_url) as session:
        assert queue_new_alerts(session, "t", now=NOW) == 1
        assert queue_new_alerts(session, "t", now=NOW) == 0
    with session_scope(database_url) as first, session_scope(database_url) as second:
        one = claim_due(first, "t", backoff=timedelta(minutes=1), now=NOW)
        first.commit()
        two = claim_due(second, "t", backoff=timedelta(minutes=1), now=NOW)
    assert [c.attempt for c in one] == [1] and two == []
