"""The extract pool's processes ask to die with their parent (the crash test kills one)."""

from __future__ import annotations

import sys

import pytest

from aggregator.pipelines.extract_pool import new_pool


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
