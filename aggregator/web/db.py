"""Database work from request handlers, run in a worker thread so the event loop stays free."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from storage.db import Session, session_scope

T = TypeVar("T")


async def in_session(request: Request, work: Callable[[Session], T]) -> T:
    """Run ``work(session)`` in one transaction (committed when it returns) off the loop."""
    url: str = request.app.state.database_url

    def run() -> T:
        with session_scope(url) as session:
            return work(session)

    return await run_in_threadpool(run)
