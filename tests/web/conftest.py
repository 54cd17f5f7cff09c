"""Fixtures of the review page tests: a seeded database, an app and logged-in clients."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from aggregator.web.app import create_app
from storage.db import upgrade

from .client_helpers import log_in
from .review_seed import seed


@pytest.fixture
def backend() -> str:
    """The database the route tests run on; modules that query in database-specific ways
    (search, counts, pages, exports) override it to run on PostgreSQL too."""
    return "sqlite"


@pytest.fixture
def seeded(request: pytest.FixtureRequest, backend: str) -> tuple[str, dict[str, int]]:
    """A migrated database holding the sample newsroom."""
    url: str = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url")
    upgrade(url)
    return url, seed(url)


@pytest.fixture
def ids(seeded: tuple[str, dict[str, int]]) -> dict[str, int]:
    return seeded[1]


@pytest.fixture
def client(seeded: tuple[str, dict[str, int]]) -> Iterator[TestClient]:
    """A client of the app, not logged in."""
    with TestClient(create_app(seeded[0], secret_key="k" * 32)) as test_client:
        yield test_client


@pytest.fixture
def editor(client: TestClient) -> tuple[TestClient, str]:
    """A logged-in client and its CSRF token."""
    return client, log_in(client)
