"""APScheduler's job table (``apscheduler_jobs``), read without starting a scheduler.

APScheduler's SQLAlchemyJobStore owns the table and writes it; ``aggregator status`` only
wants each job's next run time.
"""

from __future__ import annotations

from sqlalchemy import column, inspect, select, table

from storage.db import get_engine

JOBS_TABLE = "apscheduler_jobs"


def job_next_run_times(database_url: str) -> dict[str, float | None]:
    """Each stored job's next run time, as a POSIX timestamp (empty before a first start)."""
    engine = get_engine(database_url)
    if not inspect(engine).has_table(JOBS_TABLE):
        return {}
    with engine.connect() as connection:
        store = table(JOBS_TABLE, column("id"), column("next_run_time"))
        rows = connection.execute(select(store.c.id, store.c.next_run_time)).all()
    return {job: None if next_run is None else float(next_run) for job, next_run in rows}
