"""Listing validators (ETag / Last-Modified), on SQLite and PostgreSQL."""

from __future__ import annotations

from storage.db import session_scope
from storage.listing_states import ListingState, Validators, get_validators, save_validators

FEED = "https://outlet.test/rss.xml"


def test_validators_round_trip_and_304_keeps_them(database_url: str) -> None:
    with session_scope(database_url) as session:
        assert get_validators(session, FEED) == Validators()
        assert not get_validators(session, FEED)
        save_validators(
            session, FEED, "outlet", Validators('"a"', "Mon, 01 Jan 2024 00:00:00 GMT"), entries=12
        )
    with session_scope(database_url) as session:
        save_validators(session, FEED, "outlet", Validators(), status=304)
    with session_scope(database_url) as session:
        assert get_validators(session, FEED) == Validators('"a"', "Mon, 01 Jan 2024 00:00:00 GMT")
        state = session.query(ListingState).one()
        assert (state.last_status, state.entries, state.source_name) == (304, 12, "outlet")
        changed = state.changed_at
        # A new 200 without validators forgets the old ones.
        save_validators(session, FEED, "outlet", Validators(), status=200)
        assert not get_validators(session, FEED)
        assert state.changed_at is not None and state.changed_at >= changed


def test_validators_are_bounded(database_url: str) -> None:
    with session_scope(database_url) as session:
        save_validators(session, FEED, "outlet", Validators("x" * 10_000, None))
        assert len(get_validators(session, FEED).etag or "") == 1024
