"""Application secrets: the session key and export tokens."""

from __future__ import annotations

import pytest

from aggregator.errors import StorageError
from storage.db import session_scope
from storage.secrets import check_export_token, export_token, rotate_export_token, session_key


def test_secrets_are_generated_once_and_tokens_rotate(database_url: str) -> None:
    with session_scope(database_url) as session:
        key = session_key(session)
        token = export_token(session, "atom")
    with session_scope(database_url) as session:
        assert session_key(session) == key and len(key) >= 40
        assert export_token(session, "atom") == token
        assert export_token(session, "rss") != token
        assert check_export_token(session, "atom", token)
        assert not check_export_token(session, "rss", token)
        assert not check_export_token(session, "atom", None)
        new = rotate_export_token(session, "atom")
        assert not check_export_token(session, "atom", token)
        assert check_export_token(session, "atom", new)
        with pytest.raises(StorageError, match="unknown export 'pdf'"):
            export_token(session, "pdf")
