"""Test double of the crawl CHILD process, for the scheduler's overlap and signal tests only.

Called like ``aggregator crawl``: ``fake_crawl.py --database-url URL --sources PATH crawl
NAME --trigger T``. It records a crawl_runs row through storage exactly as the real crawl
does (running, then finished or interrupted on SIGTERM), sleeping in between. What each
source does comes from ``fake_crawl.json`` beside the sources file::

    {"slow": {"seconds": 5}, "stubborn": {"seconds": 60, "ignore_term": true},
     "broken": {"exit": 3, "record": false}, "bad": {"status": "failed", "exit": 1}}
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import storage.models  # noqa: F401  (complete metadata: foreign keys resolve)
from storage.db import session_scope
from storage.runs import finish_run, start_run


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--sources", required=True)
    parser.add_argument("verb")
    parser.add_argument("name")
    parser.add_argument("--trigger", default="manual")
    args = parser.parse_args()
    behaviours = Path(args.sources).with_name("fake_crawl.json")
    plan = json.loads(behaviours.read_text()).get(args.name, {}) if behaviours.exists() else {}
    if not plan.get("record", True):
        print(f"fake crawl of {args.name}: exploding before recording", flush=True)
        return int(plan.get("exit", 2))
    interrupted = False

    def on_term(_signum: int, _frame: object) -> None:
        nonlocal interrupted
        interrupted = True

    signal.signal(signal.SIGTERM, signal.SIG_IGN if plan.get("ignore_term") else on_term)
    with session_scope(args.database_url) as session:
        run_id = start_run(
            session,
            source_name=args.name,
            source_id=None,
            trigger=args.trigger,
            pid=os.getpid(),
            host=socket.gethostname(),
        ).id
    deadline = time.monotonic() + float(plan.get("seconds", 0.3))
    while time.monotonic() < deadline and not interrupted:
        time.sleep(0.05)
    status = "interrupted" if interrupted else plan.get("status", "finished")
    figures = {"found": 2, "fetched": 2, "stored": 2}
    with session_scope(args.database_url) as session:
        finish_run(
            session,
            run_id,
            status=status,
            figures=figures,
            message="crawl closed: shutdown" if interrupted else None,
        )
    return int(plan.get("exit", 0))


if __name__ == "__main__":
    sys.exit(main())
