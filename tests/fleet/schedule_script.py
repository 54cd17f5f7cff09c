"""A fleet scheduler with short lease timings, for the failover test.

Usage: schedule_script.py DATABASE_URL SOURCES BROKER_URL [--standby]
"""

from __future__ import annotations

import logging
import sys
from datetime import timedelta

from aggregator.config.sources import load_sources
from scheduler.service import SchedulerService, ServiceOptions
from scheduler.triggers import parse_default_schedule


def main() -> None:
    database_url, sources, broker_url = sys.argv[1:4]
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stdout)
    options = ServiceOptions(
        database_url=database_url,
        sources_path=sources,
        default_schedule=parse_default_schedule("1h"),
        time_limit=timedelta(minutes=5),
        reload_interval=timedelta(seconds=1),
        standby="--standby" in sys.argv,
        heartbeat_interval=timedelta(seconds=0.5),
        stale_after=timedelta(seconds=3),
        broker_url=broker_url,
    )
    SchedulerService(options, load_sources(sources)).run(handle_signals=True)


if __name__ == "__main__":
    main()
