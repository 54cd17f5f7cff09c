"""Small application secrets (the ``app_secrets`` table): the session key, export tokens.

Each is generated once per database, so every process serving the same database signs
cookies and checks tokens alike.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from aggregator.errors import StorageError
from storage.base import Base, utcnow

# "alerts": the Atom feed of the alert channel (aggregator/web/alert_list.py), tokened alike.
EXPORT_FORMATS = ("rss", "atom", "json", "api", "alerts")
SESSION_KEY = "session_key"


class AppSecret(Base):
    """Named secrets generated once per database (session key, export token)."""

    __tablename__ = "app_secrets"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def app_secret(session: Session, name: str) -> str:
    """The named secret, generated (and stored) on first use."""
    row = session.get(AppSecret, name)
    if row is not None:
        return row.value
    value = secrets.token_urlsafe(32)
    try:
        with session.begin_nested():
            session.add(AppSecret(name=name, value=value))
    except IntegrityError:
        # Another process created it first: use theirs.
        stored = session.get(AppSecret, name, populate_existing=True)
        if stored is None:
            raise StorageError(f"could not create application secret {name!r}") from None
        return stored.value
    return value


def session_key(session: Session) -> str:
    """The key that signs the review page's session cookies."""
    return app_secret(session, SESSION_KEY)


def export_token(session: Session, export: str) -> str:
    """The token that lets a reader fetch one export (rss, atom, json or api)."""
    return app_secret(session, _token_name(export))


def rotate_export_token(session: Session, export: str) -> str:
    """Replace an export's token, cutting off every reader that holds the old one."""
    name = _token_name(export)
    row = session.get(AppSecret, name)
    value = secrets.token_urlsafe(32)
    if row is None:
        session.add(AppSecret(name=name, value=value))
    else:
        row.value = value
        row.created_at = utcnow()
    session.flush()
    return value


def check_export_token(session: Session, export: str, token: str | None) -> bool:
    """Whether ``token`` opens ``export`` (compared in constant time)."""
    if not token:
        return False
    return hmac.compare_digest(export_token(session, export).encode(), token.encode())


def _token_name(export: str) -> str:
    if export not in EXPORT_FORMATS:
        raise StorageError(f"unknown export {export!r} (expected one of {EXPORT_FORMATS})")
    return f"export_token:{export}"
