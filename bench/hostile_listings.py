"""Hostile listings as probes: each runs one case end to end and checks nothing was lost.

``probes()`` gives ``(name, run)`` pairs; a runner times each ``run()`` and measures its peak
memory. A probe serves the hostile outlet on loopback (``tests/fixtures/hostile/listings/``
plus the generated listing: 100,000 fresh junk items beside a normal feed, 14.7 MB of RSS, a
feed of 6,000 entries, a sitemap of 60,000 URLs), crawls it once with the real pipelines into a
fresh SQLite file, in a child process as the tests do, and raises AssertionError unless the
source's three real articles were stored and the cut was recorded as a warning naming the
listing. The cases and the crawl are those of ``tests/hostile/listings.py``.

Usage: python bench/hostile_listings.py [CASE ...]   (prints each probe's wall time)
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aggregator.demo.server import OutletServer
from storage.db import upgrade
from tests.hostile.listings import CASES, REAL, Case, crawl_case, prepare


def run_case(case: Case) -> None:
    """One hostile case end to end; AssertionError when a real article or the warning is lost."""
    servers: list[OutletServer] = []

    def serve(root: Path) -> OutletServer:
        servers.append(OutletServer(root).start())
        return servers[-1]

    with tempfile.TemporaryDirectory(prefix=f"hostile-{case.name}-") as folder:
        tmp_path = Path(folder)
        database_url = f"sqlite:///{tmp_path / 'probe.db'}"
        upgrade(database_url)
        try:
            outcome = crawl_case(case, prepare(case, tmp_path, serve), tmp_path, database_url)
        finally:
            for server in servers:
                server.stop()
    missing = set(REAL) - outcome.stored
    assert not missing, f"{case.name}: real articles not stored: {sorted(missing)}"
    cuts = [w for w in outcome.run.warnings if w.get("kind") == "listing_cut"]
    assert any(str(w.get("listing", "")).endswith(case.hostile) for w in cuts), (
        f"{case.name}: no warning names {case.hostile}: {outcome.run.warnings}"
    )


def probes() -> list[tuple[str, Callable[[], None]]]:
    """Every hostile listing case, as (name, run) pairs."""
    return [(f"listings/{name}", partial(run_case, case)) for name, case in CASES.items()]


def main(names: list[str]) -> None:
    for name, run in probes():
        if names and name.removeprefix("listings/") not in names:
            continue
        start = time.perf_counter()
        run()
        print(f"{name}: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
