"""The extract pool's processes ask to die with their parent (the crash test kills one) and
start warm."""

from __future__ import annotations

import sys

import pytest

from aggregator.pipelines.extract_pool import new_pool, start_forkserver, start_workers


def _death_signal() -> int:
    """This process's parent-death signal (0: none), as prctl(PR_GET_PDEATHSIG) reports it."""
    import ctypes

    value = ctypes.c_int(0)
    ctypes.CDLL(None).prctl(2, ctypes.byref(value), 0, 0, 0)  # PR_GET_PDEATHSIG
    return value.value


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux only")
def test_pool_workers_are_killed_with_their_parent() -> None:
    pool = new_pool(1)
    try:
        assert pool.submit(_death_signal).result(timeout=60) == 9  # SIGKILL
    finally:
        pool.shutdown(wait=True)


def _warm_state() -> tuple[int, int, bool]:
    """(language models, MinHash permutations) already loaded here, and whether scipy is (it
    must not be: nothing an extraction needs loads it, and it cost 0.3 s of every start)."""
    from aggregator.extraction.language import _identifier
    from aggregator.fingerprints.fingerprint import _permutations

    loaded = _identifier.cache_info().currsize, _permutations.cache_info().currsize
    return *loaded, "scipy" in sys.modules


def test_workers_start_warm() -> None:
    pool = new_pool(2)
    try:
        ready = start_workers(pool, 2)
        ready.result(timeout=120)
        # Forked from the warmed forkserver: before their first page, the slow loads are done.
        assert pool.submit(_warm_state).result(timeout=60) == (1, 1, False)
        assert len(pool._processes) == 2  # type: ignore[attr-defined]  # both forked up front
    finally:
        pool.shutdown(wait=True)


def test_a_crawl_started_forkserver_serves_the_pool_opened_later() -> None:
    # `aggregator crawl` starts the forkserver at launch; the pool its pipeline opens later
    # must fork from that warmed server, not start (and warm) another one.
    import os

    import psutil

    start_forkserver()
    servers = [p for p in psutil.Process().children() if "forkserver" in " ".join(p.cmdline())]
    assert len(servers) == 1
    pool = new_pool(1)
    try:
        start_workers(pool, 1).result(timeout=120)
        assert pool.submit(os.getppid).result(timeout=60) == servers[0].pid
        assert pool.submit(_warm_state).result(timeout=60) == (1, 1, False)
    finally:
        pool.shutdown(wait=True)
