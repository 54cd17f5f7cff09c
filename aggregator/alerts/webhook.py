"""POST each new alert, of any kind, as signed JSON to the operator's webhook.

Configured by the runtime options ``alert_webhook_url``, ``alert_webhook_secret``,
``alert_webhook_kinds``, ``alert_webhook_retries`` and ``alert_webhook_backoff``
(``AGGREGATOR_ALERT_WEBHOOK_*``, see docs/alerts.md). The body is the alert's JSON; the header
``X-Aggregator-Signature: sha256=<hex>`` is the HMAC-SHA256 of the exact body bytes under the
shared secret, so the receiver can check that the body came from us and was not changed.
``X-Aggregator-Delivery`` names the delivery: a resend after a crash carries the same one.

Delivery runs in the crawl process after the run (``aggregator crawl``), never on the reactor
thread, and from ``aggregator alerts --deliver``. State is in ``alert_deliveries``
(:mod:`storage.alert_deliveries`): claimed before the POST, marked after, retried with
exponential back-off on the next delivery after a failure, given up after the last retry. The
secret is never logged or stored.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from aggregator.config.settings import Settings
from aggregator.errors import ConfigError
from storage.alert_deliveries import claim_due, mark_delivered, mark_failed, queue_new_alerts
from storage.db import session_scope

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Aggregator-Signature"
DELIVERY_HEADER = "X-Aggregator-Delivery"
KIND_HEADER = "X-Aggregator-Alert-Kind"
TIMEOUT = 10.0


@dataclass(frozen=True)
class WebhookConfig:
    """Where and how to deliver; ``kinds`` empty means every kind."""

    url: str
    secret: str = field(repr=False)  # never in a repr, a log line or an error
    kinds: tuple[str, ...] = ()
    retries: int = 5
    backoff: timedelta = timedelta(seconds=30)
    timeout: float = TIMEOUT

    @property
    def target(self) -> str:
        """The delivery rows' name for this URL (a hash: the URL may hold a token)."""
        return "webhook:" + hashlib.sha256(self.url.encode()).hexdigest()[:16]


@dataclass
class DeliveryReport:
    """What one delivery pass did."""

    queued: int = 0
    delivered: int = 0
    failed: int = 0
    given_up: int = 0
    errors: list[str] = field(default_factory=list)


def webhook_config(settings: Settings) -> WebhookConfig | None:
    """The configured webhook, or None when ``alert_webhook_url`` is empty."""
    url = settings.alert_webhook_url
    if not url:
        return None
    if not settings.alert_webhook_secret:
        raise ConfigError(
            "AGGREGATOR_ALERT_WEBHOOK_URL is set without AGGREGATOR_ALERT_WEBHOOK_SECRET: "
            "the receiver could not check that an alert came from us"
        )
    if not url.startswith(("http://", "https://")):
        raise ConfigError("AGGREGATOR_ALERT_WEBHOOK_URL must be an http(s) URL")
    return WebhookConfig(
        url=url,
        secret=settings.alert_webhook_secret,
        kinds=tuple(settings.alert_webhook_kinds),
        retries=settings.alert_webhook_retries,
        backoff=timedelta(seconds=settings.alert_webhook_backoff),
    )


def sign(body: bytes, secret: str) -> str:
    """The signature header's value: ``sha256=`` and the hex HMAC-SHA256 of ``body``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(body: bytes, secret: str, header: str | None) -> bool:
    """Whether ``header`` is the signature of ``body`` (for receivers; constant time)."""
    return bool(header) and hmac.compare_digest(sign(body, secret), str(header))


def payload(delivery_id: int, alert: dict[str, Any]) -> bytes:
    """The JSON body of one delivery."""
    document = {"delivery": delivery_id, "alert": alert}
    return json.dumps(document, ensure_ascii=False, sort_keys=True).encode()


def post(config: WebhookConfig, delivery_id: int, kind: str, body: bytes) -> None:
    """POST ``body``; raises OSError (or HTTPError) unless the receiver answers 2xx."""
    if not config.url.startswith(("http://", "https://")):
        raise OSError("the webhook URL is not http(s)")
    request = urllib.request.Request(  # noqa: S310 (http(s) only, checked above)
        config.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            SIGNATURE_HEADER: sign(body, config.secret),
            DELIVERY_HEADER: str(delivery_id),
            KIND_HEADER: kind,
            "User-Agent": "newsroom-aggregator-alerts",
        },
    )
    with urllib.request.urlopen(request, timeout=config.timeout) as response:  # noqa: S310
        if not 200 <= response.status < 300:
            raise OSError(f"HTTP {response.status}")


def _why(exc: Exception) -> str:
    """A failure in one line, without the URL (it may carry a token) or the secret."""
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code}"
    if isinstance(exc, urllib.error.URLError):
        return f"{type(exc.reason).__name__}: {exc.reason}"
    return f"{type(exc).__name__}: {exc}"


def deliver_alerts(
    database_url: str, config: WebhookConfig, *, now: datetime | None = None
) -> DeliveryReport:
    """Queue the new alerts for the webhook and send the due ones; never raises for a
    receiver that fails (the failure is kept on the delivery and retried later)."""
    report = DeliveryReport()
    with session_scope(database_url) as session:
        report.queued = queue_new_alerts(session, config.target, kinds=config.kinds, now=now)
        claimed = claim_due(session, config.target, backoff=config.backoff, now=now)
        bodies = [(c, payload(c.delivery_id, c.alert.to_json())) for c in claimed]
    for claim, body in bodies:
        try:
            post(config, claim.delivery_id, claim.alert.kind, body)
        except Exception as exc:  # any receiver failure: kept, retried, never fatal
            error = _why(exc)
            give_up = claim.attempt > config.retries
            with session_scope(database_url) as session:
                mark_failed(session, claim.delivery_id, error, give_up=give_up)
            report.failed += 1
            report.given_up += give_up
            report.errors.append(f"alert {claim.alert.id}: {error}")
            logger.warning(
                "webhook delivery %s of alert %s failed (attempt %s): %s",
                claim.delivery_id,
                claim.alert.id,
                claim.attempt,
                error,
            )
            continue
        with session_scope(database_url) as session:
            mark_delivered(session, claim.delivery_id, now=now)
        report.delivered += 1
    return report


def deliver_configured(settings: Settings, *, now: datetime | None = None) -> DeliveryReport | None:
    """Deliver with the configured webhook, if any; errors of the database are logged, not
    raised (the crawl that calls this is already recorded)."""
    try:
        config = webhook_config(settings)
        if config is None:
            return None
        return deliver_alerts(settings.database_url, config, now=now)
    except Exception:
        logger.exception("alert webhook delivery failed")
        return None
