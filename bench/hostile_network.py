"""Probes of the network policy against the hostile outlet of tests/fixtures/hostile/network/.

``probes()`` returns ``(name, run)`` pairs; each ``run()`` plays one hostile case end to end on
loopback (outlet on 127.0.0.1, internal server on 127.0.0.2) and raises AssertionError when the
outcome is wrong, so a runner can time it and measure its peak memory:

feed        a crawl (child process, real pipelines, SQLite) of a feed pointing at
            169.254.169.254, 10.0.0.1, ::ffff:10.0.0.1, 127.0.0.2 directly, by redirect and by a
            host name: six refusals, two articles stored, no request at 127.0.0.2
rebinding   a crawl whose host name answers 127.0.0.1 first and 127.0.0.2 next: the second
            connection is refused
onboarding  the onboarding fetcher (urllib, in process) following a redirect to 127.0.0.2

Usage: python bench/hostile_network.py   (runs every probe once and prints its time)
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The script's folder holds bench/storage.py, which would shadow the storage package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from aggregator.errors import DiscoveryError  # noqa: E402
from aggregator.network_policy import NetworkPolicy  # noqa: E402
from aggregator.onboarding.http import http_get  # noqa: E402
from tests.hostile.network_outlet import (  # noqa: E402
    INTERNAL_HOST,
    crawl_hostile,
    serving,
    source_yaml,
)

LOOPBACK = NetworkPolicy.allowing(["127.0.0.1/32"])


def _crawl_feed() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        work = Path(tmp)
        with serving(work) as servers:
            yaml = source_yaml(servers.outlet.base_url)
            result = crawl_hostile(work, yaml, f"sqlite:///{work / 'bench.db'}")
            assert servers.internal.hits == [], "a request reached 127.0.0.2"
        figures = result.figures["harbour"]
        assert figures["reasons"] == {"blocked_address": 6}, figures["reasons"]
        assert figures["stored"] == 2, figures


def _crawl_rebinding() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        work = Path(tmp)
        with serving(work) as servers:
            base = f"http://rebind.test:{servers.port}"
            hosts = {"rebind.test": [["127.0.0.1"], [INTERNAL_HOST]]}
            yaml = source_yaml(base, feeds=("/feed.xml", "/feed.xml?copy=2"))
            result = crawl_hostile(
                work, yaml, f"sqlite:///{work / 'bench.db'}", hosts, ROBOTSTXT_OBEY=False
            )
            assert servers.internal.hits == [], "a request reached 127.0.0.2"
        details = [e["detail"] for e in result.figures["harbour"]["errors"]]
        assert any("rebind.test resolves to 127.0.0.2" in d for d in details), details


def _onboarding_redirect() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp, serving(Path(tmp)) as servers:
        try:
            http_get(
                f"{servers.outlet.base_url}/news/moved.html", user_agent="bench", policy=LOOPBACK
            )
        except DiscoveryError as exc:
            assert "127.0.0.2: loopback address" in str(exc), exc
        else:
            raise AssertionError("the redirect to 127.0.0.2 was followed")
        assert servers.internal.hits == [], "a request reached 127.0.0.2"


def probes() -> list[tuple[str, Callable[[], None]]]:
    """Each hostile network case, as a callable that runs it once."""
    return [
        ("feed", _crawl_feed),
        ("rebinding", _crawl_rebinding),
        ("onboarding", _onboarding_redirect),
    ]


if __name__ == "__main__":
    os.environ.pop("AGGREGATOR_ALLOW_NETWORKS", None)  # the sources' own allowance only
    for name, run in probes():
        start = time.perf_counter()
        run()
        print(f"{name}\t{time.perf_counter() - start:.2f} s")
